package io.jobline.sink;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.jobline.config.JoblineConfig;
import java.time.Duration;

/** The HikariCP pool for PostgreSQL, from jobline's configuration. */
public final class DataSources {

    // A caller waiting for a connection while PostgreSQL is down should fail fast and back off,
    // not hang for Hikari's default 30 s: the sink reports not-ready in between.
    private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);
    // A batch takes well under a second; a socket silent this long is a dead server or network.
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(120);

    private DataSources() {}

    /** {@code url} for a message or a log: without its parameters, which may hold the password. */
    public static String describe(String url) {
        int parameters = url.indexOf('?');
        return parameters < 0 ? url : url.substring(0, parameters) + "?…";
    }

    /**
     * A pool whose connections use the configured schema ({@code jobline.db.schema}) as search
     * path. It opens even when PostgreSQL is unreachable: callers retry, they do not fail to start.
     *
     * @param applicationName shown in {@code pg_stat_activity}, so operators can tell jobline's roles apart
     */
    public static HikariDataSource create(JoblineConfig config, String applicationName) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("jobline-" + applicationName);
        hikari.setJdbcUrl(config.get(JoblineConfig.DB_URL));
        hikari.setUsername(config.get(JoblineConfig.DB_USER));
        String password = config.get(JoblineConfig.DB_PASSWORD);
        if (!password.isEmpty()) {
            hikari.setPassword(password);
        }
        hikari.setSchema(config.get(JoblineConfig.DB_SCHEMA));
        hikari.setMaximumPoolSize(config.get(JoblineConfig.DB_POOL_SIZE));
        hikari.setMinimumIdle(1);
        hikari.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        hikari.setInitializationFailTimeout(-1);
        hikari.addDataSourceProperty("ApplicationName", applicationName);
        hikari.addDataSourceProperty("tcpKeepAlive", "true");
        hikari.addDataSourceProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT.toSeconds()));
        return new HikariDataSource(hikari);
    }
}
