package io.jobline.sink;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.jobline.wire.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HexFormat;

/**
 * Reads the few fields the sink needs from a JSON document with Jackson's streaming parser,
 * skipping the rest: the sink reads tens of thousands of envelopes a second, and a tree per
 * record would cost more than the database insert. Every token is still read, so a document that
 * passes is valid JSON.
 */
final class JsonFields {

    /** Takes the value of one field (the parser is on it) and says whether it consumed it. */
    @FunctionalInterface
    interface FieldReader {
        boolean read(String name, JsonParser parser) throws IOException, MalformedRecordException;
    }

    private JsonFields() {}

    /** Reads one JSON object document, handing each top-level field to {@code reader}. */
    static void readDocument(byte[] json, FieldReader reader) throws MalformedRecordException {
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedRecordException("the value is not a JSON object");
            }
            readFields(parser, "", reader);
            if (parser.nextToken() != null) {
                throw new MalformedRecordException("the value has content after its JSON object");
            }
        } catch (JsonProcessingException e) {
            // Also what breaks a parser's limits (StreamConstraintsException): one record the sink
            // cannot read is stored as malformed; it must not stop the sink at the same offset forever.
            throw new MalformedRecordException("the value is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("reading JSON from memory failed", e);
        }
    }

    /** Reads the object the parser is on (field {@code path}), handing each field to {@code reader}. */
    static void object(JsonParser parser, String path, FieldReader reader)
            throws IOException, MalformedRecordException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw new MalformedRecordException(path + " must be an object");
        }
        readFields(parser, path + ".", reader);
    }

    private static void readFields(JsonParser parser, String prefix, FieldReader reader)
            throws IOException, MalformedRecordException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            if (!reader.read(name, parser)) {
                parser.skipChildren();
            }
        }
    }

    static String text(JsonParser parser, String path) throws IOException, MalformedRecordException {
        if (parser.currentToken() != JsonToken.VALUE_STRING) {
            throw new MalformedRecordException(path + " must be a string");
        }
        return parser.getText();
    }

    static String textOrNull(JsonParser parser, String path) throws IOException, MalformedRecordException {
        return parser.currentToken() == JsonToken.VALUE_NULL ? null : text(parser, path);
    }

    static long integer(JsonParser parser, String path) throws IOException, MalformedRecordException {
        if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT
                || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw new MalformedRecordException(path + " must be an integer");
        }
        return parser.getLongValue();
    }

    static <T> T required(T value, String path) throws MalformedRecordException {
        if (value == null) {
            throw new MalformedRecordException(path + " is missing");
        }
        return value;
    }

    /** An RFC 3339 date-time or null; throws when present and not one. */
    static String timestamp(String value, String path) throws MalformedRecordException {
        if (value != null && !Rfc3339.hasShape(value)) {
            throw new MalformedRecordException(path + " '" + value + "' is not an RFC 3339 date-time");
        }
        return value;
    }

    /**
     * What in the document PostgreSQL's jsonb refuses although it is valid JSON, or null: the
     * escape {@code \u0000} (its text type cannot hold NUL), or an escape of one half of a UTF-16
     * surrogate pair without the other (no character at all). Either is spelled only as an escape
     * in valid UTF-8 JSON, so the escapes are all that needs looking at.
     */
    static String jsonbRefuses(byte[] json) {
        for (int i = 0; i + 1 < json.length; i++) {
            if (json[i] != '\\') {
                continue;
            }
            if (json[i + 1] != 'u') {
                i++; // the escaped character: "\\u0000" is a backslash, then text
                continue;
            }
            int unit = hex4(json, i + 2);
            if (unit == 0) {
                return "\\u0000";
            }
            if (Character.isHighSurrogate((char) unit)
                    && i + 11 < json.length
                    && json[i + 6] == '\\'
                    && json[i + 7] == 'u'
                    && Character.isLowSurrogate((char) hex4(json, i + 8))) {
                i += 11;
            } else if (unit >= 0 && Character.isSurrogate((char) unit)) {
                return "an unpaired surrogate (\\u" + HexFormat.of().toHexDigits((char) unit) + ")";
            } else {
                i += 5;
            }
        }
        return null;
    }

    /** The four hex digits at {@code at} as a UTF-16 unit, or -1 when they are not four hex digits. */
    private static int hex4(byte[] json, int at) {
        if (at + 4 > json.length) {
            return -1;
        }
        int unit = 0;
        for (int i = at; i < at + 4; i++) {
            int digit = Character.digit(json[i], 16);
            if (digit < 0) {
                return -1;
            }
            unit = unit << 4 | digit;
        }
        return unit;
    }
}
