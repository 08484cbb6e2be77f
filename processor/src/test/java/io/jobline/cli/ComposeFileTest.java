package io.jobline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * compose/docker-compose.yml is checked with docker-compose's own validator, which needs no
 * Docker engine; where docker-compose is not installed the test is skipped, saying so.
 */
class ComposeFileTest {

    private static final Path ROOT =
            Path.of(System.getProperty("jobline.schemas.dir"), "..").normalize();

    record Result(int exitCode, String output) {}

    private static Result compose(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                "docker-compose",
                "-f",
                ROOT.resolve("compose/docker-compose.yml").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    private static boolean dockerComposeInstalled() {
        try {
            return new ProcessBuilder("docker-compose", "version").start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void shouldBeAValidComposeFileWithTheExampleEnvironment() throws Exception {
        assumeTrue(
                dockerComposeInstalled(),
                "docker-compose is not installed (apt-get install docker-compose);"
                        + " the compose file is not validated here");
        Result result =
                compose("--env-file", ROOT.resolve("compose/.env.example").toString(), "config");
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("kafka:", "postgres:", "jobline:", "jobline-sink:", "healthcheck");
    }

    @Test
    void shouldRefuseToStartWithoutTheSecrets() throws Exception {
        assumeTrue(dockerComposeInstalled(), "docker-compose is not installed; skipped");
        Path empty = Files.createTempFile("empty", ".env");
        Result result = compose("--env-file", empty.toString(), "config", "-q");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("POSTGRES_PASSWORD");
    }
}
