package io.jobline.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The job lifecycle state machine (DESIGN §2): a pure function from (job, command, record
 * timestamp) to a {@link Decision}. It reads no clock and no random source, so the live topology
 * and an offline replay of the same log decide exactly the same.
 *
 * <p>Checks run in the documented order: schema-level rules, already applied, existence,
 * expectedSequence, the transition, the lease. Nothing is written unless every check passes.
 */
public final class Lifecycle {

    public static final String DEFAULT_TENANT = "default";
    /** 9999-12-31T23:59:59.999Z, the latest time RFC 3339 (four-digit years) can write. */
    public static final long LATEST_TIME = 253_402_300_799_999L;

    static final String REASON_READY = "ready";
    static final String REASON_RETRY = "retry";
    static final String REASON_MANUAL_RETRY = "manual_retry";
    static final String REASON_CANCELLED = "cancelled";
    static final String REASON_UPSTREAM_FAILED = "upstream_failed";

    private final LifecyclePolicy policy;

    public Lifecycle(LifecyclePolicy policy) {
        this.policy = policy;
    }

    public LifecyclePolicy policy() {
        return policy;
    }

    public Decision decide(Job job, Command command, long timestamp) {
        if (command.type().recorded()) {
            return decideRecorded(job, command, timestamp);
        }
        if (command instanceof Command.Create create) {
            String violation = dependencyViolation(create);
            if (violation != null) {
                return Decision.rejected(job, RejectionReason.SCHEMA_VIOLATION, violation);
            }
        }
        if (job != null && job.hasApplied(command.commandId()) && !ofAnotherTenant(job, command)) {
            return Decision.duplicate(job);
        }
        if (command instanceof Command.Create create) {
            return job == null
                    ? create(create, timestamp)
                    : Decision.rejected(job, RejectionReason.ALREADY_EXISTS, "job " + job.jobId() + " already exists");
        }
        if (job == null || ofAnotherTenant(job, command)) {
            // A job of another tenant is, to this command, a job that does not exist: so are the
            // commands applied to it, which is why a repeated id of theirs was no repeat above.
            return Decision.rejected(null, RejectionReason.UNKNOWN_JOB, "no job " + command.jobId());
        }
        Long expected = command.header().expectedSequence();
        if (expected != null && expected != job.sequence()) {
            return Decision.rejected(
                    job,
                    RejectionReason.SEQUENCE_CONFLICT,
                    "expected sequence " + expected + " but job " + job.jobId() + " is at " + job.sequence());
        }
        if (command instanceof Command.Start start) {
            return start(job, start, timestamp);
        } else if (command instanceof Command.Heartbeat heartbeat) {
            return heartbeat(job, heartbeat, timestamp);
        } else if (command instanceof Command.Complete complete) {
            return complete(job, complete, timestamp);
        } else if (command instanceof Command.Fail fail) {
            return fail(job, fail, timestamp);
        } else if (command instanceof Command.Cancel cancel) {
            return cancel(job, cancel, timestamp);
        } else if (command instanceof Command.Retry retry) {
            return manualRetry(job, retry, timestamp);
        }
        throw new IllegalArgumentException("not an external command: " + command.type());
    }

    private Decision decideRecorded(Job job, Command command, long timestamp) {
        if (command instanceof Command.TimerFire fire) {
            return timerFire(job, fire, timestamp);
        } else if (command instanceof Command.DependencyWatch watch) {
            return dependencyWatch(job, watch, timestamp);
        } else if (command instanceof Command.DependencyCompleted completed) {
            return dependencyCompleted(job, completed, timestamp);
        } else if (command instanceof Command.DependencyFailed failed) {
            return dependencyFailed(job, failed, timestamp);
        }
        throw new IllegalArgumentException("not a recorded command: " + command.type());
    }

    // ---- external commands ------------------------------------------------------------------

