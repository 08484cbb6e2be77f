package io.jobline.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobline.testing.JobCommands;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The state machine through the engine, with stores in memory: no Kafka. */
class LifecycleTest {

    private static final long T0 = 1_764_000_000_000L;

    private final JobCommands commands = new JobCommands();
    private final List<String> armed = new ArrayList<>();
    private MemoryStores stores;
    private LifecycleEngine engine;

    @BeforeEach
    void setUp() {
        useEngine(LifecyclePolicy.DEFAULT);
    }

    private void useEngine(LifecyclePolicy policy) {
        stores = new MemoryStores();
        usePolicy(policy);
    }

    /** A new engine over the same stores: the processor restarted with another policy. */
    private void usePolicy(LifecyclePolicy policy) {
        LifecycleEngine.TimerSchedule recording = new LifecycleEngine.TimerSchedule() {
            @Override
            public void arm(String jobId, TimerKind kind, long due) {
                armed.add("+" + jobId + "/" + kind.wireName() + "@" + due);
            }

            @Override
            public void disarm(String jobId, TimerKind kind, long due) {
                armed.add("-" + jobId + "/" + kind.wireName() + "@" + due);
            }
        };
        engine = new LifecycleEngine(new Lifecycle(policy), stores, stores, recording);
    }

    private Decision apply(Command command, long t) {
        return engine.apply(command, t);
    }

    private Job job(String id) {
        return stores.get(id);
    }

    private void running(String id, String lease) {
        apply(commands.create(id), T0);
        apply(commands.start(id, lease), T0 + 1);
    }

    @Test
    void shouldCreateThenScheduleAnAdmissibleJobWithSequenceOneAndTwo() {
        Decision d = apply(commands.create("a"), T0);
        assertThat(d.events()).extracting(TimelineEvent::type).containsExactly(EventType.CREATED, EventType.SCHEDULED);
        assertThat(d.events().get(0).sequence()).isEqualTo(1);
        assertThat(d.events().get(0).job().status()).isEqualTo(JobStatus.PENDING);
        assertThat(d.events().get(0).from()).isNull();
        assertThat(d.events().get(1).sequence()).isEqualTo(2);
        assertThat(job("a").status()).isEqualTo(JobStatus.SCHEDULED);
        assertThat(job("a").tenant()).isEqualTo(Lifecycle.DEFAULT_TENANT);
    }

