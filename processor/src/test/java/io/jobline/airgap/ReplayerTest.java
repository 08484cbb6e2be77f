package io.jobline.airgap;

import static io.jobline.airgap.AirGapFixtures.read;
import static io.jobline.airgap.AirGapFixtures.runEverything;
import static io.jobline.airgap.AirGapFixtures.writePlain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobline.config.JoblineConfig;
import io.jobline.schema.SchemaName;
import io.jobline.schema.Schemas;
import io.jobline.wire.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Offline replay against the real topology: the log the processor read, replayed with no broker,
 * gives its timeline and rejections record for record (key, value bytes, timestamp, headers).
 */
class ReplayerTest {

    private static final JoblineConfig OPEN = JoblineConfig.defaults();

    private static LiveSite live;

    @TempDir
    Path dir;

    @BeforeAll
    static void runTheLiveSite() {
        live = runEverything(new LiveSite(OPEN));
    }

    @AfterAll
    static void closeTheLiveSite() {
        live.close();
    }

    @ParameterizedTest(name = "{0} thread(s)")
    @ValueSource(ints = {1, 2, 3})
    void shouldReplayAPlainLogToTheLiveTimelineAndRejectionsByteForByte(int threads) {
        Replayer.Result result = replay(
                writePlain(dir.resolve("commands.ndjson"), live.commandsLog()), ProcessorPolicy.from(OPEN), 1, threads);

        assertSameRecords(read(dir.resolve("timeline.ndjson")), live.timeline());
        assertSameRecords(read(dir.resolve("rejections.ndjson")), live.rejections());
        assertThat(result.events()).isEqualTo(live.timeline().size());
        assertThat(live.rejections())
                .extracting(r -> reason(r.value()))
                .contains("malformed", "schema_violation", "too_large", "invalid_transition", "unknown_job");
        assertThat(live.timeline())
                .extracting(r -> type(r.value()))
                .contains(
                        "job.created", "job.scheduled", "job.started", "job.failed", "job.completed", "job.cancelled");
    }

    @Test
    void shouldReplayABundleToTheLiveTimeline() {
        Path bundle = AirGapFixtures.writeBundle(
                dir.resolve("bundle"), "jobline.commands", 1, live.commandsLog(), ProcessorPolicy.from(OPEN));

        replay(bundle, ProcessorPolicy.from(OPEN), 1, 2);

        assertSameRecords(read(dir.resolve("timeline.ndjson")), live.timeline());
        assertSameRecords(read(dir.resolve("rejections.ndjson")), live.rejections());
    }

    @Test
    void shouldReportTheCommandsReplayedOfTheBundlesCount() {
        Path bundle = AirGapFixtures.writeBundle(
                dir.resolve("bundle"), "jobline.commands", 3, live.commandsLog(), ProcessorPolicy.from(OPEN));
        List<TransferProgress.Snapshot> reports = new CopyOnWriteArrayList<>();
        Replayer replayer = new Replayer(settings(ProcessorPolicy.from(OPEN), 3, 2), reports::add, 0);

        Replayer.Result result;
        try (LogInput commands =
                LogInput.open(bundle, manifest -> manifest.processor().commandsTopic())) {
            result = replayer.replay(commands, dir.resolve("timeline.ndjson"), dir.resolve("rejections.ndjson"));
        }

        assertThat(reports)
                .isNotEmpty()
                .extracting(TransferProgress.Snapshot::count)
                .isSorted();
        TransferProgress.Snapshot last = reports.get(reports.size() - 1);
        assertThat(last.count())
                .isEqualTo(result.commands())
                .isEqualTo(live.commandsLog().size());
        assertThat(last.expected()).isEqualTo(live.commandsLog().size());
        assertThat(last.bytes())
                .isEqualTo(live.commandsLog().stream()
                        .mapToLong(LogRecord::payloadBytes)
                        .sum());
    }

