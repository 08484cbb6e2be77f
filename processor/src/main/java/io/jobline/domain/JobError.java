package io.jobline.domain;

/** Why a run failed, as reported by the worker or decided by the processor. */
public record JobError(String code, String message, boolean retryable) {

    public static final String LEASE_EXPIRED = "lease_expired";
    public static final String AIRGAP_EGRESS_BLOCKED = "AIRGAP_EGRESS_BLOCKED";
    public static final String DEPENDENCY_CYCLE = "dependency_cycle";
}
