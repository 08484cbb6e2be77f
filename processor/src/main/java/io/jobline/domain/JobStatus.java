package io.jobline.domain;

import java.util.Locale;

/** The lifecycle states of a job. On the wire they are the lower-case names. */
public enum JobStatus {
    PENDING,
    SCHEDULED,
    RUNNING,
    COMPLETED,
    FAILED,
    CANCELLED;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    public String wireName() {
        return wireName;
    }

    public static JobStatus fromWire(String value) {
        for (JobStatus status : values()) {
            if (status.wireName.equals(value)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown job status: " + value);
    }
}
