package io.jobline.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobline.domain.Command;
import io.jobline.domain.Lifecycle;
import io.jobline.domain.LifecyclePolicy;
import io.jobline.domain.MemoryStores;
import io.jobline.domain.TimelineEvent;
import io.jobline.schema.Schemas;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rejection examples are what the processor writes: each one's command (or raw bytes), run
 * through {@link CommandHandler} after the commands that put its job in the example's state,
 * gives the example back.
 */
class RejectionExamplesTest {

    private static final int DEFAULT_MAX_COMMAND_BYTES = 262_144;

    private static final String JOB = "report-2026-11-29";
    /** Created, scheduled, started under lease-0002: running at sequence 3. */
    private static final List<String> RUNNING = List.of(
            "{\"type\":\"job.create\",\"commandId\":\"c-create-7f3a\",\"jobId\":\"" + JOB
                    + "\",\"jobType\":\"report.render\"}",
            "{\"type\":\"job.start\",\"commandId\":\"c-start-1\",\"jobId\":\"" + JOB
                    + "\",\"workerId\":\"worker-eu-1\",\"leaseId\":\"lease-0002\"}");

    private static final List<String> COMPLETED = List.of(
            RUNNING.get(0),
            RUNNING.get(1),
            "{\"type\":\"job.complete\",\"commandId\":\"c-done-2\",\"jobId\":\"" + JOB + "\"}");

    private static final Map<String, List<String>> SETUP = Map.of(
            "already-exists", RUNNING,
            "invalid-transition", COMPLETED,
            "lease-mismatch", RUNNING,
            "sequence-conflict", RUNNING);

    /** Every valid rejection example, by name. */
    private static final List<String> EXAMPLES = List.of(
            "already-exists",
            "invalid-transition",
            "lease-mismatch",
            "malformed",
            "malformed-empty-value",
            "malformed-not-an-object",
            "schema-violation",
            "schema-violation-unreadable-ids",
            "sequence-conflict",
            "too-large",
            "unknown-job");

    static List<String> examples() {
        return EXAMPLES;
    }

    @ParameterizedTest
    @MethodSource("examples")
    void shouldBeWhatTheHandlerWrites(String name) throws IOException {
        Path file = Schemas.directory().resolve("examples/rejection/valid/" + name + ".json");
        JsonNode example = Json.MAPPER.readTree(Files.readAllBytes(file));

        assertThat(Json.MAPPER.readTree(rejectionOf(example, SETUP.getOrDefault(name, List.of()))))
                .isEqualTo(example);
    }

    @Test
    void shouldCoverEveryValidRejectionExample() throws IOException {
        try (Stream<Path> files = Files.list(Schemas.directory().resolve("examples/rejection/valid"))) {
            assertThat(files.map(f -> f.getFileName().toString().replaceFirst("\\.json$", "")))
                    .containsExactlyInAnyOrderElementsOf(EXAMPLES);
        }
    }

    /**
     * Runs {@code setup}, then the example's record (key = its jobId), through one handler and
     * returns the one rejection written.
     */
    private static byte[] rejectionOf(JsonNode example, List<String> setup) throws IOException {
        byte[] value;
        int maxCommandBytes = DEFAULT_MAX_COMMAND_BYTES;
        if (example.has("command")) {
            value = Json.MAPPER.writeValueAsBytes(example.get("command"));
        } else {
            value = Base64.getDecoder().decode(example.get("rawBase64").textValue());
            if (example.has("rawSize")) {
                // rawBase64 holds the first maxCommandBytes bytes of the record; the rest is filler.
                maxCommandBytes = value.length;
                value = Arrays.copyOf(value, example.get("rawSize").intValue());
                Arrays.fill(value, maxCommandBytes, value.length, (byte) 'A');
            }
        }
        List<byte[]> rejections = new ArrayList<>();
        CommandHandler handler =
                new CommandHandler(new MemoryStores().engine(new Lifecycle(LifecyclePolicy.DEFAULT)), maxCommandBytes);
        long time = Timestamps.parse(example.get("time").textValue());
        CommandHandler.Output output = new CommandHandler.Output() {
            @Override
            public void event(TimelineEvent event, JsonBuffer json) {}

            @Override
            public void rejection(String key, RejectionRecord rejection, byte[] bytes) {
                rejections.add(bytes);
            }

            @Override
            public void command(Command command) {}
        };
        for (String command : setup) {
            handler.handle(JOB, command.getBytes(StandardCharsets.UTF_8), time - 60_000, output);
        }
        assertThat(rejections).as("rejections of the setup").isEmpty();
        handler.handle(example.path("jobId").textValue(), value, time, output);
        assertThat(rejections).hasSize(1);
        return rejections.get(0);
    }
}
