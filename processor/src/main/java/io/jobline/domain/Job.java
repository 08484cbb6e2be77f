package io.jobline.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * A job's state: the value of the job-state store and the snapshot carried by every timeline
 * event. Immutable; the state machine derives a new one with {@link #toBuilder()}.
 *
 * <p>Armed timers are part of the state: {@link #retryAt()} while a retry waits,
 * {@code lease.expiresAt} while running, {@link #notBeforeDue()} while a pending job waits for its
 * {@code notBefore}. A {@code timer.fire} applies only when it names exactly one of these.
 *
 * @param eventHash the hash of the job's latest timeline event: the head of its hash chain, which
 *     the next event links to (null before the first)
 * @param appliedCommandIds ids of the external commands applied to this job, for idempotency
 * @param recentHeartbeatIds ids of the latest heartbeats only: a job that runs for a day must not
 *     carry every heartbeat it ever sent
 */
public record Job(
        String jobId,
        String tenant,
        String jobType,
        JobStatus status,
        int attempt,
        int failures,
        long sequence,
        JsonText payload,
        List<String> dependsOn,
        List<String> awaiting,
        RetryPolicy retry,
        Long leaseMs,
        Long notBefore,
        List<String> egress,
        Admission admission,
        Lease lease,
        Long retryAt,
        Long notBeforeDue,
        JsonText result,
        JobError error,
        String reason,
        boolean finalAttempt,
        String correlationId,
        long createdAt,
        long updatedAt,
        Long completedAt,
        String eventHash,
        List<String> appliedCommandIds,
        List<String> recentHeartbeatIds) {

    /** How many heartbeat ids a job remembers to recognise a redelivered heartbeat. */
    public static final int HEARTBEAT_MEMORY = 16;
    /**
     * How many ids of other commands a job remembers besides its create's: the latest ones. Unbounded,
     * a job retried by hand for weeks would outgrow the 1 MiB a Kafka record may have, and the
     * processor would stop on writing its state.
     */
    public static final int COMMAND_MEMORY = 1_000;

    public Job {
        dependsOn = List.copyOf(dependsOn);
        awaiting = List.copyOf(awaiting);
        egress = egress == null ? null : List.copyOf(egress);
        appliedCommandIds = List.copyOf(appliedCommandIds);
        recentHeartbeatIds = List.copyOf(recentHeartbeatIds);
    }

    /** Terminal for the purposes of dependents and of the state machine: nothing but a manual retry follows. */
    public boolean isTerminal() {
        return switch (status) {
            case COMPLETED, CANCELLED -> true;
            case FAILED -> retryAt == null;
            default -> false;
        };
    }

    public boolean hasApplied(String commandId) {
        return appliedCommandIds.contains(commandId) || recentHeartbeatIds.contains(commandId);
    }

    /** The due time of the armed timer of {@code kind}, or null when none is armed. */
    public Long timerDue(TimerKind kind) {
        return switch (kind) {
            case RETRY -> status == JobStatus.FAILED ? retryAt : null;
            case LEASE -> status == JobStatus.RUNNING && lease != null ? lease.expiresAt() : null;
            case NOT_BEFORE -> status == JobStatus.PENDING ? notBeforeDue : null;
        };
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    static Builder builder() {
        return new Builder();
    }

    /** A mutable copy of a job, for the state machine to derive the next state in one place. */
    public static final class Builder {
        private String jobId;
        private String tenant;
        private String jobType;
        private JobStatus status;
        private int attempt;
        private int failures;
        private long sequence;
        private JsonText payload;
        private List<String> dependsOn = List.of();
        private List<String> awaiting = List.of();
        private RetryPolicy retry = RetryPolicy.DEFAULT;
        private Long leaseMs;
        private Long notBefore;
        private List<String> egress;
        private Admission admission = Admission.OPEN;
        private Lease lease;
        private Long retryAt;
        private Long notBeforeDue;
        private JsonText result;
        private JobError error;
        private String reason;
        private boolean finalAttempt;
        private String correlationId;
        private long createdAt;
        private long updatedAt;
        private Long completedAt;
        private String eventHash;
        private List<String> appliedCommandIds = List.of();
        private List<String> recentHeartbeatIds = List.of();

        private Builder() {}

        private Builder(Job job) {
            jobId = job.jobId;
            tenant = job.tenant;
            jobType = job.jobType;
            status = job.status;
            attempt = job.attempt;
            failures = job.failures;
            sequence = job.sequence;
            payload = job.payload;
            dependsOn = job.dependsOn;
            awaiting = job.awaiting;
            retry = job.retry;
            leaseMs = job.leaseMs;
            notBefore = job.notBefore;
            egress = job.egress;
            admission = job.admission;
            lease = job.lease;
            retryAt = job.retryAt;
            notBeforeDue = job.notBeforeDue;
            result = job.result;
            error = job.error;
            reason = job.reason;
            finalAttempt = job.finalAttempt;
            correlationId = job.correlationId;
            createdAt = job.createdAt;
            updatedAt = job.updatedAt;
            completedAt = job.completedAt;
            eventHash = job.eventHash;
            appliedCommandIds = job.appliedCommandIds;
            recentHeartbeatIds = job.recentHeartbeatIds;
        }

        // spotless:off  one line per setter reads better than 150 lines of braces
        public Builder jobId(String value) { jobId = value; return this; }
        public Builder tenant(String value) { tenant = value; return this; }
        public Builder jobType(String value) { jobType = value; return this; }
        public Builder status(JobStatus value) { status = value; return this; }
        public Builder attempt(int value) { attempt = value; return this; }
        public Builder failures(int value) { failures = value; return this; }
        public Builder sequence(long value) { sequence = value; return this; }
        public Builder payload(JsonText value) { payload = value; return this; }
        public Builder dependsOn(List<String> value) { dependsOn = value; return this; }
        public Builder awaiting(List<String> value) { awaiting = value; return this; }
        public Builder retry(RetryPolicy value) { retry = value; return this; }
        public Builder leaseMs(Long value) { leaseMs = value; return this; }
        public Builder notBefore(Long value) { notBefore = value; return this; }
        public Builder egress(List<String> value) { egress = value; return this; }
        public Builder admission(Admission value) { admission = value; return this; }
        public Builder lease(Lease value) { lease = value; return this; }
        public Builder retryAt(Long value) { retryAt = value; return this; }
        public Builder notBeforeDue(Long value) { notBeforeDue = value; return this; }
        public Builder result(JsonText value) { result = value; return this; }
        public Builder error(JobError value) { error = value; return this; }
        public Builder reason(String value) { reason = value; return this; }
        public Builder finalAttempt(boolean value) { finalAttempt = value; return this; }
        public Builder correlationId(String value) { correlationId = value; return this; }
        public Builder createdAt(long value) { createdAt = value; return this; }
        public Builder updatedAt(long value) { updatedAt = value; return this; }
        public Builder completedAt(Long value) { completedAt = value; return this; }
        public Builder eventHash(String value) { eventHash = value; return this; }
        public Builder appliedCommandIds(List<String> value) { appliedCommandIds = value; return this; }
        public Builder recentHeartbeatIds(List<String> value) { recentHeartbeatIds = value; return this; }
        // spotless:on

        /** Remembers an applied external command; heartbeats go to a short window of their own. */
        Builder remember(Command command) {
            if (command.type() == CommandType.HEARTBEAT) {
                List<String> ids = new ArrayList<>(recentHeartbeatIds);
                ids.add(command.commandId());
                if (ids.size() > HEARTBEAT_MEMORY) {
                    ids.remove(0);
                }
                recentHeartbeatIds = ids;
            } else {
                List<String> ids = new ArrayList<>(appliedCommandIds.size() + 1);
                ids.addAll(appliedCommandIds);
                ids.add(command.commandId());
                if (ids.size() > 1 + COMMAND_MEMORY) {
                    ids.remove(1); // the create's id stays: a create sent again is the likeliest repeat
                }
                appliedCommandIds = ids;
            }
            return this;
        }

        public Job build() {
            return new Job(
                    jobId,
                    tenant,
                    jobType,
                    status,
                    attempt,
                    failures,
                    sequence,
                    payload,
                    dependsOn,
                    awaiting,
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
                    appliedCommandIds,
                    recentHeartbeatIds);
        }
    }
}
