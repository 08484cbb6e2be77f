package io.jobline.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * When and how often a failed job runs again (DESIGN §2, §3).
 *
 * <p>The delay after failure {@code n} is {@code floor(base × (1 + jitter × (2u − 1)))} with
 * {@code base = min(maxDelayMs, initialDelayMs × multiplier^(n−1))} and {@code u} the first eight
 * bytes of SHA-256 of {@code "{jobId}:{n}"}, unsigned big-endian, divided by 2^64. The power is
 * {@link StrictMath#pow}, which every Java computes to the same bits. The delay is therefore the
 * same on every replay of the same log, on any machine, and anyone can recompute it.
 */
public record RetryPolicy(int maxRetries, long initialDelayMs, double multiplier, long maxDelayMs, double jitter) {

    public static final RetryPolicy DEFAULT = new RetryPolicy(3, 1_000, 2.0, 300_000, 0.2);

    /** The most retries a job, or the configured default, may allow (the schemas' maximum). */
    public static final int MAX_RETRIES = 1000;

    /**
     * The longest delay a job, or the configured default, may set: a quarter of a long, so that a
     * delay with its jitter, added to a record timestamp, stays far from overflowing.
     */
    public static final long MAX_DELAY_MS = Long.MAX_VALUE / 4;

    private static final double TWO_TO_THE_64 = 0x1.0p64;

    public RetryPolicy {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
        }
        if (initialDelayMs < 0 || maxDelayMs < 0) {
            throw new IllegalArgumentException("retry delays must be >= 0");
        }
        if (multiplier < 1.0) {
            throw new IllegalArgumentException("multiplier must be >= 1, was " + multiplier);
        }
        if (jitter < 0.0 || jitter > 1.0) {
            throw new IllegalArgumentException("jitter must be within [0, 1], was " + jitter);
        }
    }

    /** Whether failure number {@code failures} (1-based) with this retryability may run again. */
    public boolean allowsRetry(int failures, boolean retryable) {
        return retryable && failures <= maxRetries;
    }

    public int retriesRemaining(int failures) {
        return Math.max(0, maxRetries - failures);
    }

    /** The backoff after failure number {@code failure} (1-based) of {@code jobId}, in ms. */
    public long delayMs(String jobId, int failure) {
        // StrictMath: Math.pow may differ in the last place between machines (it does on this one),
        // and a site replaying the log on another must arrive at the same retryAt.
        double base = Math.min((double) maxDelayMs, initialDelayMs * StrictMath.pow(multiplier, failure - 1));
        double u = unitHash(jobId + ":" + failure);
        return (long) Math.floor(base * (1.0 + jitter * (2.0 * u - 1.0)));
    }

    /** The first eight bytes of SHA-256 of {@code text}, as an unsigned fraction of 2^64. */
    static double unitHash(String text) {
        byte[] digest = sha256().digest(text.getBytes(StandardCharsets.UTF_8));
        long bits = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            bits = (bits << 8) | (digest[i] & 0xFF);
        }
        return unsignedToDouble(bits) / TWO_TO_THE_64;
    }

    /** The unsigned value of {@code bits}, correctly rounded to a double. */
    private static double unsignedToDouble(long bits) {
        if (bits >= 0) {
            return (double) bits;
        }
        // Halve with a sticky low bit so the one rounding step still rounds to nearest.
        return ((double) ((bits >>> 1) | (bits & 1))) * 2.0;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
