package io.jobline.sink;

import java.time.Instant;

/**
 * Where the sink stands, for {@code /readyz} and operators.
 *
 * @param detail why, when not ready (the last database error, the failure)
 * @param since when the sink entered this status
 */
public record SinkHealth(Status status, String detail, Instant since) {

    public enum Status {
        /** Started, the schema not checked yet. */
        STARTING,
        /** Writing, or waiting for records. */
        READY,
        /** PostgreSQL cannot be reached or written; polling is paused and the sink retries. */
        DATABASE_UNAVAILABLE,
        /** Closed. */
        STOPPED,
        /** Stopped on an unexpected error; needs a restart. */
        FAILED
    }

    public boolean isReady() {
        return status == Status.READY;
    }

    static SinkHealth of(Status status, String detail) {
        return new SinkHealth(status, detail, Instant.now());
    }
}
