package io.jobline.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import io.jobline.domain.Job;
import io.jobline.domain.JobStatus;
import io.jobline.domain.TimelineEvent;
import java.io.IOException;
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

    private EventCodec() {}

    /** The CloudEvents id of event {@code sequence} of {@code jobId}; unique since the part after the last ':' is a number. */
    public static String eventId(String jobId, long sequence) {
        return jobId + ":" + sequence;
    }

    private static final String HASH_PREFIX = "sha256:";
    private static final byte[] HASH_MEMBER = ",\"hash\":\"".getBytes(StandardCharsets.US_ASCII);
    /** {@code ,"hash":"sha256:} + 64 hex digits + {@code "}} */
    public static final int HASH_SUFFIX_LENGTH = HASH_MEMBER.length + HASH_PREFIX.length() + 64 + 2;

    /** An event as written, and its hash: the head of the job's chain after it. */
    public record Sealed(byte[] bytes, String hash) {}

    /** The event linked after {@code previousHash} (null for a job's first event). */
    public static Sealed write(TimelineEvent event, String previousHash) {
        byte[] body = Json.bytes(g -> write(g, event, previousHash));
        String hash = hash(body, body.length);
        byte[] sealed = Arrays.copyOf(body, body.length - 1 + HASH_SUFFIX_LENGTH);
        int at = body.length - 1; // over the closing brace
        System.arraycopy(HASH_MEMBER, 0, sealed, at, HASH_MEMBER.length);
        at += HASH_MEMBER.length;
        byte[] hashText = hash.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(hashText, 0, sealed, at, hashText.length);
        at += hashText.length;
        sealed[at++] = '"';
        sealed[at] = '}';
        return new Sealed(sealed, hash);
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
        byte[] body = Arrays.copyOf(sealed, bodyEnd + 1);
        body[bodyEnd] = '}';
        return hash(body, body.length);
    }

    private static String hash(byte[] bytes, int length) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(bytes, 0, length);
            return HASH_PREFIX + HexFormat.of().formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static void write(JsonGenerator g, TimelineEvent event, String previousHash) throws IOException {
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
        if (previousHash != null) {
            g.writeStringField("prevhash", previousHash);
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
        Json.writeStringOrNull(
                g, "from", event.from() == null ? null : event.from().wireName());
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
