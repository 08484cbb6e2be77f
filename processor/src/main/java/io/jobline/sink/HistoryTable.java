package io.jobline.sink;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * Writes {@code job_history}. The fast path is a plain COPY: measured at about twice the rate of
 * {@code INSERT ... ON CONFLICT DO NOTHING}, and safe because the writer skips records below the
 * stored offsets, so history meets no duplicate from Kafka. When one arrives all the same (an
 * offline replay into filled tables, a rewound offset) COPY fails on the unique key and the
 * writer redoes the batch with {@link #insertNew}, which keeps the rows already there.
 */
final class HistoryTable {

    private static final String COLUMNS = "(job_id, sequence, event_id, type, time, tenant, envelope)";
    private static final String STAGING = "job_history_incoming";

    private HistoryTable() {}

    /** COPY; fails with a unique violation (23505) if any event is already stored. */
    static long copy(Connection connection, List<EventRow> events) throws SQLException {
        return copyInto(connection, "job_history", events);
    }

    /** Inserts the events not stored yet, skipping the others; returns how many were new. */
    static long insertNew(Connection connection, List<EventRow> events) throws SQLException {
        if (events.isEmpty()) {
            return 0;
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TEMP TABLE " + STAGING + " (LIKE job_history) ON COMMIT DROP");
            copyInto(connection, STAGING, events);
            return statement.executeUpdate(
                    "INSERT INTO job_history SELECT * FROM " + STAGING + " ON CONFLICT DO NOTHING");
        }
    }

    private static long copyInto(Connection connection, String table, List<EventRow> events) throws SQLException {
        if (events.isEmpty()) {
            return 0;
        }
        PGCopyOutputStream stream = new PGCopyOutputStream(connection.unwrap(PGConnection.class),
                "COPY " + table + " " + COLUMNS + " FROM STDIN", 1 << 16);
        try {
            CopyText row = new CopyText(stream);
            for (EventRow event : events) {
                row.text(event.jobId())
                        .number(event.sequence())
                        .text(event.eventId())
                        .text(event.type())
                        .text(event.time())
                        .text(event.tenant())
                        .bytes(event.source().value())
                        .endRow();
            }
            return stream.endCopy();
        } catch (IOException e) {
            // The driver reports a server error during the stream as an IOException around it.
            if (stream.isActive()) {
                stream.cancelCopy();
            }
            if (e.getCause() instanceof SQLException cause) {
                throw cause;
            }
            throw new SQLException("COPY into " + table + " failed: " + e.getMessage(), "08006", e);
        }
    }
}
