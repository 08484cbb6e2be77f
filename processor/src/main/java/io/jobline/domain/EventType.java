package io.jobline.domain;

/** The timeline event types, one per state a job enters. */
public enum EventType {
    CREATED("job.created"),
    SCHEDULED("job.scheduled"),
    STARTED("job.started"),
    COMPLETED("job.completed"),
    FAILED("job.failed"),
    CANCELLED("job.cancelled");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
