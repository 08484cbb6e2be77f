package io.jobline.wire;

import io.jobline.domain.Job;
import io.jobline.domain.JobError;
import io.jobline.domain.JsonText;
import io.jobline.domain.Lease;
import io.jobline.domain.RetryPolicy;
import java.util.List;

/** The job snapshot ({@code schemas/job.schema.json}): every key always present, nulls included. */
public final class JobJson {

    private static final JsonBuffer.Name JOB_ID = JsonBuffer.name("jobId");
    private static final JsonBuffer.Name TENANT = JsonBuffer.name("tenant");
    private static final JsonBuffer.Name JOB_TYPE = JsonBuffer.name("jobType");
    private static final JsonBuffer.Name STATUS = JsonBuffer.name("status");
    private static final JsonBuffer.Name ATTEMPT = JsonBuffer.name("attempt");
    private static final JsonBuffer.Name FAILURES = JsonBuffer.name("failures");
    private static final JsonBuffer.Name SEQUENCE = JsonBuffer.name("sequence");
    private static final JsonBuffer.Name PAYLOAD = JsonBuffer.name("payload");
    private static final JsonBuffer.Name DEPENDS_ON = JsonBuffer.name("dependsOn");
    private static final JsonBuffer.Name AWAITING = JsonBuffer.name("awaiting");
    private static final JsonBuffer.Name RETRY_POLICY = JsonBuffer.name("retryPolicy");
    private static final JsonBuffer.Name MAX_RETRIES = JsonBuffer.name("maxRetries");
    private static final JsonBuffer.Name INITIAL_DELAY_MS = JsonBuffer.name("initialDelayMs");
    private static final JsonBuffer.Name MULTIPLIER = JsonBuffer.name("multiplier");
    private static final JsonBuffer.Name MAX_DELAY_MS = JsonBuffer.name("maxDelayMs");
    private static final JsonBuffer.Name JITTER = JsonBuffer.name("jitter");
    private static final JsonBuffer.Name LEASE_MS = JsonBuffer.name("leaseMs");
    private static final JsonBuffer.Name NOT_BEFORE = JsonBuffer.name("notBefore");
    private static final JsonBuffer.Name NETWORK_INTENT = JsonBuffer.name("networkIntent");
    private static final JsonBuffer.Name EGRESS = JsonBuffer.name("egress");
    private static final JsonBuffer.Name ADMISSION = JsonBuffer.name("admission");
    private static final JsonBuffer.Name SEALED = JsonBuffer.name("sealed");
    private static final JsonBuffer.Name ALLOWLIST_DIGEST = JsonBuffer.name("allowlistDigest");
    private static final JsonBuffer.Name LEASE = JsonBuffer.name("lease");
    private static final JsonBuffer.Name WORKER_ID = JsonBuffer.name("workerId");
    private static final JsonBuffer.Name LEASE_ID = JsonBuffer.name("leaseId");
    private static final JsonBuffer.Name EXPIRES_AT = JsonBuffer.name("expiresAt");
    private static final JsonBuffer.Name RETRY_AT = JsonBuffer.name("retryAt");
    private static final JsonBuffer.Name RESULT = JsonBuffer.name("result");
    private static final JsonBuffer.Name ERROR = JsonBuffer.name("error");
    private static final JsonBuffer.Name CODE = JsonBuffer.name("code");
    private static final JsonBuffer.Name MESSAGE = JsonBuffer.name("message");
    private static final JsonBuffer.Name RETRYABLE = JsonBuffer.name("retryable");
    private static final JsonBuffer.Name REASON = JsonBuffer.name("reason");
    private static final JsonBuffer.Name CORRELATION_ID = JsonBuffer.name("correlationId");
    private static final JsonBuffer.Name CREATED_AT = JsonBuffer.name("createdAt");
    private static final JsonBuffer.Name UPDATED_AT = JsonBuffer.name("updatedAt");
    private static final JsonBuffer.Name COMPLETED_AT = JsonBuffer.name("completedAt");

    private JobJson() {}

    public static byte[] write(Job job) {
        return write(new JsonBuffer(1_024), job).toByteArray();
    }

    public static JsonBuffer write(JsonBuffer out, Job job) {
        out.startObject()
                .field(JOB_ID, job.jobId())
                .field(TENANT, job.tenant())
                .field(JOB_TYPE, job.jobType())
                .field(STATUS, job.status().wireName())
                .field(ATTEMPT, job.attempt())
                .field(FAILURES, job.failures())
                .field(SEQUENCE, job.sequence())
                .name(PAYLOAD);
        if (job.payload() == null) {
            out.startObject().endObject();
        } else {
            out.raw(job.payload().json());
        }
        strings(out, DEPENDS_ON, job.dependsOn());
        strings(out, AWAITING, job.awaiting());
        retryPolicy(out, job.retry());
        out.fieldOrNull(LEASE_MS, job.leaseMs()).timeOrNull(NOT_BEFORE, job.notBefore());
        out.name(NETWORK_INTENT);
        if (job.egress() == null) {
            out.nullValue();
        } else {
            out.startObject();
            strings(out, EGRESS, job.egress());
            out.endObject();
        }
        out.name(ADMISSION)
                .startObject()
                .field(SEALED, job.admission().sealed())
                .fieldOrNull(ALLOWLIST_DIGEST, job.admission().allowlistDigest())
                .endObject();
        if (job.lease() == null) {
            out.name(LEASE).nullValue();
        } else {
            lease(out, job.lease());
        }
        out.timeOrNull(RETRY_AT, job.retryAt());
        rawOrNull(out, RESULT, job.result());
        if (job.error() == null) {
            out.name(ERROR).nullValue();
        } else {
            error(out, job.error());
        }
        return out.fieldOrNull(REASON, job.reason())
                .fieldOrNull(CORRELATION_ID, job.correlationId())
                .time(CREATED_AT, job.createdAt())
                .time(UPDATED_AT, job.updatedAt())
                .timeOrNull(COMPLETED_AT, job.completedAt())
                .endObject();
    }

    static void lease(JsonBuffer out, Lease lease) {
        out.name(LEASE)
                .startObject()
                .field(WORKER_ID, lease.workerId())
                .field(LEASE_ID, lease.leaseId())
                .time(EXPIRES_AT, lease.expiresAt())
                .endObject();
    }

    static void error(JsonBuffer out, JobError error) {
        out.name(ERROR)
                .startObject()
                .field(CODE, error.code())
                .fieldOrNull(MESSAGE, error.message())
                .field(RETRYABLE, error.retryable())
                .endObject();
    }

    private static void retryPolicy(JsonBuffer out, RetryPolicy retry) {
        out.name(RETRY_POLICY)
                .startObject()
                .field(MAX_RETRIES, retry.maxRetries())
                .field(INITIAL_DELAY_MS, retry.initialDelayMs())
                .field(MULTIPLIER, retry.multiplier())
                .field(MAX_DELAY_MS, retry.maxDelayMs())
                .field(JITTER, retry.jitter())
                .endObject();
    }

    private static void rawOrNull(JsonBuffer out, JsonBuffer.Name name, JsonText json) {
        out.name(name);
        if (json == null) {
            out.nullValue();
        } else {
            out.raw(json.json());
        }
    }

    private static void strings(JsonBuffer out, JsonBuffer.Name name, List<String> values) {
        out.name(name).startArray();
        for (String value : values) {
            out.string(value);
        }
        out.endArray();
    }
}
