package io.jobline.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs the {@link Lifecycle} over a job's stores: loads the job, decides, writes the new state,
 * keeps the timer schedule and the dependents index in step, and turns a terminal transition
 * into one notification per waiting dependent.
 *
 * <p>The live topology and the offline replay both drive this one class; only the stores differ
 * (Kafka Streams state stores there, maps here), so they cannot drift apart.
 */
public final class LifecycleEngine {

    /** The job-state store, keyed by jobId. */
    public interface JobStore {
        Job get(String jobId);

        void put(Job job);
    }

    /** For each job, the jobs that wait for it to end. */
    public interface DependentsIndex {
        void add(String dependency, String dependent);

        /** Removes and returns the dependents of {@code dependency}, in a stable order. */
        List<String> drain(String dependency);
    }

    /** Where armed timers are kept until they are due; an offline replay keeps none. */
    public interface TimerSchedule {
        void arm(String jobId, TimerKind kind, long due);

        void disarm(String jobId, TimerKind kind, long due);

        TimerSchedule NONE = new TimerSchedule() {
            @Override
            public void arm(String jobId, TimerKind kind, long due) {}

            @Override
            public void disarm(String jobId, TimerKind kind, long due) {}
        };
    }

    /**
     * Renders one command's events, in order, after the job's hash-chain head, and returns the new
     * head. The wire layer owns the rendering and the hash; the engine only keeps the head.
     */
    @FunctionalInterface
    public interface EventChain {
        String append(String head, List<TimelineEvent> events);

        EventChain NONE = (head, events) -> head;
    }

    private final Lifecycle lifecycle;
    private final JobStore jobs;
    private final DependentsIndex dependents;
    private final TimerSchedule timers;

    public LifecycleEngine(Lifecycle lifecycle, JobStore jobs, DependentsIndex dependents, TimerSchedule timers) {
        this.lifecycle = lifecycle;
        this.jobs = jobs;
        this.dependents = dependents;
        this.timers = timers;
    }

    public Decision apply(Command command, long timestamp) {
        return apply(command, timestamp, EventChain.NONE);
    }

    /** Decides, hands the events to {@code chain}, and writes the job with its new chain head. */
    public Decision apply(Command command, long timestamp, EventChain chain) {
        Job before = jobs.get(command.jobId());
        Decision decision = lifecycle.decide(before, command, timestamp);
        if (!decision.events().isEmpty()) {
            String head = chain.append(before == null ? null : before.eventHash(), decision.events());
            decision = decision.withAfter(
                    decision.after().toBuilder().eventHash(head).build());
        }
        if (decision.changed()) {
            jobs.put(decision.after());
            reschedule(before, decision.after());
        }
        if (decision.watchedBy() != null) {
            dependents.add(command.jobId(), decision.watchedBy());
        }
        if (decision.notifyDependents() == null) {
            return decision;
        }
        List<String> waiting = dependents.drain(command.jobId());
        if (waiting.isEmpty()) {
            return decision;
        }
        List<Command> followUps = new ArrayList<>(decision.followUps().size() + waiting.size());
        followUps.addAll(decision.followUps());
        for (String dependent : waiting) {
            followUps.add(Lifecycle.notification(dependent, command.jobId(), decision.notifyDependents()));
        }
        return new Decision(
                decision.outcome(),
                decision.before(),
                decision.after(),
                decision.events(),
                decision.rejection(),
                List.copyOf(followUps),
                decision.watchedBy(),
                decision.notifyDependents());
    }

    private void reschedule(Job before, Job after) {
        for (TimerKind kind : TimerKind.values()) {
            Long was = before == null ? null : before.timerDue(kind);
            Long now = after.timerDue(kind);
            if (was != null && !was.equals(now)) {
                timers.disarm(after.jobId(), kind, was);
            }
            if (now != null && !now.equals(was)) {
                timers.arm(after.jobId(), kind, now);
            }
        }
    }
}
