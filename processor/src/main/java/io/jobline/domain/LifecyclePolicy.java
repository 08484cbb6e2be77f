package io.jobline.domain;

/**
 * The configuration the state machine decides under. Part of the input of every decision, so a
 * replay must run with the same policy as the live processor (an export records it).
 *
 * @param defaultLeaseMs a start's lease when neither the start nor the job names one
 * @param maxDependencies the most ids a job.create may list in {@code dependsOn}
 */
public record LifecyclePolicy(EgressPolicy egress, RetryPolicy defaultRetry, long defaultLeaseMs, int maxDependencies) {

    public static final long DEFAULT_LEASE_MS = 30_000;
    /**
     * The longest lease a job, a start or the configured default may set (the schemas' maximum): a
     * day, so that a lease's expiry, added to a record timestamp, stays a time RFC 3339 can write.
     */
    public static final long MAX_LEASE_MS = 86_400_000L;

    public static final int DEFAULT_MAX_DEPENDENCIES = 1_000;

    public static final LifecyclePolicy DEFAULT =
            new LifecyclePolicy(EgressPolicy.OPEN, RetryPolicy.DEFAULT, DEFAULT_LEASE_MS, DEFAULT_MAX_DEPENDENCIES);

    public LifecyclePolicy withEgress(EgressPolicy value) {
        return new LifecyclePolicy(value, defaultRetry, defaultLeaseMs, maxDependencies);
    }
}
