package io.jobline.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobline.cli.JoblineCli;
import io.jobline.config.JoblineConfig;
import io.jobline.testing.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** {@code jobline migrate} in-process against a real PostgreSQL. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MigrateCommandIT {

    @Test
    void shouldCreateTheTablesOnceAndSayWhatItApplied() {
        try (TestDatabase database = TestDatabase.create()) {
            String[] args = {
                "migrate",
                "--db-url",
                database.config().get(JoblineConfig.DB_URL),
                "--db-user",
                "postgres",
                "--db-schema",
                database.schema()
            };

            Run first = run(args);
            Run second = run(args);

            assertThat(first.exitCode()).isZero();
            assertThat(first.out())
                    .contains("schema " + database.schema() + ": applied V1 sink tables")
                    .contains("at version 1");
            assertThat(second.exitCode()).isZero();
            assertThat(second.out()).contains("at version 1: nothing to apply").doesNotContain("applied V1");
            assertThat(database.rows("SELECT table_name FROM information_schema.tables WHERE table_schema = '"
                            + database.schema() + "' ORDER BY 1"))
                    .extracting(row -> row.get(0))
                    .containsExactly("flyway_schema_history", "job_history", "job_rejections", "jobs", "sink_offsets");
            assertThat(database.rows("SELECT indexname FROM pg_indexes WHERE schemaname = '" + database.schema()
                            + "' AND tablename = 'jobs'"))
                    .extracting(row -> row.get(0))
                    .containsExactlyInAnyOrder("jobs_pkey", "jobs_by_tenant_status_updated");
        }
    }

    @Test
    void shouldDescribeItsOptionsInItsHelp() {
        Run help = run("migrate", "--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--db-url", "--db-user", "--db-schema", "--config");
    }

    private record Run(int exitCode, String out) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine commandLine = JoblineCli.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        return new Run(commandLine.execute(args), out.toString());
    }
}