    @Test
    void shouldStartWithALeaseAndArmItsTimer() {
        running("a", "L1");
        Job a = job("a");
        assertThat(a.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(a.attempt()).isEqualTo(1);
        assertThat(a.lease()).isEqualTo(new Lease("worker-1", "L1", 10_000, T0 + 1 + 10_000));
        assertThat(armed).containsExactly("+a/lease@" + (T0 + 10_001));
    }

    /**
     * A lease's end, like a retry's, is never past the latest time RFC 3339 writes: it was the
     * record's timestamp plus the lease, which near the end of time overflowed into the past (a
     * timer never found, a job running for ever) or left an expiry the events cannot write.
     */
    @Test
    void shouldEndALeaseNoLaterThanTheLatestTime() {
        long late = Lifecycle.LATEST_TIME - 1_000;
        apply(commands.create("a"), late);
        apply(commands.start("a", "L1"), late + 1);
        assertThat(job("a").lease().expiresAt()).isEqualTo(Lifecycle.LATEST_TIME);

        apply(commands.heartbeat("a", "L1"), late + 2);
        assertThat(job("a").lease().expiresAt()).isEqualTo(Lifecycle.LATEST_TIME);
    }

    @Test
    void shouldRejectStartOfCompletedJobAndChangeNothing() {
        running("a", "L1");
        apply(commands.complete("a", "L1"), T0 + 2);
        Job completed = job("a");
        Decision d = apply(commands.start("a", "L2"), T0 + 3);
        assertThat(d.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(d.rejection().reason()).isEqualTo(RejectionReason.INVALID_TRANSITION);
        assertThat(d.rejection().status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(d.events()).isEmpty();
        assertThat(job("a")).isSameAs(completed);
    }

    @Test
    void shouldKeepTheResultAndCompletionTimeOfACompletedJob() {
        running("a", "L1");
        Decision d = apply(commands.complete("a", "L1"), T0 + 50);
        assertThat(d.events()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(EventType.COMPLETED);
            assertThat(e.time()).isEqualTo(T0 + 50);
            assertThat(e.job().completedAt()).isEqualTo(T0 + 50);
            assertThat(e.job().result().json()).isEqualTo("{\"rows\":42}");
            assertThat(e.job().lease()).isNull();
        });
        assertThat(d.notifyDependents()).isEqualTo(JobStatus.COMPLETED);
    }

    @Test
    void shouldRejectAHeartbeatOrCompleteUnderAnotherLease() {
        running("a", "L1");
        assertThat(apply(commands.heartbeat("a", "other"), T0 + 2).rejection().reason())
                .isEqualTo(RejectionReason.LEASE_MISMATCH);
        assertThat(apply(commands.complete("a", "other"), T0 + 2).rejection().reason())
                .isEqualTo(RejectionReason.LEASE_MISMATCH);
        assertThat(job("a").status()).isEqualTo(JobStatus.RUNNING);
    }

    @Test
    void shouldExtendTheLeaseOnHeartbeatWithoutAnEvent() {
        running("a", "L1");
        armed.clear();
        Decision d = apply(commands.heartbeat("a", "L1"), T0 + 5_000);
        assertThat(d.outcome()).isEqualTo(Outcome.APPLIED);
        assertThat(d.events()).isEmpty();
        assertThat(job("a").lease().expiresAt()).isEqualTo(T0 + 15_000);
        assertThat(armed).containsExactly("-a/lease@" + (T0 + 10_001), "+a/lease@" + (T0 + 15_000));
    }

    @Test
    void shouldRejectAHeartbeatOnceItsLeaseHasExpiredWhetherOrNotTheFireCameFirst() {
        running("a", "L1");
        long due = job("a").lease().expiresAt();
        assertThat(apply(commands.heartbeat("a", "L1"), due - 1).outcome()).isEqualTo(Outcome.APPLIED);
        long extended = job("a").lease().expiresAt();

        Decision late = apply(commands.heartbeat("a", "L1"), extended);
        assertThat(late.rejection().reason()).isEqualTo(RejectionReason.LEASE_MISMATCH);
        assertThat(late.rejection().message()).contains("0 ms after lease L1 expired");
        assertThat(job("a").lease().expiresAt()).isEqualTo(extended);
        assertThat(apply(Command.TimerFire.of("a", TimerKind.LEASE, extended), extended + 1)
                        .events())
                .singleElement()
                .satisfies(e -> assertThat(e.job().error().code()).isEqualTo(JobError.LEASE_EXPIRED));
        // The fire first: the run has failed, and the heartbeat finds no running job.
        assertThat(apply(commands.heartbeat("a", "L1"), extended + 2)
                        .rejection()
                        .reason())
                .isEqualTo(RejectionReason.INVALID_TRANSITION);
    }

    @Test
    void shouldFailALeaseThatExpiresAndRetryIt() {
        running("a", "L1");
        long due = job("a").lease().expiresAt();
        assertThat(apply(Command.TimerFire.of("a", TimerKind.LEASE, due), due - 1)
                        .outcome())
                .isEqualTo(Outcome.IGNORED);
        Decision d = apply(Command.TimerFire.of("a", TimerKind.LEASE, due), due);
        assertThat(d.events()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(EventType.FAILED);
            assertThat(e.job().error().code()).isEqualTo(JobError.LEASE_EXPIRED);
            assertThat(e.job().retryAt()).isNotNull();
        });
    }

    @Test
    void shouldIgnoreAFireOfALeaseThatAHeartbeatHasExtended() {
        running("a", "L1");
        long firstDue = job("a").lease().expiresAt();
        apply(commands.heartbeat("a", "L1"), T0 + 9_000);
        assertThat(apply(Command.TimerFire.of("a", TimerKind.LEASE, firstDue), firstDue)
                        .outcome())
                .isEqualTo(Outcome.IGNORED);
        assertThat(job("a").status()).isEqualTo(JobStatus.RUNNING);
    }

    @Test
    void shouldRetryExactlyMaxRetriesTimesAndFailTerminallyOnTheNext() {
        apply(commands.create("a"), T0);
        long t = T0;
        for (int attempt = 1; attempt <= 4; attempt++) {
            String lease = "L" + attempt;
            apply(commands.start("a", lease), ++t);
            Decision failed = apply(commands.fail("a", lease), ++t);
            assertThat(job("a").failures()).isEqualTo(attempt);
            if (attempt <= 3) {
                long retryAt = job("a").retryAt();
                assertThat(retryAt)
                        .isEqualTo(t
                                + JobCommands.FAST_RETRY
                                        .over(RetryPolicy.DEFAULT)
                                        .delayMs("a", attempt));
                assertThat(failed.notifyDependents()).isNull();
                t = retryAt;
                Decision retried = apply(Command.TimerFire.of("a", TimerKind.RETRY, retryAt), t);
                assertThat(retried.events())
                        .singleElement()
                        .satisfies(e -> assertThat(e.reason()).isEqualTo(Lifecycle.REASON_RETRY));
            } else {
                assertThat(job("a").retryAt()).isNull();
                assertThat(job("a").isTerminal()).isTrue();
                assertThat(failed.notifyDependents()).isEqualTo(JobStatus.FAILED);
            }
        }
    }

    @Test
    void shouldNotRetryANonRetryableError() {
        running("a", "L1");
        apply(commands.failPermanently("a", "L1"), T0 + 2);
        assertThat(job("a").isTerminal()).isTrue();
    }

    @Test
    void shouldGiveAManualRetryOneMoreAttemptOnly() {
        running("a", "L1");
        apply(commands.failPermanently("a", "L1"), T0 + 2);
        Decision retried = apply(commands.retry("a"), T0 + 3);
        assertThat(retried.events()).singleElement().satisfies(e -> {
            assertThat(e.to()).isEqualTo(JobStatus.SCHEDULED);
            assertThat(e.reason()).isEqualTo(Lifecycle.REASON_MANUAL_RETRY);
        });
        apply(commands.start("a", "L2"), T0 + 4);
        apply(commands.fail("a", "L2"), T0 + 5);
        assertThat(job("a").failures()).isEqualTo(2);
        assertThat(job("a").isTerminal())
                .as("the failure after a manual retry is terminal")
                .isTrue();
    }

    @Test
    void shouldRejectAManualRetryWhileAnAutomaticOneIsPending() {
        running("a", "L1");
        apply(commands.fail("a", "L1"), T0 + 2);
        assertThat(apply(commands.retry("a"), T0 + 3).rejection().reason())
                .isEqualTo(RejectionReason.INVALID_TRANSITION);
    }

    @Test
    void shouldCancelAFailedJobWaitingForItsRetryAndDisarmTheTimer() {
        running("a", "L1");
        apply(commands.fail("a", "L1"), T0 + 2);
        long retryAt = job("a").retryAt();
        Decision d = apply(commands.cancel("a"), T0 + 3);
        assertThat(d.events())
                .singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo("operator request"));
        assertThat(armed).contains("-a/retry@" + retryAt);
        assertThat(apply(Command.TimerFire.of("a", TimerKind.RETRY, retryAt), retryAt)
                        .outcome())
                .isEqualTo(Outcome.IGNORED);
    }

