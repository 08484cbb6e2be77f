package io.jobline.airgap;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Reads NDJSON lines in the DESIGN §7 record format, the one reader of import, replay and verify.
 * Fields it does not know are skipped, so that a later version's extra fields do not stop an older
 * reader; members come in any order, and whitespace (line breaks included) may be anywhere JSON
 * allows it.
 *
 * <p>It scans bytes itself rather than through a JSON library: a key or value is a JSON string
 * that stands for bytes, so it is unescaped straight into bytes, and the long runs of a value that
 * need no unescaping are copied at once. Reading the log was a tenth of a replay's time through a
 * general parser, which decoded every value to characters and encoded it back.
 */
public final class RecordLineReader implements Closeable {

    private static final byte[] TOPIC = ascii("topic");
    private static final byte[] PARTITION = ascii("partition");
    private static final byte[] OFFSET = ascii("offset");
    private static final byte[] TIMESTAMP = ascii("timestamp");
    private static final byte[] KEY = ascii("key");
    private static final byte[] KEY_BASE64 = ascii("keyBase64");
    private static final byte[] VALUE = ascii("value");
    private static final byte[] VALUE_BASE64 = ascii("valueBase64");
    private static final byte[] HEADERS = ascii("headers");
    /** As deep as the rest of jobline reads JSON (the commands' parser limit). */
    private static final int MAX_DEPTH = 200;

    private final InputStream in;
    private final String source;
    private final byte[] buffer = new byte[64 << 10];
    private int position;
    private int limit;
    private boolean eof;
    private boolean started;
    private int line = 1;
    /** The string just read, as bytes. */
    private byte[] text = new byte[256];

    private int textLength;
    private String lastTopic;
    private byte[] lastTopicBytes = new byte[0];

    /** Reads {@code in}, which it closes; {@code source} names it in error messages. */
    public RecordLineReader(InputStream in, String source) {
        this.in = in;
        this.source = source;
    }

    /** The next record, or null at the end of the file. */
    public LogRecord next() {
        if (!started) {
            started = true;
            skipByteOrderMark();
        }
        int first = skipWhitespace();
        if (first < 0) {
            return null;
        }
        if (first != '{') {
            throw error("a record is a JSON object, found '" + (char) first + "'");
        }
        position++;
        return readRecord();
    }

    /** A file saved by some Windows editors starts with the UTF-8 byte order mark; it is not part of the log. */
    private void skipByteOrderMark() {
        if (peek() == 0xEF) {
            position++;
            if (read() != 0xBB || read() != 0xBF) {
                throw error("a record is a JSON object, found a byte that starts no character");
            }
        }
    }

    private LogRecord readRecord() {
        String topic = null;
        int partition = LogRecord.NO_PARTITION;
        long offset = LogRecord.NO_OFFSET;
        long timestamp = 0;
        boolean hasTimestamp = false;
        byte[] key = null;
        byte[] value = null;
        List<LogRecord.Header> headers = List.of();
        while (nextMember()) {
            if (isName(TOPIC)) {
                topic = topic();
            } else if (isName(PARTITION)) {
                partition = (int) number("partition", 0, Integer.MAX_VALUE);
            } else if (isName(OFFSET)) {
                offset = number("offset", 0, Long.MAX_VALUE);
            } else if (isName(TIMESTAMP)) {
                timestamp = number("timestamp", Long.MIN_VALUE, Long.MAX_VALUE);
                hasTimestamp = true;
            } else if (isName(KEY)) {
                key = bytesOrNull("key");
            } else if (isName(KEY_BASE64)) {
                key = base64("keyBase64");
            } else if (isName(VALUE)) {
                value = bytesOrNull("value");
            } else if (isName(VALUE_BASE64)) {
                value = base64("valueBase64");
            } else if (isName(HEADERS)) {
                headers = headers();
            } else {
                skipValue(1);
            }
        }
        if (!hasTimestamp) {
            throw error("the record has no timestamp");
        }
        return new LogRecord(topic, partition, offset, timestamp, key, value, headers);
    }

    /**
     * Moves to the next member of the object being read, leaving its name in {@link #text}; false
     * at the object's end. Called just after the '{' and after each member's value.
     */
    private boolean nextMember() {
        int c = skipWhitespace();
        if (c == '}') {
            position++;
            return false;
        }
        if (c == ',') {
            position++;
            c = skipWhitespace();
        }
        if (c != '"') {
            throw error("expected a member name or the end of the object");
        }
        position++;
        readString();
        if (skipWhitespace() != ':') {
            throw error("expected ':' after a member name");
        }
        position++;
        skipWhitespace();
        return true;
    }

    private boolean isName(byte[] name) {
        return Arrays.equals(text, 0, textLength, name, 0, name.length);
    }