    @ParameterizedTest(name = "{0} thread(s)")
    @ValueSource(ints = {1, 2})
    void shouldReplayAPlainLogWhoseRecordsNameAPartitionFarBeyondTheCount(int threads) {
        List<LogRecord> named = new ArrayList<>();
        live.commandsLog()
                .forEach(r -> named.add(new LogRecord(
                        null, Integer.MAX_VALUE, LogRecord.NO_OFFSET, r.timestamp(), r.key(), r.value(), r.headers())));
        Path commands = AirGapFixtures.write(dir.resolve("commands.ndjson"), named);

        Replayer.Result result = replay(commands, ProcessorPolicy.from(OPEN), 1, threads);

        assertThat(result.partitions()).isEqualTo(1);
        assertSameRecords(read(dir.resolve("timeline.ndjson")), live.timeline());
    }

    /** A partition count as large as Kafka's int allows: it used to size an array per worker (an OutOfMemoryError). */
    @ParameterizedTest(name = "{0} thread(s)")
    @ValueSource(ints = {1, 2})
    void shouldReplayAPlainLogOfAsManyPartitionsAsAnIntCounts(int threads) {
        Path commands = writePlain(dir.resolve("commands.ndjson"), live.commandsLog());

        Replayer.Result result = replay(commands, ProcessorPolicy.from(OPEN), Integer.MAX_VALUE, threads);

        assertThat(result.commands()).isEqualTo(live.commandsLog().size());
        assertThat(result.events()).isEqualTo(live.timeline().size());
    }