    @Test
    void shouldTreatACommandAppliedBeforeAsANoOp() {
        Command.Create create = commands.create("a");
        apply(create, T0);
        Decision again = apply(create, T0 + 1);
        assertThat(again.outcome()).isEqualTo(Outcome.DUPLICATE);
        assertThat(again.events()).isEmpty();
        assertThat(job("a").sequence()).isEqualTo(2);
    }

    @Test
    void shouldRejectAgainACommandThatWasRejected() {
        Command.Start start = commands.start("missing", "L1");
        assertThat(apply(start, T0).rejection().reason()).isEqualTo(RejectionReason.UNKNOWN_JOB);
        assertThat(apply(start, T0).rejection().reason()).isEqualTo(RejectionReason.UNKNOWN_JOB);
    }

    @Test
    void shouldRejectASecondCreateOfTheSameJob() {
        apply(commands.create("a"), T0);
        assertThat(apply(commands.create("a"), T0 + 1).rejection().reason()).isEqualTo(RejectionReason.ALREADY_EXISTS);
    }

    @Test
    void shouldCheckExpectedSequenceBeforeTheTransition() {
        running("a", "L1");
        // Both a wrong sequence and an invalid transition: the sequence is reported.
        Decision d = apply(commands.startExpecting("a", "L2", 1), T0 + 2);
        assertThat(d.rejection().reason()).isEqualTo(RejectionReason.SEQUENCE_CONFLICT);
        apply(commands.complete("a", "L1"), T0 + 3);
        assertThat(job("a").sequence()).isEqualTo(4);
    }

