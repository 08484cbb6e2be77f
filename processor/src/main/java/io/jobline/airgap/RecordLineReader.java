package io.jobline.airgap;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.jobline.wire.Json;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads NDJSON lines in the DESIGN §7 record format, the one reader of import, replay and verify.
 * One streaming parser runs over the whole file (no tree per line); fields it does not know are
 * skipped, so that a later version's extra fields do not stop an older reader.
 */
public final class RecordLineReader implements Closeable {

    private final JsonParser parser;
    private final String source;
    private String lastTopic;

    /** Reads {@code in}, which it closes; {@code source} names it in error messages. */
    public RecordLineReader(InputStream in, String source) {
        this.source = source;
        try {
            this.parser = Json.MAPPER.getFactory().createParser(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source, e);
        }
    }

    /** The next record, or null at the end of the file. */
    public LogRecord next() {
        try {
            JsonToken token = parser.nextToken();
            if (token == null) {
                return null;
            }
            if (token != JsonToken.START_OBJECT) {
                throw error("a record is a JSON object, found " + token.asString());
            }
            return readRecord();
        } catch (JsonProcessingException e) {
            throw error("not a JSON record line: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source, e);
        }
    }

    private LogRecord readRecord() throws IOException {
        String topic = null;
        int partition = LogRecord.NO_PARTITION;
        long offset = LogRecord.NO_OFFSET;
        long timestamp = 0;
        boolean hasTimestamp = false;
        byte[] key = null;
        byte[] value = null;
        List<LogRecord.Header> headers = List.of();
        String field;
        while ((field = parser.nextFieldName()) != null) {
            JsonToken token = parser.nextToken();
            switch (field) {
                case "topic" -> topic = topic(token);
                case "partition" -> partition = (int) number(token, field, 0, Integer.MAX_VALUE);
                case "offset" -> offset = number(token, field, 0, Long.MAX_VALUE);
                case "timestamp" -> {
                    timestamp = number(token, field, Long.MIN_VALUE, Long.MAX_VALUE);
                    hasTimestamp = true;
                }
                case "key" -> key = text(token, field);
                case "keyBase64" -> key = base64(token, field);
                case "value" -> value = text(token, field);
                case "valueBase64" -> value = base64(token, field);
                case "headers" -> headers = headers(token);
                default -> parser.skipChildren();
            }
        }
        if (!hasTimestamp) {
            throw error("the record has no timestamp");
        }
        return new LogRecord(topic, partition, offset, timestamp, key, value, headers);
    }

    private List<LogRecord.Header> headers(JsonToken token) throws IOException {
        if (token == JsonToken.VALUE_NULL) {
            return List.of();
        }
        if (token != JsonToken.START_ARRAY) {
            throw error("headers is an array");
        }
        List<LogRecord.Header> headers = new ArrayList<>(2);
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (token != JsonToken.START_OBJECT) {
                throw error("a header is an object with key and value");
            }
            String key = null;
            byte[] value = null;
            String field;
            while ((field = parser.nextFieldName()) != null) {
                JsonToken valueToken = parser.nextToken();
                switch (field) {
                    case "key" -> {
                        byte[] bytes = text(valueToken, "headers[].key");
                        key = bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
                    }
                    case "value" -> value = text(valueToken, "headers[].value");
                    case "valueBase64" -> value = base64(valueToken, "headers[].valueBase64");
                    default -> parser.skipChildren();
                }
            }
            if (key == null) {
                throw error("a header has no key");
            }
            headers.add(new LogRecord.Header(key, value));
        }
        return headers;
    }

    private String topic(JsonToken token) throws IOException {
        if (token != JsonToken.VALUE_STRING) {
            throw error("topic is a string");
        }
        // Every line of a partition file names the same topic: keep one String for all of them.
        String topic = parser.getText();
        if (!topic.equals(lastTopic)) {
            lastTopic = topic;
        }
        return lastTopic;
    }

    private long number(JsonToken token, String field, long min, long max) throws IOException {
        if (token != JsonToken.VALUE_NUMBER_INT) {
            throw error(field + " is an integer");
        }
        long value = parser.getLongValue();
        if (value < min || value > max) {
            throw error(field + " is out of range: " + value);
        }
        return value;
    }

    /** A JSON string as the UTF-8 bytes it stands for; null for JSON null. */
    private byte[] text(JsonToken token, String field) throws IOException {
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.VALUE_STRING) {
            throw error(field + " is a string or null");
        }
        char[] chars = parser.getTextCharacters();
        int from = parser.getTextOffset();
        int length = parser.getTextLength();
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            char c = chars[from + i];
            if (c >= 0x80) {
                return new String(chars, from, length).getBytes(StandardCharsets.UTF_8);
            }
            bytes[i] = (byte) c;
        }
        return bytes;
    }

    private byte[] base64(JsonToken token, String field) throws IOException {
        if (token != JsonToken.VALUE_STRING) {
            throw error(field + " is a base64 string");
        }
        try {
            return Base64.getDecoder().decode(parser.getText());
        } catch (IllegalArgumentException e) {
            throw error(field + " is not base64: " + e.getMessage());
        }
    }

    private AirGapException error(String message) {
        return new AirGapException(source + " line " + parser.currentLocation().getLineNr() + ": " + message);
    }

    @Override
    public void close() {
        try {
            parser.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + source, e);
        }
    }
}
