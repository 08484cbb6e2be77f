package io.jobline.sink;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/** Inserts {@code job_rejections}; a record already stored (same Kafka position) is left as it is. */
final class RejectionsTable {

    private static final String INSERT = """
            INSERT INTO job_rejections (topic, partition, record_offset, reason, message, status, job_id,
                                        command_id, command_type, time, record, raw)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::timestamptz, ?::jsonb, ?)
            ON CONFLICT (topic, partition, record_offset) DO NOTHING
            """;

    private RejectionsTable() {}

    /** Returns the rows inserted. */
    static int insert(Connection connection, List<RejectionRow> rejections) throws SQLException {
        if (rejections.isEmpty()) {
            return 0;
        }
        try (PreparedStatement statement = connection.prepareStatement(INSERT)) {
            for (RejectionRow row : rejections) {
                SinkRecord source = row.source();
                statement.setString(1, source.topic());
                statement.setInt(2, source.partition());
                statement.setLong(3, source.offset());
                statement.setString(4, row.reason());
                statement.setString(5, row.message());
                statement.setString(6, row.status());
                statement.setString(7, row.jobId());
                statement.setString(8, row.commandId());
                statement.setString(9, row.commandType());
                statement.setString(10, row.time());
                if (row.json()) {
                    statement.setString(11, new String(row.value(), StandardCharsets.UTF_8));
                    statement.setNull(12, Types.BINARY);
                } else {
                    statement.setNull(11, Types.VARCHAR);
                    statement.setBytes(12, row.value());
                }
                statement.addBatch();
            }
            int inserted = 0;
            for (int count : statement.executeBatch()) {
                inserted += Math.max(count, 0);
            }
            return inserted;
        }
    }
}
