package io.jobline.wire;

import io.jobline.domain.Job;
import io.jobline.domain.JobStatus;
import io.jobline.domain.TimelineEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Timeline events as CloudEvents 1.0 in structured JSON mode ({@code schemas/event-envelope.schema.json}).
 * The id is derived from (jobId, sequence), the time is the command's record timestamp: the same
 * log always gives the same bytes.
 *
 * <p>Every event is a link of its job's hash chain. Extension {@code prevhash} holds the hash of the
 * job's previous event (absent on the first); extension {@code hash}, always the last member, is
 * {@code sha256:} and the hex SHA-256 of the event's JSON as written without that last member. So
 * a verifier strips {@code ,"hash":"…"} from the end, hashes what is left, and follows prevhash.
 */
public final class EventCodec {

    public static final String SPEC_VERSION = "1.0";
    public static final String SOURCE = "/jobline";
    public static final String CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8";
    public static final String DATA_CONTENT_TYPE = "application/json";

    private static final String HASH_PREFIX = "sha256:";
    private static final byte[] CLOSING_BRACE = {'}'};
    /** A digest per verifying thread: verify recomputes the hash of every event of a timeline. */
    private static final ThreadLocal<MessageDigest> VERIFYING_SHA256 = ThreadLocal.withInitial(EventCodec::sha256);

    private static final byte[] HASH_MEMBER = ",\"hash\":\"".getBytes(StandardCharsets.US_ASCII);
    /** {@code ,"hash":"sha256:} + 64 hex digits + {@code "}} */
    public static final int HASH_SUFFIX_LENGTH = HASH_MEMBER.length + HASH_PREFIX.length() + 64 + 2;

    private static final JsonBuffer.Name SPECVERSION = JsonBuffer.name("specversion");
    private static final JsonBuffer.Name ID = JsonBuffer.name("id");
    private static final JsonBuffer.Name SOURCE_NAME = JsonBuffer.name("source");
    private static final JsonBuffer.Name TYPE = JsonBuffer.name("type");
    private static final JsonBuffer.Name SUBJECT = JsonBuffer.name("subject");
    private static final JsonBuffer.Name TIME = JsonBuffer.name("time");
    private static final JsonBuffer.Name DATACONTENTTYPE = JsonBuffer.name("datacontenttype");
    private static final JsonBuffer.Name TENANT = JsonBuffer.name("tenant");
    private static final JsonBuffer.Name SEQUENCE = JsonBuffer.name("sequence");
    private static final JsonBuffer.Name CORRELATIONID = JsonBuffer.name("correlationid");
    private static final JsonBuffer.Name CAUSATIONID = JsonBuffer.name("causationid");
    private static final JsonBuffer.Name IDEMPOTENCYKEY = JsonBuffer.name("idempotencykey");
    private static final JsonBuffer.Name TRACEPARENT = JsonBuffer.name("traceparent");
    private static final JsonBuffer.Name PREVHASH = JsonBuffer.name("prevhash");
    private static final JsonBuffer.Name DATA = JsonBuffer.name("data");
    private static final JsonBuffer.Name JOB_ID = JsonBuffer.name("jobId");
    private static final JsonBuffer.Name TRANSITION = JsonBuffer.name("transition");
    private static final JsonBuffer.Name FROM = JsonBuffer.name("from");
    private static final JsonBuffer.Name TO = JsonBuffer.name("to");
    private static final JsonBuffer.Name REASON = JsonBuffer.name("reason");
    private static final JsonBuffer.Name ATTEMPT = JsonBuffer.name("attempt");
    private static final JsonBuffer.Name FAILURES = JsonBuffer.name("failures");
    private static final JsonBuffer.Name RETRY = JsonBuffer.name("retry");
    private static final JsonBuffer.Name RETRY_AT = JsonBuffer.name("retryAt");
    private static final JsonBuffer.Name RETRIES_REMAINING = JsonBuffer.name("retriesRemaining");
    private static final JsonBuffer.Name JOB = JsonBuffer.name("job");
    private static final JsonBuffer.Name HASH = JsonBuffer.name("hash");