    private List<LogRecord.Header> headers() {
        if (literal("null")) {
            return List.of();
        }
        if (peek() != '[') {
            throw error("headers is an array");
        }
        position++;
        List<LogRecord.Header> headers = new ArrayList<>(2);
        int c = skipWhitespace();
        while (c != ']') {
            if (c == ',' && !headers.isEmpty()) {
                position++;
                c = skipWhitespace();
            }
            if (c != '{') {
                throw error("a header is an object with key and value");
            }
            position++;
            String key = null;
            byte[] value = null;
            while (nextMember()) {
                if (isName(KEY)) {
                    byte[] bytes = bytesOrNull("headers[].key");
                    key = bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
                } else if (isName(VALUE)) {
                    value = bytesOrNull("headers[].value");
                } else if (isName(VALUE_BASE64)) {
                    value = base64("headers[].valueBase64");
                } else {
                    skipValue(1);
                }
            }
            if (key == null) {
                throw error("a header has no key");
            }
            headers.add(new LogRecord.Header(key, value));
            c = skipWhitespace();
        }
        position++;
        return headers;
    }

    private String topic() {
        if (peek() != '"') {
            throw error("topic is a string");
        }
        position++;
        readString();
        // Every line of a partition file names the same topic: keep one String for all of them.
        if (lastTopic == null || !Arrays.equals(text, 0, textLength, lastTopicBytes, 0, lastTopicBytes.length)) {
            lastTopicBytes = Arrays.copyOf(text, textLength);
            lastTopic = new String(lastTopicBytes, StandardCharsets.UTF_8);
        }
        return lastTopic;
    }

    private long number(String field, long min, long max) {
        int c = peek();
        boolean negative = c == '-';
        if (negative) {
            position++;
            c = peek();
        }
        if (c < '0' || c > '9') {
            throw error(field + " is an integer");
        }
        long value = 0;
        boolean overflow = false;
        while (c >= '0' && c <= '9') {
            int digit = c - '0';
            // Accumulate negatively: Long.MIN_VALUE has no positive counterpart.
            if (value < (Long.MIN_VALUE + digit) / 10) {
                overflow = true;
            }
            value = value * 10 - digit;
            position++;
            c = peek();
        }
        if (c == '.' || c == 'e' || c == 'E') {
            throw error(field + " is an integer");
        }
        if (!negative) {
            overflow |= value == Long.MIN_VALUE;
            value = -value;
        }
        if (overflow || value < min || value > max) {
            throw error(field + " is out of range");
        }
        return value;
    }

    /** A JSON string as the UTF-8 bytes it stands for; null for JSON null. */
    private byte[] bytesOrNull(String field) {
        if (literal("null")) {
            return null;
        }
        if (peek() != '"') {
            throw error(field + " is a string or null");
        }
        position++;
        readString();
        return Arrays.copyOf(text, textLength);
    }

    private byte[] base64(String field) {
        if (peek() != '"') {
            throw error(field + " is a base64 string");
        }
        position++;
        readString();
        try {
            return Base64.getDecoder().decode(Arrays.copyOf(text, textLength));
        } catch (IllegalArgumentException e) {
            throw error(field + " is not base64: " + e.getMessage());
        }
    }

    /** Reads the rest of a string whose opening quote was consumed into {@link #text}, unescaped. */
    private void readString() {
        textLength = 0;
        int high = 0; // any byte with its top bit set: the text must then be checked as UTF-8
        while (true) {
            high |= copyPlainWords();
            int start = position;
            byte[] b = buffer;
            int end = limit;
            int p = position;
            while (p < end) {
                byte c = b[p];
                if (c == '"' || c == '\\' || (c >= 0 && c < 0x20)) {
                    break;
                }
                high |= c;
                p++;
            }
            append(b, start, p - start);
            position = p;
            if (p == end) {
                if (!fill()) {
                    throw error("the file ends inside a string");
                }
                continue;
            }
            byte c = b[position++];
            if (c == '"') {
                break;
            }
            if (c == '\\') {
                unescape();
            } else {
                throw error("a control character inside a string must be escaped");
            }
        }
        if (high < 0 && !Utf8.isWellFormed(text, textLength)) {
            throw error("a string is not valid UTF-8");
        }
    }

    /**
     * The common part of a string, eight bytes at a time while the buffer holds that many: plain
     * bytes, bytes that are not ASCII, and the escapes {@code \"} {@code \\} {@code \/}, which a
     * JSON text held in a string has every dozen bytes. Stops before the closing quote, a control
     * character or any other escape, for the byte-by-byte loop. Returns a negative number when it
     * copied a byte that is not ASCII.
     */
    private int copyPlainWords() {
        byte[] b = buffer;
        int end = limit;
        int p = position;
        // Room for all the buffer holds and a word: a string is never longer than its JSON.
        if (text.length - textLength < end - p + 8) {
            text = Arrays.copyOf(text, Math.max(text.length * 2, textLength + end - p + 8));
        }
        byte[] t = text;
        int n = textLength;
        int high = 0;
        while (p + 8 <= end) {
            int plain = StringWords.copyWord(b, p, t, n);
            p += plain;
            n += plain;
            if (plain == 8) {
                continue;
            }
            byte c = b[p];
            if (c < 0) {
                high = -1;
                t[n++] = c;
                p++;
            } else if (c == '\\' && p + 1 < end && (b[p + 1] == '"' || b[p + 1] == '\\' || b[p + 1] == '/')) {
                t[n++] = b[p + 1];
                p += 2;
            } else {
                break;
            }
        }
        textLength = n;
        position = p;
        return high;
    }

