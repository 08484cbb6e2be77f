package io.jobline.domain;

/** The lease a worker holds on a running job; it ends at {@code expiresAt} unless extended. */
public record Lease(String workerId, String leaseId, long durationMs, long expiresAt) {

    Lease extendedFrom(long timestamp) {
        return new Lease(workerId, leaseId, durationMs, timestamp + durationMs);
    }
}