    private Decision create(Command.Create create, long t) {
        RetryPolicy retry;
        try {
            retry = create.retry().over(policy.defaultRetry());
        } catch (IllegalArgumentException e) {
            return Decision.rejected(null, RejectionReason.SCHEMA_VIOLATION, "retry: " + e.getMessage());
        }
        List<String> dependsOn = List.copyOf(new LinkedHashSet<>(create.dependsOn()));
        Long notBeforeDue = create.notBefore() != null && create.notBefore() > t ? create.notBefore() : null;
        EgressPolicy egress = policy.egress();
        Job pending = Job.builder()
                .jobId(create.jobId())
                .tenant(create.header().tenant() != null ? create.header().tenant() : DEFAULT_TENANT)
                .jobType(create.jobType())
                .status(JobStatus.PENDING)
                .payload(create.payload())
                .dependsOn(dependsOn)
                .awaiting(dependsOn)
                .retry(retry)
                .leaseMs(create.leaseMs())
                .notBefore(create.notBefore())
                .notBeforeDue(notBeforeDue)
                .egress(create.egress())
                .admission(egress.admission())
                .correlationId(create.header().correlationId())
                .createdAt(t)
                .build();

        Change change = new Change(null, create, t);
        change.enterFrom(pending, EventType.CREATED, "created");
        String blocked = egressBlocked(create.egress());
        if (blocked != null) {
            JobError error = new JobError(
                    JobError.AIRGAP_EGRESS_BLOCKED,
                    blocked + "; add it to the processor's egress allowlist or remove it from networkIntent.egress",
                    false);
            change.emit(EventType.FAILED, JobStatus.FAILED, error.code(), b -> b.error(error));
            return change.decision();
        }
        for (String dependency : dependsOn) {
            change.followUps.add(Command.DependencyWatch.of(dependency, create.jobId()));
        }
        scheduleIfReady(change);
        return change.decision();
    }

    private Decision start(Job job, Command.Start start, long t) {
        if (job.status() != JobStatus.SCHEDULED) {
            return invalidTransition(job, start, "scheduled");
        }
        long leaseMs = start.leaseMs() != null
                ? start.leaseMs()
                : job.leaseMs() != null ? job.leaseMs() : policy.defaultLeaseMs();
        String leaseId = start.leaseId() != null ? start.leaseId() : start.commandId();
        Lease lease = new Lease(start.workerId(), leaseId, leaseMs, dueAfter(t, leaseMs));
        Change change = new Change(job, start, t);
        change.emit(
                EventType.STARTED,
                JobStatus.RUNNING,
                "started",
                b -> b.attempt(job.attempt() + 1).lease(lease).error(null));
        return change.decision();
    }

    private Decision heartbeat(Job job, Command.Heartbeat heartbeat, long t) {
        if (job.status() != JobStatus.RUNNING) {
            return invalidTransition(job, heartbeat, "running");
        }
        Decision mismatch = leaseMismatch(job, heartbeat.leaseId(), heartbeat);
        if (mismatch != null) {
            return mismatch;
        }
        long expiresAt = job.lease().expiresAt();
        if (t >= expiresAt) {
            // The lease is gone: its timer fails the run (from expiresAt on, whenever it fires).
            // Extending it here would make the outcome depend on whether that fire came first.
            return Decision.rejected(
                    job,
                    RejectionReason.LEASE_MISMATCH,
                    "job.heartbeat of job " + job.jobId() + " " + (t - expiresAt) + " ms after lease "
                            + job.lease().leaseId() + " expired; its lease timer fails the run");
        }
        Change change = new Change(job, heartbeat, t);
        change.update(b -> b.lease(job.lease().extendedFrom(t)));
        return change.decision();
    }

    private Decision complete(Job job, Command.Complete complete, long t) {
        if (job.status() != JobStatus.RUNNING) {
            return invalidTransition(job, complete, "running");
        }
        Decision mismatch = leaseMismatch(job, complete.leaseId(), complete);
        if (mismatch != null) {
            return mismatch;
        }
        Change change = new Change(job, complete, t);
        change.emit(
                EventType.COMPLETED,
                JobStatus.COMPLETED,
                "completed",
                b -> b.lease(null).result(complete.result()).completedAt(t));
        return change.decision();
    }

    private Decision fail(Job job, Command.Fail fail, long t) {
        if (job.status() != JobStatus.RUNNING) {
            return invalidTransition(job, fail, "running");
        }
        Decision mismatch = leaseMismatch(job, fail.leaseId(), fail);
        if (mismatch != null) {
            return mismatch;
        }
        Change change = new Change(job, fail, t);
        failRun(change, fail.error());
        return change.decision();
    }

