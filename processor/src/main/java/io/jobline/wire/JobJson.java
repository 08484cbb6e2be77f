package io.jobline.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import io.jobline.domain.Job;
import io.jobline.domain.JobError;
import io.jobline.domain.Lease;
import io.jobline.domain.RetryPolicy;
import java.io.IOException;
import java.util.List;

/** The job snapshot ({@code schemas/job.schema.json}): every key always present, nulls included. */
public final class JobJson {

    private JobJson() {}

    public static byte[] write(Job job) {
        return Json.bytes(g -> write(g, job));
    }

    public static void write(JsonGenerator g, Job job) throws IOException {
        g.writeStartObject();
        g.writeStringField("jobId", job.jobId());
        g.writeStringField("tenant", job.tenant());
        g.writeStringField("jobType", job.jobType());
        g.writeStringField("status", job.status().wireName());
        g.writeNumberField("attempt", job.attempt());
        g.writeNumberField("failures", job.failures());
        g.writeNumberField("sequence", job.sequence());
        g.writeFieldName("payload");
        if (job.payload() == null) {
            g.writeStartObject();
            g.writeEndObject();
        } else {
            g.writeRawValue(job.payload().json());
        }
        writeStrings(g, "dependsOn", job.dependsOn());
        writeStrings(g, "awaiting", job.awaiting());
        writeRetryPolicy(g, job.retry());
        Json.writeNumberOrNull(g, "leaseMs", job.leaseMs());
        Json.writeTimeOrNull(g, "notBefore", job.notBefore());
        if (job.egress() == null) {
            g.writeNullField("networkIntent");
        } else {
            g.writeObjectFieldStart("networkIntent");
            writeStrings(g, "egress", job.egress());
            g.writeEndObject();
        }
        g.writeObjectFieldStart("admission");
        g.writeBooleanField("sealed", job.admission().sealed());
        Json.writeStringOrNull(g, "allowlistDigest", job.admission().allowlistDigest());
        g.writeEndObject();
        if (job.lease() == null) {
            g.writeNullField("lease");
        } else {
            writeLease(g, job.lease());
        }
        Json.writeTimeOrNull(g, "retryAt", job.retryAt());
        if (job.result() == null) {
            g.writeNullField("result");
        } else {
            g.writeFieldName("result");
            g.writeRawValue(job.result().json());
        }
        if (job.error() == null) {
            g.writeNullField("error");
        } else {
            writeError(g, job.error());
        }
        Json.writeStringOrNull(g, "reason", job.reason());
        Json.writeStringOrNull(g, "correlationId", job.correlationId());
        g.writeStringField("createdAt", Timestamps.format(job.createdAt()));
        g.writeStringField("updatedAt", Timestamps.format(job.updatedAt()));
        Json.writeTimeOrNull(g, "completedAt", job.completedAt());
        g.writeEndObject();
    }

    static void writeLease(JsonGenerator g, Lease lease) throws IOException {
        g.writeObjectFieldStart("lease");
        g.writeStringField("workerId", lease.workerId());
        g.writeStringField("leaseId", lease.leaseId());
        g.writeStringField("expiresAt", Timestamps.format(lease.expiresAt()));
        g.writeEndObject();
    }

    static void writeError(JsonGenerator g, JobError error) throws IOException {
        g.writeObjectFieldStart("error");
        g.writeStringField("code", error.code());
        Json.writeStringOrNull(g, "message", error.message());
        g.writeBooleanField("retryable", error.retryable());
        g.writeEndObject();
    }

    private static void writeRetryPolicy(JsonGenerator g, RetryPolicy retry) throws IOException {
        g.writeObjectFieldStart("retryPolicy");
        g.writeNumberField("maxRetries", retry.maxRetries());
        g.writeNumberField("initialDelayMs", retry.initialDelayMs());
        g.writeNumberField("multiplier", retry.multiplier());
        g.writeNumberField("maxDelayMs", retry.maxDelayMs());
        g.writeNumberField("jitter", retry.jitter());
        g.writeEndObject();
    }

    private static void writeStrings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String value : values) {
            g.writeString(value);
        }
        g.writeEndArray();
    }
}
