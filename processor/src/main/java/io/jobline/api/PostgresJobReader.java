package io.jobline.api;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Reads a job from the sink's {@code jobs} table, for an API instance that runs no processor. It
 * trails the state store by the sink's lag.
 */
public final class PostgresJobReader implements JobReader {

    private final DataSource dataSource;

    public PostgresJobReader(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Optional<Snapshot> find(String jobId, String authorization, boolean forwarded) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement =
                        connection.prepareStatement("select tenant, snapshot::text from jobs where job_id = ?")) {
            statement.setString(1, jobId);
            try (ResultSet row = statement.executeQuery()) {
                return row.next()
                        ? Optional.of(
                                new Snapshot(row.getString(1), row.getString(2).getBytes(StandardCharsets.UTF_8)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw Problem.of(
                            503,
                            "database-unavailable",
                            "Service Unavailable",
                            "PostgreSQL did not answer: " + e.getMessage())
                    .exception();
        }
    }
}