    private Decision cancel(Job job, Command.Cancel cancel, long t) {
        boolean cancellable = switch (job.status()) {
            case PENDING, SCHEDULED, RUNNING -> true;
            case FAILED -> job.retryAt() != null;
            case COMPLETED, CANCELLED -> false;
        };
        if (!cancellable) {
            return invalidTransition(job, cancel, "pending, scheduled, running or failed with a retry pending");
        }
        Change change = new Change(job, cancel, t);
        String reason = cancel.reason() != null ? cancel.reason() : REASON_CANCELLED;
        change.emit(EventType.CANCELLED, JobStatus.CANCELLED, reason, Lifecycle::disarmAll);
        return change.decision();
    }

    private Decision manualRetry(Job job, Command.Retry retry, long t) {
        if (job.status() != JobStatus.FAILED || job.retryAt() != null) {
            return invalidTransition(job, retry, "failed with no retry left");
        }
        // Sealed mode never schedules a job the allowlist does not cover, a retried one included.
        // The policy is the one in force now: an allowlist widened since the job failed admits it.
        String blocked = egressBlocked(job.egress());
        if (blocked != null) {
            return retryRefused(job, blocked + "; add it to the processor's egress allowlist, then retry");
        }
        // A job failed in a dependency cycle still waits for the job that waits for it: scheduled
        // again, it would run before a dependency that has not completed.
        if (job.error() != null && JobError.DEPENDENCY_CYCLE.equals(job.error().code())) {
            return retryRefused(job, job.error().message());
        }
        // Only a job that sealed mode failed at creation can still wait for what admission waits
        // for: it never watched its dependencies, and its notBefore may lie ahead.
        if (!job.awaiting().isEmpty()) {
            return retryRefused(
                    job,
                    "it was failed before it watched its dependencies " + job.awaiting()
                            + "; create it again under a new jobId");
        }
        if (job.notBefore() != null && t < job.notBefore()) {
            return retryRefused(
                    job, "before its notBefore, " + Instant.ofEpochMilli(job.notBefore()) + "; retry it from then on");
        }
        Change change = new Change(job, retry, t);
        Admission admission = policy.egress().admission();
        change.emit(
                EventType.SCHEDULED,
                JobStatus.SCHEDULED,
                REASON_MANUAL_RETRY,
                b -> b.finalAttempt(true).admission(admission));
        return change.decision();
    }

    /** Why sealed mode refuses to schedule a job declaring {@code egress}, or null when it admits it. */
    private String egressBlocked(List<String> egress) {
        EgressPolicy policy = this.policy.egress();
        List<String> blocked = policy.blocked(egress);
        if (blocked.isEmpty()) {
            return null;
        }
        return "sealed mode: egress " + blocked + " is not in the allowlist ("
                + policy.admission().allowlistDigest() + ")";
    }

    // ---- recorded commands: never rejected, ignored when they no longer apply ---------------

    private Decision timerFire(Job job, Command.TimerFire fire, long t) {
        Long due = job == null ? null : job.timerDue(fire.kind());
        if (due == null || due != fire.due() || t < due) {
            return Decision.ignored(job);
        }
        Change change = new Change(job, fire, t);
        switch (fire.kind()) {
            case RETRY -> change.emit(EventType.SCHEDULED, JobStatus.SCHEDULED, REASON_RETRY, b -> b.retryAt(null));
            case LEASE -> {
                Lease lease = job.lease();
                failRun(
                        change,
                        new JobError(
                                JobError.LEASE_EXPIRED,
                                "lease " + lease.leaseId() + " of worker " + lease.workerId() + " expired at "
                                        + lease.expiresAt() + " with no heartbeat",
                                true));
            }
            case NOT_BEFORE -> {
                change.update(b -> b.notBeforeDue(null));
                scheduleIfReady(change);
            }
        }
        return change.decision();
    }