    private void unescape() {
        escape(read());
    }

    private void escape(int c) {
        switch (c) {
            case '"', '\\', '/' -> appendByte(c);
            case 'b' -> appendByte('\b');
            case 'f' -> appendByte('\f');
            case 'n' -> appendByte('\n');
            case 'r' -> appendByte('\r');
            case 't' -> appendByte('\t');
            case 'u' -> unicode(hex4());
            default -> throw error("an unknown escape in a string");
        }
    }

    /** A UTF-16 unit from a unicode escape; a surrogate without its other half becomes '?', as Java encodes it. */
    private void unicode(int unit) {
        while (Character.isHighSurrogate((char) unit) && peek() == '\\') {
            position++;
            int next = read();
            if (next != 'u') {
                appendByte('?');
                escape(next); // not a unicode escape, so no surrogate either
                return;
            }
            int low = hex4();
            if (Character.isLowSurrogate((char) low)) {
                appendCodePoint(Character.toCodePoint((char) unit, (char) low));
                return;
            }
            appendByte('?');
            unit = low; // perhaps the high half of the next pair
        }
        appendCodePoint(Character.isSurrogate((char) unit) ? '?' : unit);
    }

    private int hex4() {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            int digit = Character.digit(read(), 16);
            if (digit < 0) {
                throw error("a \\u escape needs four hex digits");
            }
            value = value << 4 | digit;
        }
        return value;
    }

    private void appendCodePoint(int cp) {
        if (cp < 0x80) {
            appendByte(cp);
        } else if (cp < 0x800) {
            appendByte(0xC0 | cp >> 6);
            appendByte(0x80 | cp & 0x3F);
        } else if (cp < 0x10000) {
            appendByte(0xE0 | cp >> 12);
            appendByte(0x80 | cp >> 6 & 0x3F);
            appendByte(0x80 | cp & 0x3F);
        } else {
            appendByte(0xF0 | cp >> 18);
            appendByte(0x80 | cp >> 12 & 0x3F);
            appendByte(0x80 | cp >> 6 & 0x3F);
            appendByte(0x80 | cp & 0x3F);
        }
    }

    /** Skips a value this reader does not need: any JSON value, nested at most {@link #MAX_DEPTH} deep. */
    private void skipValue(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("a value is nested more than " + MAX_DEPTH + " deep");
        }
        int c = skipWhitespace();
        if (c == '"') {
            position++;
            readString();
        } else if (c == '{') {
            position++;
            while (nextMember()) {
                skipValue(depth + 1);
            }
        } else if (c == '[') {
            position++;
            c = skipWhitespace();
            boolean first = true;
            while (c != ']') {
                if (!first) {
                    if (c != ',') {
                        throw error("expected ',' or ']' in an array");
                    }
                    position++;
                }
                first = false;
                skipValue(depth + 1);
                c = skipWhitespace();
            }
            position++;
        } else if (!literal("null") && !literal("true") && !literal("false")) {
            int start = position;
            while ((c = peek()) == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' || (c >= '0' && c <= '9')) {
                position++;
            }
            if (position == start) {
                throw error("not a JSON value");
            }
        }
    }

    /** Consumes {@code word} when it comes next. */
    private boolean literal(String word) {
        if (peek() != word.charAt(0)) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (read() != word.charAt(i)) {
                throw error("not a JSON value");
            }
        }
        return true;
    }

    // ---- the byte stream --------------------------------------------------------------------

    /** The next byte that is not whitespace, not consumed; -1 at the end of the file. */
    private int skipWhitespace() {
        while (true) {
            int c = peek();
            if (c == '\n') {
                line++;
            } else if (c != ' ' && c != '\t' && c != '\r') {
                return c;
            }
            position++;
        }
    }

    private int peek() {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position] & 0xFF;
    }

    private int read() {
        int c = peek();
        if (c < 0) {
            throw error("the file ends inside a record");
        }
        position++;
        return c;
    }

    private boolean fill() {
        if (eof) {
            return false;
        }
        try {
            int n = in.read(buffer, 0, buffer.length);
            if (n <= 0) {
                eof = n < 0;
                return !eof && fill();
            }
            position = 0;
            limit = n;
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source, e);
        }
    }

    private void append(byte[] bytes, int from, int length) {
        if (textLength + length > text.length) {
            text = Arrays.copyOf(text, Math.max(text.length * 2, textLength + length));
        }
        System.arraycopy(bytes, from, text, textLength, length);
        textLength += length;
    }

    private void appendByte(int b) {
        if (textLength == text.length) {
            text = Arrays.copyOf(text, text.length * 2);
        }
        text[textLength++] = (byte) b;
    }

    private AirGapException error(String message) {
        return new AirGapException(source + " line " + line + ": " + message);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + source, e);
        }
    }
}
