package io.jobline.stream;

import io.jobline.domain.Admission;
import io.jobline.domain.Job;
import io.jobline.domain.JobError;
import io.jobline.domain.JobStatus;
import io.jobline.domain.JsonText;
import io.jobline.domain.Lease;
import io.jobline.domain.RetryPolicy;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The job-state store's value encoding: a versioned, compact binary form. It is internal (the
 * store and its changelog are projections of the commands log and can be rebuilt), so it is
 * chosen for speed; the benchmark compares it with JSON. A new field means a new version byte,
 * and the reader keeps reading the old ones.
 */
final class JobStateCodec {

    private static final byte VERSION_1 = 1;
    private static final JobStatus[] STATUSES = JobStatus.values();

    private JobStateCodec() {}

    static byte[] encode(Job job) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION_1);
            writeString(out, job.jobId());
            writeString(out, job.tenant());
            writeString(out, job.jobType());
            out.writeByte(job.status().ordinal());
            out.writeInt(job.attempt());
            out.writeInt(job.failures());
            out.writeLong(job.sequence());
            writeJson(out, job.payload());
            writeStrings(out, job.dependsOn());
            writeStrings(out, job.awaiting());
            RetryPolicy retry = job.retry();
            out.writeInt(retry.maxRetries());
            out.writeLong(retry.initialDelayMs());
            out.writeDouble(retry.multiplier());
            out.writeLong(retry.maxDelayMs());
            out.writeDouble(retry.jitter());
            writeLong(out, job.leaseMs());
            writeLong(out, job.notBefore());
            writeStrings(out, job.egress());
            out.writeBoolean(job.admission().sealed());
            writeString(out, job.admission().allowlistDigest());
            Lease lease = job.lease();
            out.writeBoolean(lease != null);
            if (lease != null) {
                writeString(out, lease.workerId());
                writeString(out, lease.leaseId());
                out.writeLong(lease.durationMs());
                out.writeLong(lease.expiresAt());
            }
            writeLong(out, job.retryAt());
            writeLong(out, job.notBeforeDue());
            writeJson(out, job.result());
            JobError error = job.error();
            out.writeBoolean(error != null);
            if (error != null) {
                writeString(out, error.code());
                writeString(out, error.message());
                out.writeBoolean(error.retryable());
            }
            writeString(out, job.reason());
            out.writeBoolean(job.finalAttempt());
            writeString(out, job.correlationId());
            out.writeLong(job.createdAt());
            out.writeLong(job.updatedAt());
            writeLong(out, job.completedAt());
            writeString(out, job.eventHash());
            writeStrings(out, job.appliedCommandIds());
            writeStrings(out, job.recentHeartbeatIds());
        } catch (IOException e) {
            throw new UncheckedIOException("encoding into memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    static Job decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
            byte version = in.readByte();
            if (version != VERSION_1) {
                throw new IllegalStateException("unknown job-state encoding version " + version);
            }
            return readV1(in);
        } catch (IOException e) {
            throw new IllegalStateException("corrupt job-state value", e);
        }
    }

    private static Job readV1(DataInputStream in) throws IOException {
        String jobId = readString(in);
        String tenant = readString(in);
        String jobType = readString(in);
        JobStatus status = STATUSES[in.readByte()];
        int attempt = in.readInt();
        int failures = in.readInt();
        long sequence = in.readLong();
        JsonText payload = readJson(in);
        List<String> dependsOn = readStrings(in);
        List<String> awaiting = readStrings(in);
        RetryPolicy retry =
                new RetryPolicy(in.readInt(), in.readLong(), in.readDouble(), in.readLong(), in.readDouble());
        Long leaseMs = readLong(in);
        Long notBefore = readLong(in);
        List<String> egress = readStrings(in);
        Admission admission = new Admission(in.readBoolean(), readString(in));
        Lease lease = in.readBoolean() ? new Lease(readString(in), readString(in), in.readLong(), in.readLong()) : null;
        Long retryAt = readLong(in);
        Long notBeforeDue = readLong(in);
        JsonText result = readJson(in);
        JobError error = in.readBoolean() ? new JobError(readString(in), readString(in), in.readBoolean()) : null;
        String reason = readString(in);
        boolean finalAttempt = in.readBoolean();
        String correlationId = readString(in);
        long createdAt = in.readLong();
        long updatedAt = in.readLong();
        Long completedAt = readLong(in);
        String eventHash = readString(in);
        List<String> applied = readStrings(in);
        List<String> heartbeats = readStrings(in);
        return new Job(
                jobId,
                tenant,
                jobType,
                status,
                attempt,
                failures,
                sequence,
                payload,
                dependsOn == null ? List.of() : dependsOn,
                awaiting == null ? List.of() : awaiting,
                retry,
                leaseMs,
                notBefore,
                egress,
                admission,
                lease,
                retryAt,
                notBeforeDue,
                result,
                error,
                reason,
                finalAttempt,
                correlationId,
                createdAt,
                updatedAt,
                completedAt,
                eventHash,
                applied == null ? List.of() : applied,
                heartbeats == null ? List.of() : heartbeats);
    }

    // Strings are length-prefixed UTF-8 with -1 for null; writeUTF would cap them at 64 KiB.
    private static void writeString(DataOutputStream out, String value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] utf8 = new byte[length];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    private static void writeJson(DataOutputStream out, JsonText value) throws IOException {
        writeString(out, value == null ? null : value.json());
    }

    private static JsonText readJson(DataInputStream in) throws IOException {
        String json = readString(in);
        return json == null ? null : new JsonText(json);
    }

    private static void writeLong(DataOutputStream out, Long value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeLong(value);
        }
    }

    private static Long readLong(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readLong() : null;
    }

    private static void writeStrings(DataOutputStream out, List<String> values) throws IOException {
        if (values == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(values.size());
        for (String value : values) {
            writeString(out, value);
        }
    }

    private static List<String> readStrings(DataInputStream in) throws IOException {
        int size = in.readInt();
        if (size < 0) {
            return null;
        }
        List<String> values = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            values.add(readString(in));
        }
        return values;
    }
}
