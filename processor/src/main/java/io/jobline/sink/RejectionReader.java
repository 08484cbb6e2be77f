package io.jobline.sink;

import static io.jobline.sink.JsonFields.required;
import static io.jobline.sink.JsonFields.text;
import static io.jobline.sink.JsonFields.textOrNull;
import static io.jobline.sink.JsonFields.timestamp;

import com.fasterxml.jackson.core.JsonParser;
import io.jobline.wire.RejectionCodec;
import java.io.IOException;

/**
 * Reads a value of the rejections topic (written by {@link RejectionCodec}) into the columns of
 * its {@code job_rejections} row; the whole value is stored as {@code record}. One instance reads
 * one record.
 */
final class RejectionReader {

    private String reason;
    private String message;
    private String status;
    private String jobId;
    private String commandId;
    private String type;
    private String time;

    private RejectionReader() {}

    /** @param json whether jsonb can hold the value; else it is stored as its bytes */
    static RejectionRow read(SinkRecord record, boolean json) throws MalformedRecordException {
        RejectionReader reader = new RejectionReader();
        JsonFields.readDocument(record.value(), reader::field);
        return new RejectionRow(
                record,
                required(reader.reason, "reason"),
                required(reader.message, "message"),
                reader.status,
                reader.jobId,
                reader.commandId,
                reader.type,
                required(timestamp(reader.time, "time"), "time"),
                true,
                json);
    }

    private boolean field(String name, JsonParser parser) throws IOException, MalformedRecordException {
        switch (name) {
            case "reason" -> reason = text(parser, name);
            case "message" -> message = text(parser, name);
            case "status" -> status = textOrNull(parser, name);
            case "jobId" -> jobId = textOrNull(parser, name);
            case "commandId" -> commandId = textOrNull(parser, name);
            case "type" -> type = textOrNull(parser, name);
            case "time" -> time = text(parser, name);
            default -> {
                return false;
            }
        }
        return true;
    }
}
