package io.jobline.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.Base64;

/** Rejection records to JSON; field order fixed so that replay writes identical bytes. */
public final class RejectionCodec {

    private RejectionCodec() {}

    public static byte[] write(RejectionRecord rejection) {
        return Json.bytes(g -> write(g, rejection));
    }

    public static void write(JsonGenerator g, RejectionRecord r) throws IOException {
        g.writeStartObject();
        g.writeStringField("reason", r.reason().wireName());
        g.writeStringField("message", r.message());
        Json.writeStringOrNull(
                g, "status", r.status() == null ? null : r.status().wireName());
        Json.writeStringOrNull(g, "jobId", r.jobId());
        Json.writeStringOrNull(g, "commandId", r.commandId());
        Json.writeStringOrNull(g, "type", r.type());
        if (r.command() != null) {
            g.writeFieldName("command");
            g.writeTree(r.command());
        } else {
            g.writeStringField(
                    "rawBase64", r.raw() == null ? "" : Base64.getEncoder().encodeToString(r.raw()));
            if (r.rawSize() != null) {
                g.writeNumberField("rawSize", r.rawSize());
            }
        }
        g.writeStringField("time", Timestamps.format(r.time()));
        g.writeEndObject();
    }
}
