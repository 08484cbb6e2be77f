package io.jobline.airgap;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobline.bench.TimelineWorker;
import io.jobline.cli.JoblineCli;
import io.jobline.config.JoblineConfig;
import io.jobline.domain.Command;
import io.jobline.domain.RetrySpec;
import io.jobline.embedded.EmbeddedKafka;
import io.jobline.stream.LifecycleService;
import io.jobline.stream.TopicAdmin;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The air gap end to end, on two real in-JVM brokers: a busy site runs live; its log is exported;
 * replayed offline it gives the live timeline byte for byte; imported into a second, fresh cluster
 * whose processor then runs, it gives the same timeline again. All through the launcher's commands.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AirGapIT {

    private static final int JOBS = 10_000;

    private static EmbeddedKafka siteA;
    private static EmbeddedKafka siteB;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBrokers() {
        siteA = EmbeddedKafka.start();
        siteB = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBrokers() {
        siteA.close();
        siteB.close();
    }

    @Test
    void shouldReplayAndImportALiveSiteToTheIdenticalTimeline() throws Exception {
        String run = "it-" + UUID.randomUUID().toString().substring(0, 8);
        Path configA = configFile("site-a.properties", siteA, run, Map.of());
        Path configB = configFile("site-b.properties", siteB, run, Map.of());
        JoblineConfig a = JoblineConfig.load(configA, Map.of(), Map.of());
        Path early = dir.resolve("early");
        Path bundle = dir.resolve("site-a.tar.gz");

        // 1. Live, on site A.
        TopicAdmin.ensureTopics(a);
        long start = System.nanoTime();
        try (LifecycleService processor = new LifecycleService(a, new SimpleMeterRegistry());
                SiteWorkload workload =
                        new SiteWorkload(siteA.bootstrapServers(), topic(a, "commands"), topic(a, "timeline"), JOBS)) {
            processor.start();
            workload.createAll();
            // An export while the site is busy: a consistent cut that a later import must extend, not repeat.
            assertThat(workload.runUntil(() -> workload.events() > 5_000, Duration.ofMinutes(1)))
                    .isTrue();
            assertCommand(0, "export", "--config", configA, "--topics", topic(a, "commands"), "--out", early);
            assertThat(workload.runUntilAllEnded(Duration.ofMinutes(3)))
                    .as("every job ended")
                    .isTrue();
            await(
                    "every rejection written",
                    () -> count(siteA, topic(a, "rejections")) >= workload.expectedRejections(),
                    Duration.ofMinutes(1));
            System.out.printf(
                    "live: %,d jobs, %,d events in %.1f s; endings %s; reasons %s%n",
                    JOBS, workload.events(), (System.nanoTime() - start) / 1e9, workload.endings(), workload.reasons());
            assertThat(workload.endings()).containsOnlyKeys("completed", "failed", "cancelled");
            assertThat(workload.endings()).containsEntry("failed", JOBS / 20).containsEntry("cancelled", JOBS / 10);
            assertThat(workload.reasons())
                    .containsKeys("retry", "lease_expired", "upstream_failed", "not needed", "ready");
            assertThat(count(siteA, topic(a, "rejections"))).isEqualTo(workload.expectedRejections());

            // 2. Export from the live site (it keeps running: the export is a cut at its start).
            assertCommand(0, "export", "--config", configA, "--out", bundle);
        }
        Manifest manifest = manifest(bundle);
        long liveEvents = manifest.topic(topic(a, "timeline")).orElseThrow().files().stream()
                .mapToLong(Manifest.PartitionFile::records)
                .sum();
        assertThat(liveEvents).isGreaterThan(4L * JOBS);
        assertCommand(0, "verify", "--timeline", bundle);

        // 3. Offline replay: the live timeline, byte for byte; the same rejections.
        Path timeline = dir.resolve("replayed-timeline.ndjson");
        Path rejections = dir.resolve("replayed-rejections.ndjson");
        String replayed =
                assertCommand(0, "replay", "--input", bundle, "--timeline", timeline, "--rejections", rejections);
        System.out.print(replayed);
        assertThat(assertCommand(0, "verify", "--timeline", timeline, "--against", bundle))
                .contains("equals");
        assertThat(rejectionsByKey(read(rejections))).isEqualTo(rejectionsByKey(read(bundle, topic(a, "rejections"))));

        // 4. Import into a fresh cluster, twice over (the early cut, then the whole log), then run its processor.
        assertThat(assertCommand(0, "import", "--config", configB, "--in", early))
                .contains("(0 already there)");
        String imported =
                assertCommand(0, "import", "--config", configB, "--in", bundle, "--topics", topic(a, "commands"));
        long earlyRecords = manifest(early).records();
        assertThat(imported).contains(String.format("(%,d already there)", earlyRecords));
        assertThat(assertCommand(0, "import", "--config", configB, "--in", bundle, "--topics", topic(a, "commands")))
                .startsWith("imported 0 records");
        JoblineConfig b = JoblineConfig.load(configB, Map.of(), Map.of());
        assertThat(TopicAdmin.ensureTopics(b))
                .as("the import created the commands topic; the processor's start" + " creates the others")
                .containsExactlyInAnyOrder(topic(b, "timeline"), topic(b, "rejections"));
        try (LifecycleService processor = new LifecycleService(b, new SimpleMeterRegistry())) {
            processor.start();
            await(
                    "site B rebuilt the timeline",
                    () -> count(siteB, topic(b, "timeline")) >= liveEvents,
                    Duration.ofMinutes(2));
            await("site B's processor caught up", () -> caughtUp(siteB, b), Duration.ofMinutes(1));
            assertThat(assertCommand(
                            1, "import", "--config", configB, "--in", bundle, "--topics", topic(a, "commands")))
                    .contains("is running");
            Path exportB = dir.resolve("site-b");
            assertCommand(0, "export", "--config", configB, "--topics", topic(b, "timeline"), "--out", exportB);
            assertThat(assertCommand(0, "verify", "--timeline", exportB, "--against", bundle))
                    .contains("equals");
        }
    }

    @Test
    void shouldRefuseToImportABundleWithOneChangedByteNamingTheFile() throws Exception {
        String run = "tamper-" + UUID.randomUUID().toString().substring(0, 8);
        Path config = configFile("site.properties", siteA, run, Map.of());
        JoblineConfig a = JoblineConfig.load(config, Map.of(), Map.of());
        TopicAdmin.ensureTopics(a);
        try (SiteWorkload workload =
                new SiteWorkload(siteA.bootstrapServers(), topic(a, "commands"), topic(a, "timeline"), 200)) {
            workload.createAll();
        }
        Path bundle = dir.resolve("bundle");
        assertCommand(0, "export", "--config", config, "--topics", topic(a, "commands"), "--out", bundle);
        Path file = bundle.resolve(topic(a, "commands") + "-5.ndjson");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 3] ^= 0x20;
        Files.write(file, bytes);

        String refused = assertCommand(
                1, "import", "--config", configFile("b.properties", siteB, run, Map.of()), "--in", bundle);

        assertThat(refused).contains(file.getFileName().toString()).contains("does not match its SHA-256");
        try (Admin admin = siteB.admin()) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .as("nothing was written")
                    .doesNotContain(topic(a, "commands"));
        }
    }

    @Test
    void shouldDecideSealedOfflineAsSealedLive() throws Exception {
        String run = "sealed-" + UUID.randomUUID().toString().substring(0, 8);
        Path config = configFile(
                "sealed.properties",
                siteA,
                run,
                Map.of("jobline.sealed", "true", "jobline.egress.allow", "https://api.internal,*.corp.internal:443"));
        JoblineConfig a = JoblineConfig.load(config, Map.of(), Map.of());
        TopicAdmin.ensureTopics(a);
        List<List<String>> intents = List.of(
                List.of(),
                List.of("https://api.internal"),
                List.of("evil.example:443"),
                List.of("https://api.internal", "x.corp.internal:443"),
                List.of("https://api.internal", "http://leak"));
        try (LifecycleService processor = new LifecycleService(a, new SimpleMeterRegistry());
                TimelineWorker worker = new TimelineWorker(
                                siteA.bootstrapServers(), topic(a, "commands"), topic(a, "timeline"))
                        .completeScheduledJobs()) {
            processor.start();
            for (int i = 0; i < 250; i++) {
                String id = String.format("fetch-%03d", i);
                worker.send(new Command.Create(
                        TimelineWorker.header(id),
                        "fetch",
                        null,
                        List.of(),
                        RetrySpec.NONE,
                        null,
                        null,
                        intents.get(i % intents.size())));
            }
            assertThat(worker.awaitUntil(
                            seen -> seen.stream()
                                            .filter(s -> s.type().equals("job.completed")
                                                    || s.type().equals("job.failed"))
                                            .count()
                                    == 250,
                            Duration.ofMinutes(2)))
                    .isTrue();
            assertThat(worker.seen())
                    .filteredOn(s -> s.event().at("/data/error/code").asText().equals("AIRGAP_EGRESS_BLOCKED"))
                    .hasSize(100);
        }
        Path bundle = dir.resolve("sealed.tar.gz");
        assertCommand(0, "export", "--config", config, "--out", bundle);
        assertThat(manifest(bundle).processor().policy().egress().sealed()).isTrue();

        Path timeline = dir.resolve("timeline.ndjson");
        String replayed = assertCommand(
                0,
                "replay",
                "--input",
                bundle,
                "--timeline",
                timeline,
                "--rejections",
                dir.resolve("rejections.ndjson"));
        assertThat(replayed).contains("policy from the manifest: sealed=true");
        assertThat(assertCommand(0, "verify", "--timeline", timeline, "--against", bundle))
                .contains("equals");

        // The policy is part of the input: unsealed, the same log decides otherwise, and every job records
        // the policy it was admitted under.
        assertCommand(
                0,
                "replay",
                "--input",
                bundle,
                "--sealed=false",
                "--timeline",
                timeline,
                "--rejections",
                dir.resolve("rejections.ndjson"));
        assertThat(assertCommand(1, "verify", "--timeline", timeline, "--against", bundle))
                .contains("250 job(s) diverge");
    }

    // ---- helpers --------------------------------------------------------------------------------

    private Path configFile(String name, EmbeddedKafka broker, String run, Map<String, String> extra)
            throws IOException {
        Properties props = new Properties();
        props.put("jobline.bootstrap.servers", broker.bootstrapServers());
        props.put("jobline.application.id", "airgap-" + run);
        props.put("jobline.topic.commands", "commands-" + run);
        props.put("jobline.topic.timeline", "timeline-" + run);
        props.put("jobline.topic.rejections", "rejections-" + run);
        props.put("jobline.state.dir", Files.createTempDirectory(dir, "state-").toString());
        props.put("jobline.timer.interval.ms", "50");
        props.put("jobline.commit.interval.ms", "100");
        props.putAll(extra);
        Path file = dir.resolve(name);
        try (var out = Files.newBufferedWriter(file)) {
            props.store(out, null);
        }
        return file;
    }

    private static String topic(JoblineConfig config, String which) {
        return switch (which) {
            case "commands" -> config.get(JoblineConfig.COMMANDS_TOPIC);
            case "timeline" -> config.get(JoblineConfig.TIMELINE_TOPIC);
            default -> config.get(JoblineConfig.REJECTIONS_TOPIC);
        };
    }

    /** Runs a launcher command in this JVM; asserts its exit status and returns what it printed. */
    private static String assertCommand(int expectedExit, Object... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = JoblineCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] strings = java.util.Arrays.stream(args).map(String::valueOf).toArray(String[]::new);
        int exit = cli.execute(strings);
        assertThat(exit)
                .as("jobline %s%nstdout: %s%nstderr: %s", String.join(" ", strings), out, err)
                .isEqualTo(expectedExit);
        return out + err.toString();
    }

    private static Manifest manifest(Path bundle) {
        try (Bundle opened = Bundle.open(bundle)) {
            return opened.manifest();
        }
    }

    private static List<LogRecord> read(Path file) {
        return AirGapFixtures.read(file);
    }

    private static List<LogRecord> read(Path bundle, String topic) {
        List<LogRecord> records = new ArrayList<>();
        try (LogInput input = LogInput.open(bundle, m -> topic)) {
            input.forEach(records::add);
        }
        return records;
    }

    /**
     * Rejections by key, each key's values in order. Rejections of different jobs interleave by
     * commit order across partitions, and an unreadable command's (null key) may land on any
     * partition, so only each key's own order is compared.
     */
    private static Map<String, List<String>> rejectionsByKey(List<LogRecord> rejections) {
        Map<String, List<String>> byKey = new java.util.TreeMap<>();
        for (LogRecord r : rejections) {
            String partition = r.key() == null ? "" : "@" + r.partition();
            byKey.computeIfAbsent(r.keyString() + partition, k -> new ArrayList<>())
                    .add(r.timestamp() + " " + new String(r.value(), java.nio.charset.StandardCharsets.UTF_8));
        }
        byKey.values().forEach(values -> {
            if (values.size() > 1) {
                values.sort(null);
            }
        });
        return byKey;
    }

    /** The committed records of {@code topic}, counted from its start to its last stable offset. */
    private static long count(EmbeddedKafka broker, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long records = 0;
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                records += consumer.poll(Duration.ofMillis(200)).count();
            }
            return records;
        }
    }

    /** Whether the processor has read every committed record of its commands topic. */
    private static boolean caughtUp(EmbeddedKafka broker, JoblineConfig config) {
        try (Admin admin = broker.admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                            config.get(JoblineConfig.APPLICATION_ID))
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            for (int p = 0; p < config.get(JoblineConfig.TOPIC_PARTITIONS); p++) {
                latest.put(new TopicPartition(config.get(JoblineConfig.COMMANDS_TOPIC), p), OffsetSpec.latest());
            }
            var ends = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            for (var entry : ends.entrySet()) {
                OffsetAndMetadata at = committed.get(entry.getKey());
                if (entry.getValue().offset() > 0
                        && (at == null || at.offset() < entry.getValue().offset())) {
                    return false;
                }
            }
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static void await(String what, BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(100); // polling a condition, not waiting for time to pass
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UncheckedIOException(new IOException(e));
            }
        }
    }
}
