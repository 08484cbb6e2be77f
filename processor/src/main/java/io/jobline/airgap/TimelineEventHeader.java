package io.jobline.airgap;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.jobline.wire.EventCodec;
import io.jobline.wire.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What verify needs of a timeline event: its job, sequence, time and chain links. The envelope's
 * attributes all come before {@code data}, so parsing stops there; the stated hash is the fixed
 * suffix the codec writes last, and {@code recomputed} is what the bytes actually hash to.
 */
record TimelineEventHeader(String jobId, long sequence, String time, String prevhash, String hash, String recomputed) {

    private static final int HASH_TEXT_LENGTH = "sha256:".length() + 64;

    /** The header of an event, or null when the bytes are not a sealed timeline event. */
    static TimelineEventHeader parse(byte[] value) {
        if (value == null) {
            return null;
        }
        String recomputed = EventCodec.recomputeHash(value);
        if (recomputed == null) {
            return null;
        }
        String hash =
                new String(value, value.length - 2 - HASH_TEXT_LENGTH, HASH_TEXT_LENGTH, StandardCharsets.US_ASCII);
        String subject = null;
        String time = null;
        String prevhash = null;
        long sequence = -1;
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(value)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String field;
            while ((field = parser.nextFieldName()) != null && !field.equals("data")) {
                JsonToken token = parser.nextToken();
                switch (field) {
                    case "subject" -> subject = token == JsonToken.VALUE_STRING ? parser.getText() : null;
                    case "time" -> time = token == JsonToken.VALUE_STRING ? parser.getText() : null;
                    case "prevhash" -> prevhash = token == JsonToken.VALUE_STRING ? parser.getText() : null;
                    case "sequence" -> sequence = token == JsonToken.VALUE_NUMBER_INT ? parser.getLongValue() : -1;
                    default -> parser.skipChildren();
                }
            }
        } catch (IOException e) {
            return null;
        }
        if (subject == null || sequence < 1) {
            return null;
        }
        return new TimelineEventHeader(subject, sequence, time, prevhash, hash, recomputed);
    }

    String id() {
        return EventCodec.eventId(jobId, sequence);
    }
}
