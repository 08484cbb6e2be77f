package io.jobline.sink;

import io.jobline.wire.CommandCodec;
import io.jobline.wire.Timestamps;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A row of {@code job_rejections}: a command the processor rejected (read from the rejections
 * topic), or a record the sink can never write (reason {@code malformed}, stored with its raw
 * bytes so that nothing is lost and the sink can move on).
 *
 * @param readable whether the value was read as a rejection; otherwise it is {@code malformed}
 * @param json whether the value is stored as {@code record jsonb}; otherwise as {@code raw bytea}
 */
record RejectionRow(
        SinkRecord source,
        String reason,
        String message,
        String status,
        String jobId,
        String commandId,
        String commandType,
        String time,
        boolean readable,
        boolean json)
        implements SinkRow {

    static final String MALFORMED = "malformed";

    RejectionRow {
        // What names no job is not indexed: jobline no longer writes such rejections, but a topic
        // may hold some from before, and a key of kilobytes is past what a btree entry can hold.
        jobId = CommandCodec.idOrNull(storable(jobId));
        reason = storable(reason);
        message = storable(message);
        status = storable(status);
        commandId = storable(commandId);
        commandType = storable(commandType);
    }

    /** A record that can never be written as what its topic says it is. */
    static RejectionRow malformed(SinkRecord source, String why) {
        return new RejectionRow(
                source,
                MALFORMED,
                why,
                null,
                keyText(source.key()),
                null,
                null,
                Timestamps.format(source.timestamp()),
                false,
                false);
    }

    /** The bytes to store: the value itself, or an empty array for a record without one. */
    byte[] value() {
        return source.value() == null ? new byte[0] : source.value();
    }

    /** The key as text when it is UTF-8 (a jobId), else null: a key is a hint here, not data. */
    private static String keyText(byte[] key) {
        if (key == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(key))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** PostgreSQL text cannot hold NUL; a column that carries one must still be storable. */
    static String storable(String text) {
        return text == null ? null : text.replace('\u0000', '\uFFFD');
    }
}
