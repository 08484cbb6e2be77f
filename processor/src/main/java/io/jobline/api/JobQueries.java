package io.jobline.api;

import java.util.List;
import java.util.Optional;

/** The queries served from the PostgreSQL projection: lists of jobs and a job's history. */
public interface JobQueries {

    /** One page of jobs, newest update first; {@code nextCursor} is null on the last page. */
    record Page(List<byte[]> jobs, String nextCursor) {}

    /**
     * @param tenant only this tenant's jobs (null: every tenant, for an open API)
     * @param cursor where the previous page ended, as returned in {@link Page#nextCursor()}
     */
    Page list(String tenant, String status, String jobType, int limit, String cursor);

    /** A job's events in sequence order (each the whole CloudEvent); empty when no such job is visible. */
    Optional<List<byte[]>> history(String jobId, String tenant);

    /** Whether the database answers. */
    boolean isReachable();
}
