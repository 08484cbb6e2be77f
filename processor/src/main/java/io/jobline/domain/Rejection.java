package io.jobline.domain;

/** A refused command: the reason, a message for people, and the job's status (null when none). */
public record Rejection(RejectionReason reason, String message, JobStatus status) {}