    @ParameterizedTest(name = "{0} thread(s)")
    @ValueSource(ints = {1, 2})
    void shouldLeaveThePreviousOutputInPlaceWhenAReplayFails(int threads) throws IOException {
        Path commands = writePlain(dir.resolve("commands.ndjson"), live.commandsLog());
        replay(commands, ProcessorPolicy.from(OPEN), 1, threads);
        byte[] before = Files.readAllBytes(dir.resolve("timeline.ndjson"));
        Files.writeString(commands, "{\"timestamp\":1,\"value\":\"cut short\n", StandardOpenOption.APPEND);

        assertThatThrownBy(() -> replay(commands, ProcessorPolicy.from(OPEN), 1, threads))
                .isInstanceOf(AirGapException.class)
                .hasMessageContaining("commands.ndjson line");
        assertThat(dir.resolve("timeline.ndjson")).hasBinaryContent(before);
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("commands.ndjson", "timeline.ndjson", "rejections.ndjson");
        }
    }

    @Test
    void shouldReadRecordedCommandsFromTheLogAndNeverMakeItsOwn() {
        List<LogRecord> withoutRecorded = live.commandsLog().stream()
                .filter(r -> r.value() == null || !type(r.value()).matches("timer\\.fire|dependency\\..*"))
                .toList();

        replay(writePlain(dir.resolve("commands.ndjson"), withoutRecorded), ProcessorPolicy.from(OPEN), 1, 1);

        // Without the log's timer fires and dependency answers nothing retries, expires or unblocks.
        List<String> types = read(dir.resolve("timeline.ndjson")).stream()
                .map(r -> type(r.value()) + " " + new String(r.key(), StandardCharsets.UTF_8))
                .toList();
        assertThat(types)
                .doesNotContain("job.scheduled c", "job.cancelled c", "job.scheduled e")
                .contains("job.created c", "job.created e");
        assertThat(read(dir.resolve("timeline.ndjson")).size())
                .isLessThan(live.timeline().size());
    }

    @Test
    void shouldWriteEachRecordToThePartitionTheLiveProcessorWould() {
        replay(writePlain(dir.resolve("commands.ndjson"), live.commandsLog()), ProcessorPolicy.from(OPEN), 12, 2);

        List<LogRecord> timeline = read(dir.resolve("timeline.ndjson"));
        assertThat(timeline).allSatisfy(r -> assertThat(r.partition()).isEqualTo(Partitioning.forKey(r.key(), 12)));
        // Per job, twelve partitions decide exactly as one: only the jobs' interleaving differs.
        assertThat(byJob(timeline)).isEqualTo(byJob(live.timeline()));
        // A rejection without a key (an unreadable command) stays on its command's partition; live, Kafka's
        // partitioner may put it on any.
        assertThat(read(dir.resolve("rejections.ndjson")))
                .allSatisfy(r -> assertThat(r.partition())
                        .isEqualTo(r.key() == null ? r.partition() : Partitioning.forKey(r.key(), 12))
                        .isBetween(0, 11));
    }

    @Test
    void shouldWriteRecordsThatMatchTheirSchemas() throws IOException {
        replay(writePlain(dir.resolve("commands.ndjson"), live.commandsLog()), ProcessorPolicy.from(OPEN), 12, 2);

        for (String line : Files.readAllLines(dir.resolve("timeline.ndjson"))) {
            Schemas.assertValid(SchemaName.EXPORT_RECORD, Json.MAPPER.readTree(line));
        }
        for (LogRecord record : read(dir.resolve("rejections.ndjson"))) {
            Schemas.assertValid(SchemaName.REJECTION, Json.MAPPER.readTree(record.value()));
        }
    }

    @Test
    void shouldDecideSealedOfflineAsSealedLive() {
        try (LiveSite sealedLive = runEverything(new LiveSite(AirGapFixtures.sealedConfig()))) {
            Path commands = writePlain(dir.resolve("commands.ndjson"), sealedLive.commandsLog());

            replay(commands, ProcessorPolicy.from(AirGapFixtures.sealedConfig()), 1, 2);
            assertSameRecords(read(dir.resolve("timeline.ndjson")), sealedLive.timeline());
            assertThat(byJob(sealedLive.timeline()).get("h")).anyMatch(v -> v.contains("AIRGAP_EGRESS_BLOCKED"));
            assertThat(byJob(sealedLive.timeline()).get("g")).noneMatch(v -> v.contains("AIRGAP_EGRESS_BLOCKED"));

            // The same log under the open policy decides otherwise: the policy is part of the input.
            replay(commands, ProcessorPolicy.from(OPEN), 1, 2);
            assertThat(byJob(read(dir.resolve("timeline.ndjson"))).get("h"))
                    .noneMatch(v -> v.contains("AIRGAP_EGRESS_BLOCKED"));
        }
    }

    private Replayer.Result replay(Path input, ProcessorPolicy policy, int partitions, int threads) {
        Replayer replayer = new Replayer(settings(policy, partitions, threads));
        try (LogInput commands =
                LogInput.open(input, manifest -> manifest.processor().commandsTopic())) {
            return replayer.replay(commands, dir.resolve("timeline.ndjson"), dir.resolve("rejections.ndjson"));
        }
    }

    private static Replayer.Settings settings(ProcessorPolicy policy, int partitions, int threads) {
        return new Replayer.Settings(
                policy, "jobline.timeline", "jobline.rejections", partitions, partitions, partitions, threads);
    }

    static void assertSameRecords(List<LogRecord> actual, List<LogRecord> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            LogRecord e = expected.get(i);
            LogRecord a = actual.get(i);
            assertThat(new String(a.value(), StandardCharsets.UTF_8))
                    .as("value of record %d", i)
                    .isEqualTo(new String(e.value(), StandardCharsets.UTF_8));
            assertThat(a.key()).as("key of record %d", i).isEqualTo(e.key());
            assertThat(a.timestamp()).as("timestamp of record %d", i).isEqualTo(e.timestamp());
            assertThat(a.topic()).as("topic of record %d", i).isEqualTo(e.topic());
            assertThat(a.partition()).as("partition of record %d", i).isEqualTo(e.partition());
            assertThat(a.headers()).as("headers of record %d", i).hasSameSizeAs(e.headers());
            for (int h = 0; h < e.headers().size(); h++) {
                assertThat(a.headers().get(h).key())
                        .isEqualTo(e.headers().get(h).key());
                assertThat(a.headers().get(h).value())
                        .isEqualTo(e.headers().get(h).value());
            }
        }
    }

    private static Map<String, List<String>> byJob(List<LogRecord> timeline) {
        Map<String, List<String>> events = new LinkedHashMap<>();
        timeline.forEach(
                r -> events.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
                        .add(new String(r.value(), StandardCharsets.UTF_8)));
        return events;
    }

    private static String type(byte[] json) {
        try {
            return Json.MAPPER.readTree(json).path("type").asText();
        } catch (IOException e) {
            return "";
        }
    }

    private static String reason(byte[] json) {
        try {
            return Json.MAPPER.readTree(json).path("reason").asText();
        } catch (IOException e) {
            return "";
        }
    }
}
