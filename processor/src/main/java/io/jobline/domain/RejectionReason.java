package io.jobline.domain;

import java.util.Locale;

/** Why a command was refused; on the wire the lower-case names. */
public enum RejectionReason {
    INVALID_TRANSITION,
    UNKNOWN_JOB,
    ALREADY_EXISTS,
    SCHEMA_VIOLATION,
    MALFORMED,
    SEQUENCE_CONFLICT,
    LEASE_MISMATCH,
    TOO_LARGE;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    public String wireName() {
        return wireName;
    }
}
