package io.jobline.api;

import java.util.Optional;

/** Reads the current snapshot of one job. */
public interface JobReader {

    /** A job's snapshot as JSON ({@code schemas/job.schema.json}) and the tenant that owns it. */
    record Snapshot(String tenant, byte[] json) {}

    /**
     * @param authorization the caller's Authorization header (null when none), passed on when the
     *     read is forwarded to the instance that owns the job
     * @param forwarded whether this read was forwarded here by another instance: answer locally
     */
    Optional<Snapshot> find(String jobId, String authorization, boolean forwarded);

    /**
     * The job once it has applied the command {@code commandId}; empty while it has not, when
     * there is no such job, and when this reader cannot tell. A command that writes no event (a
     * heartbeat, a command sent again) is seen to be done this way.
     */
    default Optional<Snapshot> findApplied(String jobId, String commandId, String authorization, boolean forwarded) {
        return Optional.empty();
    }
}
