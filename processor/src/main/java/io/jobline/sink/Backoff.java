package io.jobline.sink;

import java.time.Duration;

/** Waits that double from {@code initial} up to {@code max}, starting over after a success. */
final class Backoff {

    private final long initialMs;
    private final long maxMs;
    private long nextMs;
    private int failures;

    Backoff(Duration initial, Duration max) {
        this.maxMs = max.toMillis();
        this.initialMs = Math.min(initial.toMillis(), maxMs);
        this.nextMs = initialMs;
    }

    /** The wait after one more failure. */
    Duration next() {
        long wait = nextMs;
        nextMs = Math.min(maxMs, nextMs * 2);
        failures++;
        return Duration.ofMillis(wait);
    }

    /** Failures since the last success. */
    int failures() {
        return failures;
    }

    void reset() {
        nextMs = initialMs;
        failures = 0;
    }
}
