package io.jobline.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;

/**
 * Upserts {@code jobs}: one row per job of the batch, from its latest event, and only over an
 * older one. The row is read from the {@code job_history} row just written, not sent again:
 * PostgreSQL has already parsed that envelope into jsonb, and sending the snapshot as text made
 * it parse every snapshot a second time (measured 40% slower per batch). The same reading keeps
 * the columns and the snapshot from ever disagreeing.
 */
final class JobsTable {

    private static final String UPSERT = """
            INSERT INTO jobs (job_id, tenant, job_type, status, attempt, failures, sequence, snapshot,
                              created_at, updated_at, completed_at)
            SELECT h.job_id, h.tenant, j.snapshot ->> 'jobType', j.snapshot ->> 'status',
                   (j.snapshot ->> 'attempt')::integer, (j.snapshot ->> 'failures')::integer, h.sequence,
                   j.snapshot, (j.snapshot ->> 'createdAt')::timestamptz, (j.snapshot ->> 'updatedAt')::timestamptz,
                   (j.snapshot ->> 'completedAt')::timestamptz
            FROM unnest(?::text[], ?::bigint[]) AS latest (job_id, sequence)
            JOIN job_history h ON h.job_id = latest.job_id AND h.sequence = latest.sequence
            CROSS JOIN LATERAL (SELECT h.envelope -> 'data' -> 'job' AS snapshot) j
            ON CONFLICT (job_id) DO UPDATE SET
                tenant = EXCLUDED.tenant, job_type = EXCLUDED.job_type, status = EXCLUDED.status,
                attempt = EXCLUDED.attempt, failures = EXCLUDED.failures, sequence = EXCLUDED.sequence,
                snapshot = EXCLUDED.snapshot, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at,
                completed_at = EXCLUDED.completed_at
            WHERE jobs.sequence < EXCLUDED.sequence
            """;

    private JobsTable() {}

    /**
     * @param latest at most one event per job (ON CONFLICT DO UPDATE may not touch a row twice)
     * @return the rows inserted or moved forward
     */
    static int upsert(Connection connection, Collection<EventRow> latest) throws SQLException {
        if (latest.isEmpty()) {
            return 0;
        }
        String[] jobIds = new String[latest.size()];
        Long[] sequences = new Long[latest.size()];
        int i = 0;
        for (EventRow event : latest) {
            jobIds[i] = event.jobId();
            sequences[i++] = event.sequence();
        }
        try (PreparedStatement statement = connection.prepareStatement(UPSERT)) {
            statement.setArray(1, connection.createArrayOf("text", jobIds));
            statement.setArray(2, connection.createArrayOf("int8", sequences));
            return statement.executeUpdate();
        }
    }
}