    @Test
    void shouldCheckTheTransitionBeforeTheLease() {
        apply(commands.create("a"), T0);
        assertThat(apply(commands.heartbeat("a", "nope"), T0 + 1).rejection().reason())
                .isEqualTo(RejectionReason.INVALID_TRANSITION);
    }

    @Test
    void shouldHideAJobOfAnotherTenant() {
        apply(commands.createForTenant("a", "acme"), T0);
        Command.Cancel foreign =
                new Command.Cancel(new CommandHeader("c-x", "a", "globex", null, null, null, null), null);
        Decision d = apply(foreign, T0 + 1);
        assertThat(d.rejection().reason()).isEqualTo(RejectionReason.UNKNOWN_JOB);
        assertThat(d.rejection().status()).isNull();
    }

    /**
     * To another tenant the job does not exist, so neither do the commands applied to it: a command
     * of that tenant reusing one of their ids is not a repeat of it, to be dropped in silence.
     */
    @Test
    void shouldHideAJobOfAnotherTenantFromACommandReusingTheIdOfOneItApplied() {
        apply(commands.createForTenant("a", "acme"), T0);
        Command.Start start =
                new Command.Start(new CommandHeader("c-start", "a", "acme", null, null, null, null), "w", "L1", null);
        apply(start, T0 + 1);
        Command.Cancel foreign =
                new Command.Cancel(new CommandHeader("c-start", "a", "globex", null, null, null, null), null);
        Decision d = apply(foreign, T0 + 2);
        assertThat(d.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(d.rejection().reason()).isEqualTo(RejectionReason.UNKNOWN_JOB);
        assertThat(job("a").status()).isEqualTo(JobStatus.RUNNING);
    }

    @Test
    void shouldWaitForNotBeforeAndScheduleWhenItsTimerFires() {
        long notBefore = T0 + 60_000;
        Decision created = apply(commands.createNotBefore("a", notBefore), T0);
        assertThat(created.events()).extracting(TimelineEvent::type).containsExactly(EventType.CREATED);
        assertThat(armed).containsExactly("+a/not_before@" + notBefore);
        Decision fired = apply(Command.TimerFire.of("a", TimerKind.NOT_BEFORE, notBefore), notBefore + 3);
        assertThat(fired.events()).extracting(TimelineEvent::type).containsExactly(EventType.SCHEDULED);
    }

    @Test
    void shouldScheduleAtOnceWhenNotBeforeHasPassed() {
        assertThat(apply(commands.createNotBefore("a", T0 - 1), T0).events()).hasSize(2);
    }

    @Test
    void shouldFailAJobWithBlockedEgressInSealedMode() {
        EgressPolicy sealed = new EgressPolicy(true, List.of("https://api.internal"));
        useEngine(LifecyclePolicy.DEFAULT.withEgress(sealed));
        Decision d = apply(commands.createWithEgress("a", "https://api.internal", "https://example.com"), T0);
        assertThat(d.events()).extracting(TimelineEvent::type).containsExactly(EventType.CREATED, EventType.FAILED);
        Job a = job("a");
        assertThat(a.error().code()).isEqualTo(JobError.AIRGAP_EGRESS_BLOCKED);
        assertThat(a.error().retryable()).isFalse();
        assertThat(a.error().message()).contains("https://example.com").doesNotContain("api.internal,");
        assertThat(a.admission()).isEqualTo(sealed.admission());
        assertThat(a.isTerminal()).isTrue();

        Decision allowed = apply(commands.createWithEgress("b", "api.internal:443"), T0);
        assertThat(allowed.events())
                .extracting(TimelineEvent::type)
                .containsExactly(EventType.CREATED, EventType.SCHEDULED);
    }

    @Test
    void shouldNotRetryAJobTheAllowlistStillBlocksButRetryItOnceTheAllowlistCoversIt() {
        EgressPolicy sealed = new EgressPolicy(true, List.of("https://api.internal"));
        useEngine(LifecyclePolicy.DEFAULT.withEgress(sealed));
        apply(commands.createWithEgress("a", "https://example.com"), T0);
        Job blocked = job("a");

        Decision refused = apply(commands.retry("a"), T0 + 1);
        assertThat(refused.events()).isEmpty();
        assertThat(refused.rejection().reason()).isEqualTo(RejectionReason.INVALID_TRANSITION);
        assertThat(refused.rejection().message())
                .contains(
                        "sealed mode", "https://example.com", sealed.admission().allowlistDigest());
        assertThat(job("a")).isEqualTo(blocked);

        EgressPolicy widened = new EgressPolicy(true, List.of("https://api.internal", "https://example.com"));
        usePolicy(LifecyclePolicy.DEFAULT.withEgress(widened));
        Decision retried = apply(commands.retry("a"), T0 + 2);
        assertThat(retried.events()).extracting(TimelineEvent::type).containsExactly(EventType.SCHEDULED);
        assertThat(job("a").status()).isEqualTo(JobStatus.SCHEDULED);
        assertThat(job("a").admission()).isEqualTo(widened.admission());
    }

    @Test
    void shouldNotRetryABlockedJobIntoScheduledWhileItsDependenciesAreUnfinished() {
        EgressPolicy sealed = new EgressPolicy(true, List.of("https://api.internal"));
        useEngine(LifecyclePolicy.DEFAULT.withEgress(sealed));
        Decision created = apply(commands.createDependingOnWithEgress("b", "https://example.com", "a"), T0);
        assertThat(created.followUps()).isEmpty(); // failed before it watched a

        usePolicy(LifecyclePolicy.DEFAULT.withEgress(new EgressPolicy(true, List.of("https://example.com"))));
        Decision refused = apply(commands.retry("b"), T0 + 1);
        assertThat(refused.rejection().reason()).isEqualTo(RejectionReason.INVALID_TRANSITION);
        assertThat(refused.rejection().message()).contains("dependencies [a]");
        assertThat(job("b").status()).isEqualTo(JobStatus.FAILED);
    }

    @Test
    void shouldNotRetryABlockedJobIntoScheduledBeforeItsNotBefore() {
        EgressPolicy sealed = new EgressPolicy(true, List.of("https://api.internal"));
        useEngine(LifecyclePolicy.DEFAULT.withEgress(sealed));
        long notBefore = T0 + 3_600_000;
        apply(commands.createNotBeforeWithEgress("b", notBefore, "https://example.com"), T0);
        usePolicy(LifecyclePolicy.DEFAULT.withEgress(new EgressPolicy(true, List.of("https://example.com"))));

        Decision early = apply(commands.retry("b"), T0 + 2);
        assertThat(early.rejection().reason()).isEqualTo(RejectionReason.INVALID_TRANSITION);
        assertThat(early.rejection().message()).contains("before its notBefore, 2025-11-24T17:00:00Z");
        assertThat(apply(commands.retry("b"), notBefore).events())
                .extracting(TimelineEvent::type)
                .containsExactly(EventType.SCHEDULED);
    }

    @Test
    void shouldWatchDependenciesAndScheduleWhenTheyComplete() {
        Decision created = apply(commands.createDependingOn("b", "a", "a"), T0);
        assertThat(created.events()).extracting(TimelineEvent::type).containsExactly(EventType.CREATED);
        assertThat(job("b").awaiting()).containsExactly("a");
        assertThat(created.followUps()).containsExactly(Command.DependencyWatch.of("a", "b"));

        apply(created.followUps().get(0), T0 + 1); // the watch reaches a, which does not exist yet
        running("a", "L1");
        Decision completed = apply(commands.complete("a", "L1"), T0 + 2);
        assertThat(completed.followUps()).containsExactly(Command.DependencyCompleted.of("b", "a"));

        Decision ready = apply(completed.followUps().get(0), T0 + 3);
        assertThat(ready.events()).extracting(TimelineEvent::type).containsExactly(EventType.SCHEDULED);
    }

    @Test
    void shouldAnswerAWatchAtOnceWhenTheDependencyHasEnded() {
        running("a", "L1");
        apply(commands.cancel("a"), T0 + 2);
        Decision d = apply(Command.DependencyWatch.of("a", "b"), T0 + 3);
        assertThat(d.followUps()).containsExactly(Command.DependencyFailed.of("b", "a", JobStatus.CANCELLED));
    }

    /**
     * a and b depend on each other, both created before either watch arrives (their partitions
     * lag): the first watch to arrive fails its job, and its dependent hears of it.
     */
    @Test
    void shouldFailAJobThatAndItsDependentDependOnEachOther() {
        Decision a = apply(commands.createDependingOn("a", "b"), T0);
        Decision b = apply(commands.createDependingOn("b", "c", "a"), T0 + 1);

        Decision watched = apply(a.followUps().get(0), T0 + 2); // a's watch reaches b
        assertThat(watched.events()).singleElement().satisfies(e -> {
            assertThat(e.from()).isEqualTo(JobStatus.PENDING);
            assertThat(e.to()).isEqualTo(JobStatus.FAILED);
            assertThat(e.reason()).isEqualTo(JobError.DEPENDENCY_CYCLE);
            assertThat(e.job().error().retryable()).isFalse();
            assertThat(e.job().error().message()).startsWith("job b and job a depend on each other");
        });
        assertThat(watched.followUps()).containsExactly(Command.DependencyFailed.of("a", "b", JobStatus.FAILED));
        assertThat(watched.notifyDependents()).isEqualTo(JobStatus.FAILED);

        Decision cancelled = apply(watched.followUps().get(0), T0 + 3);
        assertThat(cancelled.events()).singleElement().satisfies(e -> {
            assertThat(e.to()).isEqualTo(JobStatus.CANCELLED);
            assertThat(e.reason()).isEqualTo(Lifecycle.REASON_UPSTREAM_FAILED);
        });
        // b's watch reaches a, which has ended: b, failed already, is answered and stays as it is.
        Decision late = apply(b.followUps().get(1), T0 + 4);
        assertThat(late.events()).isEmpty();
        assertThat(apply(late.followUps().get(0), T0 + 5).events()).isEmpty();
        assertThat(job("b").status()).isEqualTo(JobStatus.FAILED);
    }

    /**
     * a and b on two partitions, created in one commit interval: both watches are written before
     * either is answered, so each reaches a job still waiting for the other. The README says one
     * fails and "the other is cancelled with upstream_failed"; here both fail.
     */
    @Test
    void shouldEndBothJobsOfACycleWhoseWatchesCross() {
        Decision a = apply(commands.createDependingOn("a", "b"), T0);
        Decision b = apply(commands.createDependingOn("b", "a"), T0 + 1);

        Decision bFailed = apply(a.followUps().get(0), T0 + 2); // a's watch reaches b
        Decision aFailed = apply(b.followUps().get(0), T0 + 3); // b's watch reaches a, before b's answer
        apply(bFailed.followUps().get(0), T0 + 4);
        apply(aFailed.followUps().get(0), T0 + 5);

        assertThat(job("b").error().code()).isEqualTo(JobError.DEPENDENCY_CYCLE);
        assertThat(job("a").status()).isEqualTo(JobStatus.FAILED);
        assertThat(job("a").error().code()).isEqualTo(JobError.DEPENDENCY_CYCLE);
    }

    /**
     * A job failed in a cycle did watch its dependencies: a job.retry of it is refused, but must not
     * say it was failed before it watched them (only sealed mode fails a job that early).
     */
    @Test
    void shouldRefuseTheRetryOfAJobFailedInADependencyCycleNamingTheCycle() {
        Decision a = apply(commands.createDependingOn("a", "b"), T0);
        apply(commands.createDependingOn("b", "a"), T0 + 1);
        apply(a.followUps().get(0), T0 + 2); // a's watch reaches b, which waits for a: b fails

        Decision refused = apply(commands.retry("b"), T0 + 3);

        assertThat(refused.rejection().reason()).isEqualTo(RejectionReason.INVALID_TRANSITION);
        assertThat(refused.rejection().message())
                .doesNotContain("failed before it watched its dependencies")
                .contains("depend on each other");
    }

    /** README: "its create's and the latest 1,000 others ... repeated after 1,000 newer ones is decided again". */
    @Test
    void shouldStillKnowACommandFollowedByNineHundredNinetyNineNewerOnes() {
        apply(commands.create("a", new RetrySpec(0, null, null, null, null)), T0);
        Command.Start firstStart = commands.start("a", "L0");
        apply(firstStart, T0 + 1);
        int newer = 0;
        apply(commands.fail("a", "L0"), T0 + 2);
        newer++;
        for (int i = 1; newer < 999; i++) {
            apply(commands.retry("a"), T0 + 10L * i);
            apply(commands.start("a", "L" + i), T0 + 10L * i + 1);
            newer += 2;
            if (newer < 999) {
                apply(commands.fail("a", "L" + i), T0 + 10L * i + 2);
                newer++;
            }
        }

        assertThat(newer).isEqualTo(999);
        assertThat(apply(firstStart, T0 + 50_000).outcome()).isEqualTo(Outcome.DUPLICATE);
    }

    /** Its state stays within a Kafka record however often it is retried; its create stays known. */
    @Test
    void shouldRememberTheCreateAndTheLatestThousandCommandsOfAJobRetriedForWeeks() {
        Command.Create create = commands.create("a", new RetrySpec(0, null, null, null, null));
        apply(create, T0);
        Command.Start firstStart = commands.start("a", "L0");
        apply(firstStart, T0 + 1);
        apply(commands.fail("a", "L0"), T0 + 2);
        for (int i = 1; i <= 400; i++) {
            apply(commands.retry("a"), T0 + 10L * i);
            apply(commands.start("a", "L" + i), T0 + 10L * i + 1);
            apply(commands.fail("a", "L" + i), T0 + 10L * i + 2);
        }

        assertThat(job("a").appliedCommandIds()).hasSize(1 + Job.COMMAND_MEMORY).startsWith(create.commandId());
        assertThat(apply(create, T0 + 5_000).outcome()).isEqualTo(Outcome.DUPLICATE);
        assertThat(apply(firstStart, T0 + 5_001).rejection().reason())
                .as("forgotten, so decided again")
                .isEqualTo(RejectionReason.INVALID_TRANSITION);
    }

    @Test
    void shouldCancelADependentWhoseDependencyFailed() {
        apply(commands.createDependingOn("b", "a"), T0);
        Decision d = apply(Command.DependencyFailed.of("b", "a", JobStatus.FAILED), T0 + 1);
        assertThat(d.events()).singleElement().satisfies(e -> {
            assertThat(e.to()).isEqualTo(JobStatus.CANCELLED);
            assertThat(e.reason()).isEqualTo(Lifecycle.REASON_UPSTREAM_FAILED);
        });
        assertThat(d.notifyDependents()).isEqualTo(JobStatus.CANCELLED);
    }

    @Test
    void shouldRejectSelfDependenciesAndTooManyDependencies() {
        assertThat(apply(commands.createDependingOn("a", "a"), T0).rejection().reason())
                .isEqualTo(RejectionReason.SCHEMA_VIOLATION);
        useEngine(new LifecyclePolicy(EgressPolicy.OPEN, RetryPolicy.DEFAULT, 1_000, 2));
        assertThat(apply(commands.createDependingOn("c", "x", "y", "z"), T0)
                        .rejection()
                        .message())
                .contains("limit of 2");
        assertThat(apply(commands.createDependingOn("d", "x", "y", "x"), T0).outcome())
                .isEqualTo(Outcome.APPLIED);
    }
}
