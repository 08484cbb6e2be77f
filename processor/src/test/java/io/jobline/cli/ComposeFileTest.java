package io.jobline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * compose/docker-compose.yml is checked with docker-compose's own validator, which needs no
 * Docker engine; where docker-compose is not installed those tests are skipped, saying so. The
 * health checks are checked from the file itself, everywhere.
 */
class ComposeFileTest {

    private static final Path ROOT =
            Path.of(System.getProperty("jobline.schemas.dir"), "..").normalize();

    record Result(int exitCode, String output) {}

    private static Result compose(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
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
        // docker-compose's reading of "disable: true": no test, so the image's curl is not run.
        assertThat(new YAMLMapper()
                        .readTree(result.output())
                        .at("/services/jobline-sink/healthcheck/test")
                        .toString())
                .isEqualTo("[\"NONE\"]");
    }

    /**
     * The image's HEALTHCHECK curls the API port, which only the api role serves: a jobline service
     * without that role must turn it off, or it is unhealthy forever; one with it probes the API.
     * Every jobline service is restarted when it exits on a failed role.
     */
    @Test
    void shouldProbeTheApiOnlyInAServiceThatRunsIt() throws Exception {
        JsonNode services = new YAMLMapper()
                .readTree(ROOT.resolve("compose/docker-compose.yml").toFile())
                .path("services");
        List<String> jobline = new ArrayList<>();
        services.fields().forEachRemaining(service -> {
            JsonNode definition = service.getValue();
            if (!definition.path("image").asText().startsWith("jobline:")) {
                return;
            }
            jobline.add(service.getKey());
            List<String> command = new ArrayList<>();
            definition.path("command").forEach(word -> command.add(word.asText()));
            String roles = command.contains("--roles") ? command.get(command.indexOf("--roles") + 1) : "";
            assertThat(definition.path("restart").asText())
                    .as(service.getKey() + " exits 1 when a role stops for good")
                    .isEqualTo("on-failure");
            JsonNode check = definition.path("healthcheck");
            if (List.of(roles.split(",")).contains("api")) {
                assertThat(check.path("test").toString()).as(service.getKey()).contains("localhost:8080/readyz");
            } else {
                assertThat(check.path("disable").asBoolean())
                        .as(service.getKey())
                        .isTrue();
            }
        });
        assertThat(jobline).containsExactlyInAnyOrder("jobline", "jobline-sink");
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
