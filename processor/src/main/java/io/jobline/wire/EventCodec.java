package io.jobline.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import io.jobline.domain.Job;
import io.jobline.domain.JobStatus;
import io.jobline.domain.TimelineEvent;
import java.io.IOException;

/**
 * Timeline events as CloudEvents 1.0 in structured JSON mode ({@code schemas/event-envelope.schema.json}).
 * The id is derived from (jobId, sequence), the time is the command's record timestamp: the same
 * log always gives the same bytes.
 */
public final class EventCodec {

    public static final String SPEC_VERSION = "1.0";
    public static final String SOURCE = "/jobline";
    public static final String CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8";
    public static final String DATA_CONTENT_TYPE = "application/json";

    private EventCodec() {}

    /** The CloudEvents id of event {@code sequence} of {@code jobId}; unique since the part after the last ':' is a number. */
    public static String eventId(String jobId, long sequence) {
        return jobId + ":" + sequence;
    }

    public static byte[] write(TimelineEvent event) {
        return Json.bytes(g -> write(g, event));
    }

    public static void write(JsonGenerator g, TimelineEvent event) throws IOException {
        Job job = event.job();
        g.writeStartObject();
        g.writeStringField("specversion", SPEC_VERSION);
        g.writeStringField("id", eventId(job.jobId(), job.sequence()));
        g.writeStringField("source", SOURCE);
        g.writeStringField("type", event.type().wireName());
        g.writeStringField("subject", job.jobId());
        g.writeStringField("time", Timestamps.format(event.time()));
        g.writeStringField("datacontenttype", DATA_CONTENT_TYPE);
        g.writeStringField("tenant", job.tenant());
        g.writeNumberField("sequence", job.sequence());
        if (event.correlationId() != null) {
            g.writeStringField("correlationid", event.correlationId());
        }
        g.writeStringField("causationid", event.commandId());
        g.writeStringField("idempotencykey", job.jobId() + "/" + event.commandId() + "/" + event.ordinal());
        if (event.traceparent() != null) {
            g.writeStringField("traceparent", event.traceparent());
        }
        g.writeFieldName("data");
        writeData(g, event);
        g.writeEndObject();
    }

    private static void writeData(JsonGenerator g, TimelineEvent event) throws IOException {
        Job job = event.job();
        g.writeStartObject();
        g.writeStringField("jobId", job.jobId());
        g.writeObjectFieldStart("transition");
        Json.writeStringOrNull(g, "from", event.from() == null ? null : event.from().wireName());
        g.writeStringField("to", event.to().wireName());
        Json.writeStringOrNull(g, "reason", event.reason());
        g.writeEndObject();
        g.writeNumberField("attempt", job.attempt());
        g.writeNumberField("failures", job.failures());
        if (job.status() == JobStatus.FAILED && job.retryAt() != null) {
            g.writeObjectFieldStart("retry");
            g.writeStringField("retryAt", Timestamps.format(job.retryAt()));
            g.writeNumberField("retriesRemaining", job.retry().retriesRemaining(job.failures()));
            g.writeEndObject();
        }
        if (job.status() == JobStatus.RUNNING && job.lease() != null) {
            JobJson.writeLease(g, job.lease());
        }
        if (job.status() == JobStatus.FAILED && job.error() != null) {
            JobJson.writeError(g, job.error());
        }
        g.writeFieldName("job");
        JobJson.write(g, job);
        g.writeEndObject();
    }
}
