package io.jobline.airgap;

import io.jobline.wire.JsonBuffer;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Writes Kafka records as NDJSON lines in the DESIGN §7 record format, the one writer of export,
 * replay and the benchmarks. Key and value bytes become JSON strings when they are valid UTF-8
 * (so they read back byte for byte) and {@code keyBase64} / {@code valueBase64} otherwise.
 *
 * <p>It escapes straight from the record's bytes into one reused buffer: a timeline event is
 * about a kilobyte of JSON that would otherwise be decoded to a String and encoded again per line,
 * which is most of the cost of writing a replayed timeline.
 */
public final class RecordLineWriter implements Closeable {

    /** The default buffer: large writes, few system calls. */
    public static final int DEFAULT_BUFFER = 1 << 20;

    private static final byte[] TOPIC = bytes("{\"topic\":");
    private static final byte[] PARTITION = bytes("\"partition\":");
    private static final byte[] OFFSET = bytes("\"offset\":");
    private static final byte[] TIMESTAMP = bytes("\"timestamp\":");
    private static final byte[] KEY = bytes(",\"key\":");
    private static final byte[] KEY_BASE64 = bytes(",\"keyBase64\":\"");
    private static final byte[] HEADERS = bytes(",\"headers\":[");
    private static final byte[] HEADER_KEY = bytes("{\"key\":");
    private static final byte[] HEADER_VALUE = bytes(",\"value\":");
    private static final byte[] HEADER_VALUE_BASE64 = bytes(",\"valueBase64\":\"");
    private static final byte[] VALUE = bytes(",\"value\":");
    private static final byte[] VALUE_BASE64 = bytes(",\"valueBase64\":\"");
    private static final byte[] NULL = bytes("null");
    private static final byte[] HEX = bytes("0123456789abcdef");
    /** Bytes copied as they are: ASCII but for control characters, quote and backslash. */
    private static final boolean[] PLAIN = new boolean[256];

    static {
        for (int c = 0x20; c < 0x80; c++) {
            PLAIN[c] = c != '"' && c != '\\';
        }
    }

    private final OutputStream out;
    private final int flushAt;
    private byte[] buffer;
    private int position;
    private long bytesWritten;
    private long records;
    private String lastTopic;
    private byte[] lastTopicJson;

    /** Writes to {@code out}, which it closes; it buffers itself, so {@code out} need not. */
    public RecordLineWriter(OutputStream out) {
        this(out, DEFAULT_BUFFER);
    }

    /** As above, flushing whenever {@code bufferBytes} are buffered (many open writers want less). */
    public RecordLineWriter(OutputStream out, int bufferBytes) {
        this.out = out;
        this.flushAt = bufferBytes;
        this.buffer = new byte[bufferBytes + (16 << 10)];
    }

    public void write(LogRecord record) throws IOException {
        head(record.topic(), record.partition(), record.offset(), record.timestamp(), record.key(), record.headers());
        byte[] value = record.value();
        appendBytesField(VALUE, VALUE_BASE64, value, value == null ? 0 : value.length);
        endLine();
    }

    /**
     * Writes a record whose value is the text of {@code value}, as {@link #write(LogRecord)} would
     * with its bytes. Replay writes each event so, straight from the buffer it was rendered into,
     * which knows where its quotes are.
     */
    public void write(
            String topic,
            int partition,
            long offset,
            long timestamp,
            byte[] key,
            List<LogRecord.Header> headers,
            JsonBuffer value)
            throws IOException {
        head(topic, partition, offset, timestamp, key, headers);
        if (value.quotable()) {
            append(VALUE);
            ensure(value.quotedLength() + 8);
            position = value.writeQuoted(buffer, position);
        } else {
            appendBytesField(VALUE, VALUE_BASE64, value.array(), value.length());
        }
        endLine();
    }

    /** The line up to its value: topic, partition, offset, timestamp, key and headers. */
    private void head(
            String topic, int partition, long offset, long timestamp, byte[] key, List<LogRecord.Header> headers) {
        if (topic != null) {
            append(TOPIC);
            append(topicJson(topic));
            append((byte) ',');
        } else {
            append((byte) '{');
        }
        if (partition != LogRecord.NO_PARTITION) {
            append(PARTITION);
            appendNumber(partition);
            append((byte) ',');
        }
        if (offset != LogRecord.NO_OFFSET) {
            append(OFFSET);
            appendNumber(offset);
            append((byte) ',');
        }
        append(TIMESTAMP);
        appendNumber(timestamp);
        appendBytesField(KEY, KEY_BASE64, key, key == null ? 0 : key.length);
        append(HEADERS);
        boolean first = true;
        for (LogRecord.Header header : headers) {
            if (!first) {
                append((byte) ',');
            }
            first = false;
            append(HEADER_KEY);
            byte[] name = header.key().getBytes(StandardCharsets.UTF_8);
            appendUtf8String(name, name.length);
            byte[] headerValue = header.value();
            appendBytesField(
                    HEADER_VALUE, HEADER_VALUE_BASE64, headerValue, headerValue == null ? 0 : headerValue.length);
            append((byte) '}');
        }
        append((byte) ']');
    }

