package io.jobline.api;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Lists and histories from the sink's tables ({@code db/migration}). Lists page by keyset on
 * (updated_at, job_id), newest first, so a page costs the same however deep it is; the cursor is
 * that pair of the page's last row, opaque to clients.
 */
public final class PostgresJobQueries implements JobQueries {

    private final DataSource dataSource;

    public PostgresJobQueries(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Page list(String tenant, String status, String jobType, int limit, String cursor) {
        StringBuilder sql = new StringBuilder("select snapshot::text, updated_at, job_id from jobs where true");
        List<Object> params = new ArrayList<>();
        filter(sql, params, "tenant", tenant);
        filter(sql, params, "status", status);
        filter(sql, params, "job_type", jobType);
        if (cursor != null) {
            Cursor after = Cursor.decode(cursor);
            sql.append(" and (updated_at, job_id) < (?, ?)");
            params.add(Timestamp.from(after.updatedAt()));
            params.add(after.jobId());
        }
        sql.append(" order by updated_at desc, job_id desc limit ?");
        params.add(limit + 1); // one more tells whether there is a next page
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < params.size(); i++) {
                statement.setObject(i + 1, params.get(i));
            }
            List<byte[]> jobs = new ArrayList<>(limit);
            String last = null;
            boolean more = false;
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    if (jobs.size() == limit) {
                        more = true;
                        break;
                    }
                    jobs.add(rows.getString(1).getBytes(StandardCharsets.UTF_8));
                    last = new Cursor(rows.getTimestamp(2).toInstant(), rows.getString(3)).encode();
                }
            }
            return new Page(jobs, more ? last : null);
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    @Override
    public Optional<List<byte[]>> history(String jobId, String tenant) {
        String sql = "select envelope::text from job_history where job_id = ?"
                + (tenant != null ? " and tenant = ?" : "") + " order by sequence";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, jobId);
            if (tenant != null) {
                statement.setString(2, tenant);
            }
            List<byte[]> events = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    events.add(rows.getString(1).getBytes(StandardCharsets.UTF_8));
                }
            }
            return events.isEmpty() ? Optional.empty() : Optional.of(events);
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    @Override
    public boolean isReachable() {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private static void filter(StringBuilder sql, List<Object> params, String column, String value) {
        if (value != null && !value.isBlank()) {
            sql.append(" and ").append(column).append(" = ?");
            params.add(value);
        }
    }

    private static Problem.ProblemException unavailable(SQLException e) {
        return Problem.of(
                        503,
                        "database-unavailable",
                        "Service Unavailable",
                        "PostgreSQL did not answer: " + e.getMessage())
                .exception();
    }

    /** Where a page ended: the last row's (updated_at, job_id). */
    record Cursor(Instant updatedAt, String jobId) {
        String encode() {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString((updatedAt + "|" + jobId).getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String cursor) {
            try {
                String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                int bar = text.indexOf('|');
                return new Cursor(Instant.parse(text.substring(0, bar)), text.substring(bar + 1));
            } catch (RuntimeException e) {
                throw Problem.of(400, "bad-parameter", "Bad Request", "not a cursor this API gave out: " + cursor)
                        .exception();
            }
        }
    }
}
