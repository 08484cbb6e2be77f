package io.jobline.domain;

/** The lease a worker holds on a running job; it ends at {@code expiresAt} unless extended. */
public record Lease(String workerId, String leaseId, long durationMs, long expiresAt) {

    /** The lease from {@code timestamp} on, for its duration; never past {@link Lifecycle#LATEST_TIME}. */
    Lease extendedFrom(long timestamp) {
        return new Lease(workerId, leaseId, durationMs, Lifecycle.dueAfter(timestamp, durationMs));
    }
}
