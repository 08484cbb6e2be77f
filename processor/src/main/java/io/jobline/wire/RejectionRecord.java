package io.jobline.wire;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobline.domain.JobStatus;
import io.jobline.domain.RejectionReason;

/**
 * One record of the rejections topic ({@code schemas/rejection.schema.json}). Exactly one of
 * {@code command} (the command as it was read) and {@code raw} (the bytes, when unreadable) is set.
 *
 * @param rawSize the size of the original value when {@code raw} holds only its first bytes
 */
public record RejectionRecord(
        RejectionReason reason,
        String message,
        JobStatus status,
        String jobId,
        String commandId,
        String type,
        JsonNode command,
        byte[] raw,
        Integer rawSize,
        long time) {}