    /** The CloudEvents id of event {@code sequence} of {@code jobId}; unique since the part after the last ':' is a number. */
    public static String eventId(String jobId, long sequence) {
        return jobId + ":" + sequence;
    }

    /**
     * An event as written, and its hash: the head of the job's chain after it. The event is the
     * text of {@code json}, which is the codec's own and is written over by its next event.
     */
    public record Sealed(JsonBuffer json, String hash) {}

    // One event at a time: the buffer and the digest are reused, so a codec belongs to one thread.
    private final JsonBuffer json = new JsonBuffer(2_048);
    private final MessageDigest sha256 = sha256();

    /** The event linked after {@code previousHash} (null for a job's first event). */
    public Sealed write(TimelineEvent event, String previousHash) {
        json.reset();
        write(json, event, previousHash);
        String hash = hash(sha256, json.array(), json.length());
        json.reopenObject().field(HASH, hash).endObject();
        return new Sealed(json, hash);
    }

    /**
     * The hash that {@code sealed} should carry, recomputed from its bytes; null when the bytes do
     * not end with a hash member.
     */
    public static String recomputeHash(byte[] sealed) {
        int bodyEnd = sealed.length - HASH_SUFFIX_LENGTH;
        if (bodyEnd < 1
                || !Arrays.equals(sealed, bodyEnd, bodyEnd + HASH_MEMBER.length, HASH_MEMBER, 0, HASH_MEMBER.length)) {
            return null;
        }
        // The body is the bytes before the hash member, closed by the brace after it.
        MessageDigest sha256 = VERIFYING_SHA256.get();
        sha256.update(sealed, 0, bodyEnd);
        return hash(sha256, CLOSING_BRACE, 1);
    }

    private static String hash(MessageDigest sha256, byte[] bytes, int length) {
        sha256.update(bytes, 0, length);
        return HASH_PREFIX + HexFormat.of().formatHex(sha256.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static void write(JsonBuffer out, TimelineEvent event, String previousHash) {
        Job job = event.job();
        out.startObject()
                .field(SPECVERSION, SPEC_VERSION)
                .field(ID, eventId(job.jobId(), job.sequence()))
                .field(SOURCE_NAME, SOURCE)
                .field(TYPE, event.type().wireName())
                .field(SUBJECT, job.jobId())
                .time(TIME, event.time())
                .field(DATACONTENTTYPE, DATA_CONTENT_TYPE)
                .field(TENANT, job.tenant())
                .field(SEQUENCE, job.sequence());
        if (event.correlationId() != null) {
            out.field(CORRELATIONID, event.correlationId());
        }
        out.field(CAUSATIONID, event.commandId())
                .field(IDEMPOTENCYKEY, job.jobId() + "/" + event.commandId() + "/" + event.ordinal());
        if (event.traceparent() != null) {
            out.field(TRACEPARENT, event.traceparent());
        }
        if (previousHash != null) {
            out.field(PREVHASH, previousHash);
        }
        out.name(DATA);
        writeData(out, event);
        out.endObject();
    }

    private static void writeData(JsonBuffer out, TimelineEvent event) {
        Job job = event.job();
        out.startObject()
                .field(JOB_ID, job.jobId())
                .name(TRANSITION)
                .startObject()
                .fieldOrNull(FROM, event.from() == null ? null : event.from().wireName())
                .field(TO, event.to().wireName())
                .fieldOrNull(REASON, event.reason())
                .endObject()
                .field(ATTEMPT, job.attempt())
                .field(FAILURES, job.failures());
        if (job.status() == JobStatus.FAILED && job.retryAt() != null) {
            out.name(RETRY)
                    .startObject()
                    .time(RETRY_AT, job.retryAt())
                    .field(RETRIES_REMAINING, job.retry().retriesRemaining(job.failures()))
                    .endObject();
        }
        if (job.status() == JobStatus.RUNNING && job.lease() != null) {
            JobJson.lease(out, job.lease());
        }
        if (job.status() == JobStatus.FAILED && job.error() != null) {
            JobJson.error(out, job.error());
        }
        out.name(JOB);
        JobJson.write(out, job);
        out.endObject();
    }
}