    private Decision dependencyWatch(Job dependency, Command.DependencyWatch watch, long t) {
        if (dependency != null && dependency.isTerminal()) {
            Command answer = notification(watch.dependent(), dependency.jobId(), dependency.status());
            return new Decision(Outcome.APPLIED, dependency, dependency, List.of(), null, List.of(answer), null, null);
        }
        if (isAwaiting(dependency, watch.dependent())) {
            return mutualDependency(dependency, watch, t);
        }
        return new Decision(
                Outcome.APPLIED, dependency, dependency, List.of(), null, List.of(), watch.dependent(), null);
    }

    /**
     * The dependent waits for this job, which waits for the dependent: neither can ever be
     * scheduled. This job fails, not retryable, and the dependent joins its dependents index, to
     * hear of it as of any failed dependency (it is cancelled, upstream_failed, unless its own
     * watch crossed this one and failed it too). Longer cycles are not found (README).
     */
    private Decision mutualDependency(Job job, Command.DependencyWatch watch, long t) {
        JobError error = new JobError(
                JobError.DEPENDENCY_CYCLE,
                "job " + job.jobId() + " and job " + watch.dependent() + " depend on each other, so neither"
                        + " could ever be scheduled; create them again without one of the two dependencies",
                false);
        Change change = new Change(job, watch, t);
        change.emit(
                EventType.FAILED,
                JobStatus.FAILED,
                error.code(),
                b -> disarmAll(b).error(error));
        return change.decision().withWatchedBy(watch.dependent());
    }

    private static Decision retryRefused(Job job, String why) {
        return Decision.rejected(
                job, RejectionReason.INVALID_TRANSITION, "job.retry of job " + job.jobId() + ": " + why);
    }

    private Decision dependencyCompleted(Job job, Command.DependencyCompleted completed, long t) {
        if (!isAwaiting(job, completed.dependency())) {
            return Decision.ignored(job);
        }
        List<String> awaiting = new ArrayList<>(job.awaiting());
        awaiting.remove(completed.dependency());
        Change change = new Change(job, completed, t);
        change.update(b -> b.awaiting(awaiting));
        scheduleIfReady(change);
        return change.decision();
    }

    private Decision dependencyFailed(Job job, Command.DependencyFailed failed, long t) {
        if (!isAwaiting(job, failed.dependency())) {
            return Decision.ignored(job);
        }
        Change change = new Change(job, failed, t);
        change.emit(EventType.CANCELLED, JobStatus.CANCELLED, REASON_UPSTREAM_FAILED, Lifecycle::disarmAll);
        return change.decision();
    }

    /** The answer a dependent gets about a dependency that has ended with {@code status}. */
    public static Command notification(String dependent, String dependency, JobStatus status) {
        return status == JobStatus.COMPLETED
                ? Command.DependencyCompleted.of(dependent, dependency)
                : Command.DependencyFailed.of(dependent, dependency, status);
    }

    // ---- shared steps -----------------------------------------------------------------------

    /** pending → scheduled once every dependency has completed and notBefore has been reached. */
    private static void scheduleIfReady(Change change) {
        Job job = change.current;
        if (job.status() == JobStatus.PENDING && job.awaiting().isEmpty() && job.notBeforeDue() == null) {
            change.emit(EventType.SCHEDULED, JobStatus.SCHEDULED, REASON_READY, UnaryOperator.identity());
        }
    }

    /** running → failed, arming a retry when the policy allows one. */
    private static void failRun(Change change, JobError error) {
        Job job = change.current;
        int failures = job.failures() + 1;
        boolean retry = !job.finalAttempt() && job.retry().allowsRetry(failures, error.retryable());
        Long retryAt = retry ? dueAfter(change.timestamp, job.retry().delayMs(job.jobId(), failures)) : null;
        change.emit(
                EventType.FAILED,
                JobStatus.FAILED,
                error.code(),
                b -> b.failures(failures).error(error).lease(null).retryAt(retryAt));
    }

    /**
     * {@code t + delayMs}, but no later than {@link #LATEST_TIME}: a policy may allow delays of
     * millions of years, and a time past the year 9999 has no RFC 3339 form for the events to carry.
     */
    static long dueAfter(long t, long delayMs) {
        return delayMs > LATEST_TIME - t ? LATEST_TIME : t + delayMs;
    }

