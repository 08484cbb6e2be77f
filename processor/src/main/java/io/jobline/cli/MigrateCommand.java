package io.jobline.cli;

import com.zaxxer.hikari.HikariDataSource;
import io.jobline.config.ConfigKey;
import io.jobline.config.JoblineConfig;
import io.jobline.sink.DataSources;
import io.jobline.sink.Migrations;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.flywaydb.core.api.FlywayException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "migrate",
        mixinStandardHelpOptions = true,
        description = {
            "Applies jobline's PostgreSQL migrations.",
            "",
            "Runs the versioned SQL in the jar (with Flyway) against the configured",
            "schema, creating it when missing, and prints what it applied. The sink",
            "applies them too when it starts; run this first to migrate with a more",
            "privileged user than the sink's. The password comes from jobline.db.password",
            "(JOBLINE_DB_PASSWORD or --config), never from a flag."
        },
        footer = {
            "",
            "Examples:",
            "  jobline migrate --db-url jdbc:postgresql://db:5432/jobline --db-user owner",
            "  jobline migrate --config jobline.properties --db-schema jobline"
        })
final class MigrateCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions configOptions;

    @Option(names = "--db-url", paramLabel = "JDBC_URL", description = "PostgreSQL JDBC URL (jobline.db.url).")
    String dbUrl;

    @Option(names = "--db-user", paramLabel = "USER", description = "PostgreSQL user (jobline.db.user).")
    String dbUser;

    @Option(names = "--db-schema", paramLabel = "SCHEMA", description = "Schema to migrate (jobline.db.schema).")
    String dbSchema;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Map<String, String> overrides = new LinkedHashMap<>();
        putIfSet(overrides, JoblineConfig.DB_URL, dbUrl);
        putIfSet(overrides, JoblineConfig.DB_USER, dbUser);
        putIfSet(overrides, JoblineConfig.DB_SCHEMA, dbSchema);
        JoblineConfig config = configOptions.load(overrides);
        String schema = config.get(JoblineConfig.DB_SCHEMA);
        PrintWriter out = spec.commandLine().getOut();
        try (HikariDataSource dataSource = DataSources.create(config, "jobline-migrate")) {
            Migrations.Report report = Migrations.apply(dataSource, schema);
            report.applied().forEach(migration -> out.printf("schema %s: applied %s%n", schema, migration));
            out.printf(
                    "schema %s at version %s%s%n",
                    schema, report.versionAfter(), report.applied().isEmpty() ? ": nothing to apply" : "");
        } catch (FlywayException e) {
            throw new IllegalStateException(
                    "cannot migrate schema " + schema + " at " + DataSources.describe(config.get(JoblineConfig.DB_URL))
                            + ": " + e.getMessage(),
                    e);
        }
        return 0;
    }

    private static void putIfSet(Map<String, String> overrides, ConfigKey<String> key, String value) {
        if (value != null) {
            overrides.put(key.name(), value);
        }
    }
}
