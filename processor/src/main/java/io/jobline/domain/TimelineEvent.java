package io.jobline.domain;

/**
 * One state change of one job. Everything else the timeline says about it (attempt, failures,
 * the lease, the armed retry, the error) is read from {@code job}, the snapshot after the change.
 *
 * @param time the triggering command's record timestamp (epoch ms)
 * @param commandId the command that caused the change
 * @param ordinal the position of this event among those the command produced, from 1
 */
public record TimelineEvent(
        EventType type,
        JobStatus from,
        JobStatus to,
        String reason,
        long time,
        Job job,
        String commandId,
        String correlationId,
        String traceparent,
        int ordinal) {

    public String jobId() {
        return job.jobId();
    }

    public long sequence() {
        return job.sequence();
    }
}