    private static Job.Builder disarmAll(Job.Builder builder) {
        return builder.lease(null).retryAt(null).notBeforeDue(null);
    }

    private static boolean isAwaiting(Job job, String dependency) {
        return job != null
                && job.status() == JobStatus.PENDING
                && job.awaiting().contains(dependency);
    }

    private String dependencyViolation(Command.Create create) {
        if (create.dependsOn().contains(create.jobId())) {
            return "dependsOn: job " + create.jobId() + " cannot depend on itself";
        }
        if (create.dependsOn().size() > policy.maxDependencies()) {
            long distinct = create.dependsOn().stream().distinct().count();
            if (distinct > policy.maxDependencies()) {
                return "dependsOn: " + distinct + " dependencies, more than the limit of " + policy.maxDependencies();
            }
        }
        return null;
    }

    /** Whether {@code command}, not a create, names a tenant other than its job's. */
    private static boolean ofAnotherTenant(Job job, Command command) {
        String tenant = command.header().tenant();
        return !(command instanceof Command.Create) && tenant != null && !tenant.equals(job.tenant());
    }

    private static Decision invalidTransition(Job job, Command command, String expected) {
        return Decision.rejected(
                job,
                RejectionReason.INVALID_TRANSITION,
                command.type().wireName() + " of job " + job.jobId() + " in status "
                        + job.status().wireName() + " (it needs " + expected + ")");
    }

    private static Decision leaseMismatch(Job job, String leaseId, Command command) {
        if (leaseId == null || leaseId.equals(job.lease().leaseId())) {
            return null;
        }
        return Decision.rejected(
                job,
                RejectionReason.LEASE_MISMATCH,
                command.type().wireName() + " with lease " + leaseId + " but job " + job.jobId()
                        + " is held under lease " + job.lease().leaseId());
    }

    /**
     * The change one command makes: the job as it evolves, the events in order, the follow-ups.
     * Built up first, turned into a {@link Decision} once, so a rejected command writes nothing.
     */
    private static final class Change {
        private final Job before;
        private final Command command;
        private final long timestamp;
        private final List<TimelineEvent> events = new ArrayList<>(2);
        private final List<Command> followUps = new ArrayList<>(0);
        private Job current;

        Change(Job before, Command command, long timestamp) {
            this.before = before;
            this.command = command;
            this.timestamp = timestamp;
            this.current = before;
        }

        /** The first event of a job: it enters {@code job.status()} from nothing. */
        void enterFrom(Job job, EventType type, String reason) {
            current = job.toBuilder()
                    .sequence(1)
                    .reason(reason)
                    .updatedAt(timestamp)
                    .build();
            record(type, null, reason);
        }

        void emit(EventType type, JobStatus to, String reason, UnaryOperator<Job.Builder> edits) {
            JobStatus from = current.status();
            current = edits.apply(current.toBuilder()
                            .status(to)
                            .reason(reason)
                            .sequence(current.sequence() + 1)
                            .updatedAt(timestamp))
                    .build();
            record(type, from, reason);
        }

        /** A change of state with no timeline event (a heartbeat, a dependency that completed). */
        void update(UnaryOperator<Job.Builder> edits) {
            current = edits.apply(current.toBuilder()).build();
        }

        private void record(EventType type, JobStatus from, String reason) {
            CommandHeader header = command.header();
            String correlationId = header.correlationId() != null ? header.correlationId() : current.correlationId();
            events.add(new TimelineEvent(
                    type,
                    from,
                    current.status(),
                    reason,
                    timestamp,
                    current,
                    header.commandId(),
                    correlationId,
                    header.traceparent(),
                    events.size() + 1));
        }

        Decision decision() {
            Job after = command.type().recorded()
                    ? current
                    : current.toBuilder().remember(command).build();
            boolean becameTerminal = after.isTerminal() && (before == null || !before.isTerminal());
            return new Decision(
                    Outcome.APPLIED,
                    before,
                    after,
                    List.copyOf(events),
                    null,
                    List.copyOf(followUps),
                    null,
                    becameTerminal ? after.status() : null);
        }
    }
}
