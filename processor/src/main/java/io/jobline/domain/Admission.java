package io.jobline.domain;

/**
 * The egress policy in force when a job was admitted: whether the processor ran sealed, and the
 * SHA-256 of its normalized allowlist (null when not sealed). Recorded on the job so that an
 * auditor can tell which policy made the decision.
 */
public record Admission(boolean sealed, String allowlistDigest) {

    public static final Admission OPEN = new Admission(false, null);
}
