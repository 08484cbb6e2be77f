package io.jobline.domain;

import java.util.Locale;

/** The three things that wait for time: a retry backoff, a lease, and a job's notBefore. */
public enum TimerKind {
    RETRY,
    LEASE,
    NOT_BEFORE;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    public String wireName() {
        return wireName;
    }

    public static TimerKind fromWire(String value) {
        for (TimerKind kind : values()) {
            if (kind.wireName.equals(value)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown timer kind: " + value);
    }
}
