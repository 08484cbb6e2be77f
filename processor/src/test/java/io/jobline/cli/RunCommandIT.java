package io.jobline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobline.sink.Migrations;
import io.jobline.testing.KafkaBrokerExtension;
import io.jobline.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code ./jobline run} as a supervisor sees it, a separate process: a role that stops for good
 * ends the process with exit 1, naming the role and why, rather than leaving it alive and idle.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class RunCommandIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void shouldExitOneNamingTheSinkWhenTheSinkRoleAloneStopsForGood() throws Exception {
        try (TestDatabase database = TestDatabase.create()) {
            // A schema whose migration differs from jobline's own: the sink refuses to write to it.
            Migrations.apply(database.dataSource(), database.schema());
            database.execute("UPDATE " + database.schema()
                    + ".flyway_schema_history SET checksum = checksum + 1 WHERE version = '1'");
            Path log = Files.createTempFile("jobline-run-it", ".log");
            List<String> command = new ArrayList<>(List.of(
                    DevModeIT.launcher().toString(),
                    "run",
                    "--roles",
                    "sink",
                    "--bootstrap",
                    KAFKA.bootstrapServers()));
            database.settings().forEach((key, value) -> command.addAll(List.of("--set", key + "=" + value)));

            Process run = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            try {
                assertThat(run.waitFor(3, TimeUnit.MINUTES))
                        .as("exited by itself; log:%n%s", DevModeIT.read(log))
                        .isTrue();
            } finally {
                run.destroyForcibly();
            }

            String output = DevModeIT.read(log);
            assertThat(run.exitValue()).as("exit code; log:%n%s", output).isEqualTo(1);
            assertThat(output)
                    .contains("jobline run: sink started")
                    .contains("jobline run: the sink role stopped: ")
                    .contains("does not match jobline's migrations")
                    .contains("jobline run: stopped");
        }
    }
}
