package io.jobline.domain;

import java.util.Objects;

/** The fields every command carries, whatever its type. Optional ones are null when absent. */
public record CommandHeader(
        String commandId,
        String jobId,
        String tenant,
        String correlationId,
        String actor,
        Long expectedSequence,
        String traceparent) {

    public CommandHeader {
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(jobId, "jobId");
    }

    /** A header with only the two required fields, as recorded commands have. */
    public static CommandHeader of(String commandId, String jobId) {
        return new CommandHeader(commandId, jobId, null, null, null, null, null);
    }
}
