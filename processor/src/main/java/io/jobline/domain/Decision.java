package io.jobline.domain;

import java.util.List;

/**
 * The result of one command: the job after it, the events and rejection it produced, and the
 * recorded commands it asks to be written (a {@code dependency.watch} or an answer to one).
 *
 * <p>Two effects reach the dependents index, which lives beside the job store:
 * {@code watchedBy} adds a dependent to this job's index; {@code notifyDependents} (the job's
 * terminal status) drains the index into one {@code dependency.*} command per dependent.
 */
public record Decision(
        Outcome outcome,
        Job before,
        Job after,
        List<TimelineEvent> events,
        Rejection rejection,
        List<Command> followUps,
        String watchedBy,
        JobStatus notifyDependents) {

    static Decision rejected(Job job, RejectionReason reason, String message) {
        return new Decision(
                Outcome.REJECTED,
                job,
                job,
                List.of(),
                new Rejection(reason, message, job == null ? null : job.status()),
                List.of(),
                null,
                null);
    }

    static Decision duplicate(Job job) {
        return new Decision(Outcome.DUPLICATE, job, job, List.of(), null, List.of(), null, null);
    }

    static Decision ignored(Job job) {
        return new Decision(Outcome.IGNORED, job, job, List.of(), null, List.of(), null, null);
    }

    Decision withAfter(Job value) {
        return new Decision(outcome, before, value, events, rejection, followUps, watchedBy, notifyDependents);
    }

    Decision withWatchedBy(String dependent) {
        return new Decision(outcome, before, after, events, rejection, followUps, dependent, notifyDependents);
    }

    /** Whether the job's state must be written back (it changed). */
    public boolean changed() {
        return after != before;
    }
}