    private void endLine() throws IOException {
        append((byte) '}');
        append((byte) '\n');
        records++;
        if (position >= flushAt) {
            flushBuffer();
        }
    }

    /** Lines written so far. */
    public long records() {
        return records;
    }

    /** Bytes written so far, buffered ones included. */
    public long bytes() {
        return bytesWritten + position;
    }

    public void flush() throws IOException {
        flushBuffer();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        try {
            flushBuffer();
        } finally {
            out.close();
        }
    }

    private void flushBuffer() throws IOException {
        out.write(buffer, 0, position);
        bytesWritten += position;
        position = 0;
    }

    private byte[] topicJson(String topic) {
        if (!topic.equals(lastTopic)) {
            int mark = position;
            byte[] name = topic.getBytes(StandardCharsets.UTF_8);
            appendUtf8String(name, name.length);
            lastTopicJson = Arrays.copyOfRange(buffer, mark, position);
            position = mark;
            lastTopic = topic;
        }
        return lastTopicJson;
    }

    /** {@code ,"key":"text"} for UTF-8 bytes, {@code ,"keyBase64":"..."} for others, {@code ,"key":null} for none. */
    private void appendBytesField(byte[] textName, byte[] base64Name, byte[] value, int length) {
        int mark = position;
        append(textName);
        if (value == null) {
            append(NULL);
        } else if (!appendUtf8String(value, length)) {
            position = mark;
            append(base64Name);
            append(Base64.getEncoder().encode(length == value.length ? value : Arrays.copyOf(value, length)));
            append((byte) '"');
        }
    }

    /**
     * Appends the first {@code n} bytes of {@code text} as a JSON string, escaping quotes,
     * backslashes and control characters. Returns false, leaving the buffer position undefined,
     * when the bytes are not well-formed UTF-8.
     *
     * <p>A timeline event is a kilobyte of JSON with a quote every dozen bytes, and it is escaped
     * once more here. Eight bytes at a time are tested for anything but plain ASCII; the plain ones
     * before the first that is not are copied in one move.
     */
    private boolean appendUtf8String(byte[] text, int n) {
        ensure(n * 6 + 2);
        byte[] b = buffer;
        int p = position;
        b[p++] = '"';
        int i = 0;
        while (i < n) {
            if (i + 8 <= n) {
                int plain = StringWords.copyWord(text, i, b, p); // room is ensured
                i += plain;
                p += plain;
                if (plain == 8) {
                    continue;
                }
            }
            int c = text[i];
            if (PLAIN[c & 0xFF]) {
                b[p++] = (byte) c;
                i++;
            } else if (c < 0) {
                int length = Utf8.sequenceLength(text, i, n);
                if (length == 0) {
                    return false;
                }
                System.arraycopy(text, i, b, p, length);
                p += length;
                i += length;
            } else {
                p = escape(b, p, c);
                i++;
            }
        }
        b[p++] = '"';
        position = p;
        return true;
    }

    private static int escape(byte[] b, int p, int c) {
        b[p++] = '\\';
        switch (c) {
            case '"' -> b[p++] = '"';
            case '\\' -> b[p++] = '\\';
            case '\n' -> b[p++] = 'n';
            case '\r' -> b[p++] = 'r';
            case '\t' -> b[p++] = 't';
            case '\b' -> b[p++] = 'b';
            case '\f' -> b[p++] = 'f';
            default -> {
                b[p++] = 'u';
                b[p++] = '0';
                b[p++] = '0';
                b[p++] = HEX[c >> 4];
                b[p++] = HEX[c & 0xF];
            }
        }
        return p;
    }

    private void appendNumber(long value) {
        ensure(JsonBuffer.MAX_DIGITS);
        position = JsonBuffer.digits(value, buffer, position);
    }

    private void append(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, position, bytes.length);
        position += bytes.length;
    }

    private void append(byte b) {
        ensure(1);
        buffer[position++] = b;
    }

    private void ensure(int more) {
        if (position + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, position + more));
        }
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(StandardCharsets.US_ASCII);
    }
}
