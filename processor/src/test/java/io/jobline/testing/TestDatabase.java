package io.jobline.testing;

import com.zaxxer.hikari.HikariDataSource;
import io.jobline.config.JoblineConfig;
import io.jobline.sink.DataSources;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * A fresh PostgreSQL schema for one test, dropped on {@link #close()}. The server is the one
 * {@code JOBLINE_TEST_DB_URL} names (a JDBC URL; {@code .ci/run} sets it to the machine's
 * PostgreSQL), else an embedded PostgreSQL started once per JVM. Tests sharing a server never see
 * each other's tables.
 */
public final class TestDatabase implements AutoCloseable {

    public static final String URL_ENV = "JOBLINE_TEST_DB_URL";
    private static final String USER = "postgres";

    /** The JDBC URL of the server every TestDatabase of this JVM uses. */
    private static String serverUrl;

    private final String url;
    private final String schema;
    private final JoblineConfig config;
    private final HikariDataSource dataSource;

    private TestDatabase(String url, String schema) {
        this.url = url;
        this.schema = schema;
        this.config = JoblineConfig.of(settings());
        this.dataSource = DataSources.create(config, "jobline-test");
    }

    /** A new, empty schema {@code t_<random>} on the test server. */
    public static TestDatabase create() {
        return on(serverUrl());
    }

    /** A new, empty schema on the server at {@code url}, for a test that owns its server. */
    public static TestDatabase on(String url) {
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        execute(url, "CREATE SCHEMA " + schema);
        return new TestDatabase(url, schema);
    }

    /** Whether the tests run against an external server rather than the embedded one. */
    public static boolean isExternal() {
        return System.getenv(URL_ENV) != null && !System.getenv(URL_ENV).isBlank();
    }

    private static synchronized String serverUrl() {
        if (serverUrl == null) {
            serverUrl = isExternal() ? System.getenv(URL_ENV) : startEmbedded();
        }
        return serverUrl;
    }

    private static String startEmbedded() {
        try {
            // Stopped by the library's shutdown hook when the JVM exits.
            return EmbeddedPostgres.builder().start().getJdbcUrl(USER, "postgres");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
        }
    }

    public String schema() {
        return schema;
    }

    /** jobline's configuration pointing at this schema. */
    public JoblineConfig config() {
        return config;
    }

    /** The settings that point jobline at this schema, to merge into a test's own. */
    public Map<String, String> settings() {
        return Map.of(
                JoblineConfig.DB_URL.name(), url,
                JoblineConfig.DB_USER.name(), USER,
                JoblineConfig.DB_SCHEMA.name(), schema,
                JoblineConfig.DB_POOL_SIZE.name(), "4");
    }

    /** {@link #config()} with more settings, e.g. the Kafka side of a test. */
    public JoblineConfig config(Map<String, String> more) {
        return config.with(more);
    }

    /** A small pool on this schema (search path set to it). */
    public HikariDataSource dataSource() {
        return dataSource;
    }

    /** Rows of a query as lists of column values, for assertions. */
    public List<List<Object>> rows(String sql) {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet results = statement.executeQuery(sql)) {
            ResultSetMetaData meta = results.getMetaData();
            List<List<Object>> rows = new ArrayList<>();
            while (results.next()) {
                List<Object> row = new ArrayList<>(meta.getColumnCount());
                for (int column = 1; column <= meta.getColumnCount(); column++) {
                    row.add(results.getObject(column));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("query failed: " + sql, e);
        }
    }

    /** The single value of a one-row, one-column query. */
    public Object value(String sql) {
        List<List<Object>> rows = rows(sql);
        if (rows.size() != 1 || rows.get(0).size() != 1) {
            throw new IllegalStateException("not one value: " + sql + " gave " + rows);
        }
        return rows.get(0).get(0);
    }

    public long count(String table) {
        return ((Number) value("SELECT count(*) FROM " + table)).longValue();
    }

    public void execute(String sql) {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("statement failed: " + sql, e);
        }
    }

    @Override
    public void close() {
        dataSource.close();
        execute(url, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    private static void execute(String url, String sql) {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        try (Connection connection = DriverManager.getConnection(url, properties);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("statement failed on the test server: " + sql, e);
        }
    }
}
