package io.jobline.airgap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobline.config.JoblineConfig;
import io.jobline.embedded.EmbeddedKafka;
import io.jobline.stream.TopicAdmin;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Export and import on real brokers: records of every shape survive the trip byte for byte on
 * their partitions, and an import that dies half-way resumes without writing anything twice.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ImportIT {

    private static final int RECORDS = 5_000;

    private static EmbeddedKafka source;
    private static EmbeddedKafka target;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBrokers() {
        source = EmbeddedKafka.start();
        target = EmbeddedKafka.start();
    }

    /** A topic of its own on the source broker, so that tests share nothing. */
    private static String newTopic(int partitions) {
        String topic = "log-" + UUID.randomUUID().toString().substring(0, 8);
        source.createTopics(partitions, topic);
        return topic;
    }

    @AfterAll
    static void stopBrokers() {
        source.close();
        target.close();
    }

    @Test
    void shouldResumeAnImportThatDiedHalfWayWithoutWritingAnythingTwice() throws Exception {
        String topic = newTopic(2);
        produce(topic);
        Path bundle = export(source, topic, dir.resolve("bundle"));
        assertThat(manifestOf(bundle).records()).isEqualTo(RECORDS);

        // A bundle whose partition 0 breaks at line 2,500, sealed with matching digests: the import dies there.
        Path broken = breakLine(bundle, topic + "-0.ndjson", 2_500, dir.resolve("broken"));
        try (Bundle opened = Bundle.open(broken)) {
            assertThatThrownBy(() -> importer(1_000).importBundle(opened, List.of()))
                    .isInstanceOf(AirGapException.class)
                    .hasMessageContaining(topic + "-0.ndjson line 2500");
        }
        Path halfway = export(target, topic, dir.resolve("halfway"));
        assertThat(manifestOf(halfway).records())
                .as("two transactions of 1,000 committed, the third aborted")
                .isEqualTo(2_000);

        Importer.Result resumed;
        try (Bundle opened = Bundle.open(bundle)) {
            resumed = importer(1_000).importBundle(opened, List.of());
        }
        assertThat(resumed.skipped()).isEqualTo(2_000);
        assertThat(resumed.written()).isEqualTo(RECORDS - 2_000);
        try (Bundle opened = Bundle.open(bundle)) {
            assertThat(importer(1_000).importBundle(opened, List.of()).written())
                    .isZero();
        }

        Path copy = export(target, topic, dir.resolve("copy"));
        for (int partition = 0; partition < 2; partition++) {
            List<LogRecord> original = records(bundle, topic, partition);
            List<LogRecord> imported = records(copy, topic, partition);
            assertThat(imported).hasSameSizeAs(original);
            for (int i = 0; i < original.size(); i++) {
                LogRecord o = original.get(i);
                LogRecord c = imported.get(i);
                assertThat(c.key()).isEqualTo(o.key());
                assertThat(c.value()).isEqualTo(o.value());
                assertThat(c.timestamp()).isEqualTo(o.timestamp());
                assertThat(c.headers())
                        .usingRecursiveFieldByFieldElementComparator()
                        .isEqualTo(o.headers());
            }
        }
    }

    @Test
    void shouldRefuseToImportABundleIntoTheClusterItCameFrom() throws Exception {
        String topic = newTopic(1);
        Path bundle = export(source, topic, dir.resolve("bundle"));
        Importer importer = new Importer(
                new Importer.Settings(client(source), 1, "jobline", 1_000), TransferProgress.Listener.NONE);

        try (Bundle opened = Bundle.open(bundle)) {
            assertThatThrownBy(() -> importer.importBundle(opened, List.of()))
                    .hasMessageContaining("exported from this very cluster");
        }
    }

    @Test
    void shouldRefuseATargetTopicThatWouldRestampTheRecords() throws Exception {
        String topic = newTopic(1);
        Path bundle = export(source, topic, dir.resolve("bundle"));
        try (Admin admin = target.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                            .configs(Map.of("message.timestamp.type", "LogAppendTime"))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }

        try (Bundle opened = Bundle.open(bundle)) {
            assertThatThrownBy(() -> importer(1_000).importBundle(opened, List.of()))
                    .hasMessageContaining("LogAppendTime")
                    .hasMessageContaining(topic);
        }
    }

    @Test
    void shouldStopWhenTheProcessorStartsDuringTheImportAndContinueOnceItIsStopped() throws Exception {
        String topic = newTopic(2);
        produce(topic);
        Path bundle = export(source, topic, dir.resolve("bundle"));
        String application = "jobline-" + topic;
        List<KafkaConsumer<byte[], byte[]>> processor = new ArrayList<>();
        TransferProgress.Listener startTheProcessorHalfWayThroughTheSecondTransaction = snapshot -> {
            if (snapshot.task().equals("import") && snapshot.count() >= 1_500 && processor.isEmpty()) {
                processor.add(joinGroup(application, topic));
            }
        };

        try (Bundle opened = Bundle.open(bundle)) {
            Importer importer = new Importer(
                    new Importer.Settings(client(target), 1, application, 1_000),
                    startTheProcessorHalfWayThroughTheSecondTransaction,
                    0);
            assertThatThrownBy(() -> importer.importBundle(opened, List.of()))
                    .isInstanceOf(AirGapException.class)
                    .hasMessageContaining("started during the import");
        } finally {
            processor.forEach(KafkaConsumer::close);
        }
        assertThat(manifestOf(export(target, topic, dir.resolve("halfway"))).records())
                .as("the first transaction committed, the second aborted")
                .isEqualTo(1_000);

        try (Bundle opened = Bundle.open(bundle)) {
            Importer.Result resumed = new Importer(
                            new Importer.Settings(client(target), 1, application, 1_000),
                            TransferProgress.Listener.NONE)
                    .importBundle(opened, List.of());
            assertThat(resumed.skipped()).isEqualTo(1_000);
            assertThat(resumed.written()).isEqualTo(RECORDS - 1_000);
        }
    }

    @Test
    void shouldKeepItsProgressWhenTheTargetForgetsConsumerGroupOffsets() throws Exception {
        // Kafka drops a member-less group's offsets after offsets.retention.minutes (a week):
        // progress kept there was lost, and the next import wrote everything again.
        String topic = newTopic(2);
        produce(topic);
        Path bundle = export(source, topic, dir.resolve("bundle"));
        try (Bundle opened = Bundle.open(bundle)) {
            assertThat(importer(1_000)
                            .importBundle(opened, List.of(topic, topic))
                            .written())
                    .as("a topic named twice is imported once")
                    .isEqualTo(RECORDS);
        }
        try (Admin admin = target.admin()) {
            List<String> groups = admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS).stream()
                    .map(group -> group.groupId())
                    .filter(id -> id.startsWith("jobline-import."))
                    .toList();
            if (!groups.isEmpty()) {
                admin.deleteConsumerGroups(groups).all().get(30, TimeUnit.SECONDS);
            }
        }

        try (Bundle opened = Bundle.open(bundle)) {
            Importer.Result again = importer(1_000).importBundle(opened, List.of());
            assertThat(again.written()).isZero();
            assertThat(again.skipped()).isEqualTo(RECORDS);
        }
        assertThat(manifestOf(export(target, topic, dir.resolve("copy"))).records())
                .isEqualTo(RECORDS);
    }

    @Test
    void shouldContinueFromTheGroupOffsetsAnEarlierJoblineKeptItsProgressIn() throws Exception {
        String topic = newTopic(2);
        produce(topic);
        Path bundle = export(source, topic, dir.resolve("bundle"));
        try (Bundle opened = Bundle.open(bundle)) {
            importer(1_000).importBundle(opened, List.of());
        }
        // As an earlier jobline left it: no progress record, the offsets in the group instead.
        String group =
                "jobline-import." + source.admin().describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        try (KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(client(target), new ByteArraySerializer(), new ByteArraySerializer());
                Admin admin = target.admin()) {
            for (int partition = 0; partition < 2; partition++) {
                String key = group + "/" + topic + "/" + partition;
                producer.send(new ProducerRecord<>(ImportProgress.TOPIC, 0, key.getBytes(StandardCharsets.UTF_8), null))
                        .get(30, TimeUnit.SECONDS);
            }
            admin.alterConsumerGroupOffsets(
                            group,
                            Map.of(
                                    new TopicPartition(topic, 0), new OffsetAndMetadata(RECORDS / 2),
                                    new TopicPartition(topic, 1), new OffsetAndMetadata(RECORDS / 2)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }

        try (Bundle opened = Bundle.open(bundle)) {
            Importer.Result again = importer(1_000).importBundle(opened, List.of());
            assertThat(again.written()).isZero();
            assertThat(again.skipped()).isEqualTo(RECORDS);
        }
    }

    @Test
    void shouldImportAgainIntoATopicDeletedAndCreatedAnewSinceTheLastImport() throws Exception {
        String topic = newTopic(2);
        produce(topic);
        Path bundle = export(source, topic, dir.resolve("bundle"));
        try (Bundle opened = Bundle.open(bundle)) {
            importer(1_000).importBundle(opened, List.of());
            assertThat(importer(1_000).importBundle(opened, List.of()).written())
                    .as("imported already")
                    .isZero();
        }
        try (Admin admin = target.admin()) {
            admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
                assertThat(System.nanoTime()).as("topic deleted").isLessThan(deadline);
                Thread.sleep(100);
            }
        }
        target.createTopics(2, topic);

        try (Bundle opened = Bundle.open(bundle)) {
            assertThat(importer(1_000).importBundle(opened, List.of()).written())
                    .as("the progress of the deleted topic is stale")
                    .isEqualTo(RECORDS);
        }
    }

    @Test
    void shouldRefuseAProgressTopicThatWouldForgetTheProgress() throws Exception {
        try (EmbeddedKafka fresh = EmbeddedKafka.start();
                Admin admin = fresh.admin()) {
            admin.createTopics(List.of(new NewTopic(ImportProgress.TOPIC, 1, (short) 1)
                            .configs(Map.of("cleanup.policy", "delete"))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            String topic = newTopic(1);
            Path bundle = export(source, topic, dir.resolve("bundle"));
            Importer importer = new Importer(
                    new Importer.Settings(client(fresh), 1, "jobline", 1_000), TransferProgress.Listener.NONE);
            try (Bundle opened = Bundle.open(bundle)) {
                assertThatThrownBy(() -> importer.importBundle(opened, List.of()))
                        .isInstanceOf(AirGapException.class)
                        .hasMessageContaining("cleanup.policy=delete")
                        .hasMessageContaining("set cleanup.policy=compact");
            }
        }
    }

    @Test
    void shouldRefuseRecordsThatWouldLandAfterLaterOnesOrAmongRecordsNoImportWrote() throws Exception {
        String topic = newTopic(2);
        produce(topic);
        Path full = export(source, topic, dir.resolve("full"));
        Path tail = export(source, topic, dir.resolve("tail"), Map.of(new TopicPartition(topic, 0), 2_000L));
        try (Bundle opened = Bundle.open(tail)) {
            importer(1_000).importBundle(opened, List.of());
        }

        try (Bundle opened = Bundle.open(full)) {
            assertThatThrownBy(() -> importer(1_000).importBundle(opened, List.of()))
                    .isInstanceOf(AirGapException.class)
                    .hasMessageContaining(topic + "-0.ndjson holds records from source offset 0")
                    .hasMessageContaining("begins at offset 2000");
        }

        String other = newTopic(1);
        Path bundle = export(source, other, dir.resolve("other"));
        target.createTopics(1, other);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(client(target), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(other, 0, null, new byte[] {1})).get(30, TimeUnit.SECONDS);
        }
        try (Bundle opened = Bundle.open(bundle)) {
            assertThatThrownBy(() -> importer(1_000).importBundle(opened, List.of()))
                    .isInstanceOf(AirGapException.class)
                    .hasMessageContaining("[" + other + "-0] already hold records that no import wrote");
        }
    }

    @Test
    void shouldExportATopicNamedTwiceOnceAndRefuseAnOffsetPastItsEnd() throws Exception {
        String topic = newTopic(2);
        produce(topic);
        Exporter exporter = exporter(source, topic);

        Manifest twice =
                exporter.export(new Exporter.Request(List.of(topic, topic), Map.of(), null, dir.resolve("twice")));
        assertThat(twice.topics()).hasSize(1);
        assertThat(twice.records()).isEqualTo(RECORDS);
        try (Bundle opened = Bundle.open(dir.resolve("twice"))) {
            opened.verify(); // the digests match the files
        }

        TopicPartition past = new TopicPartition(topic, 0);
        assertThatThrownBy(() -> exporter.export(
                        new Exporter.Request(List.of(topic), Map.of(past, 25_000L), null, dir.resolve("past"))))
                .isInstanceOf(AirGapException.class)
                .hasMessageContaining("offset 25000 of " + past + " is past its end (2500 is");
    }

    /**
     * --idle-timeout takes any number of seconds, and a large one means "never give up": one past
     * 292 years (9223372037 s) overflowed the stall check's nanoseconds on the export's first round,
     * which stopped with "long overflow".
     */
    @Test
    void shouldExportWithAnIdleTimeoutTooLongForNanoseconds() throws Exception {
        String topic = newTopic(2);
        produce(topic);

        Manifest manifest = exporter(source, topic, Duration.ofSeconds(Long.MAX_VALUE))
                .export(new Exporter.Request(List.of(topic), Map.of(), null, dir.resolve("patient")));

        assertThat(manifest.records()).isEqualTo(RECORDS);
    }

    @Test
    void shouldStampTheManifestWithTheTimeTheExportStarted() throws Exception {
        String topic = newTopic(2);
        produce(topic);
        java.util.concurrent.atomic.AtomicLong copiedAt = new java.util.concurrent.atomic.AtomicLong();
        TransferProgress.Listener listener = snapshot -> {
            if (snapshot.done() && snapshot.task().equals("export")) {
                copiedAt.set(System.currentTimeMillis());
                try {
                    Thread.sleep(50); // the manifest is written after this: a clock read then is later
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };

        Manifest manifest = exporter(source, topic, Duration.ofSeconds(60), listener)
                .export(new Exporter.Request(List.of(topic), Map.of(), null, dir.resolve("stamped")));

        assertThat(copiedAt.get()).isPositive();
        assertThat(io.jobline.wire.Timestamps.parse(manifest.createdAt())).isLessThanOrEqualTo(copiedAt.get());
    }

    @Test
    void shouldNameTheRecordTheTargetRefused() throws Exception {
        String topic = "big-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = source.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                            .configs(Map.of("max.message.bytes", String.valueOf(4 << 20)))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            TopicAdmin.awaitLeaders(admin, List.of(topic));
        }
        Properties props = client(source);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 << 20);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, 0, null, new byte[] {1})).get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(topic, 0, null, new byte[2 << 20]))
                    .get(30, TimeUnit.SECONDS);
        }
        Path bundle = export(source, topic, dir.resolve("bundle"));

        try (Bundle opened = Bundle.open(bundle)) {
            assertThatThrownBy(() -> importer(1_000).importBundle(opened, List.of()))
                    .isInstanceOf(AirGapException.class)
                    .hasMessageContaining(topic + "-0.ndjson, the record of offset 1: ")
                    .hasMessageContaining("max.request.size");
        }
    }

    /** A consumer in the processor's group, polled until the group lists it as a member. */
    private static KafkaConsumer<byte[], byte[]> joinGroup(String application, String topic) {
        Properties props = client(target);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, application);
        KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        try (Admin admin = target.admin()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            do {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the consumer did not join group " + application);
                }
                consumer.poll(Duration.ofMillis(100));
            } while (members(admin, application) == 0);
        } catch (RuntimeException | Error e) {
            consumer.close();
            throw e;
        }
        return consumer;
    }

    private static int members(Admin admin, String group) {
        try {
            return admin.describeConsumerGroups(List.of(group))
                    .describedGroups()
                    .get(group)
                    .get(30, TimeUnit.SECONDS)
                    .members()
                    .size();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException) {
                return 0; // not created until its first member joins
            }
            throw new IllegalStateException(e);
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Records of every shape, with deliberately non-monotonic timestamps. */
    private static void produce(String topic) {
        Properties props = client(source);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        List<Future<RecordMetadata>> sent = new ArrayList<>(RECORDS);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                byte[] key = i % 97 == 0 ? null : ("job-" + (i % 300)).getBytes(StandardCharsets.UTF_8);
                byte[] value = switch (i % 5) {
                    case 0 -> null;
                    case 1 -> new byte[] {(byte) 0xff, 0, (byte) i};
                    default -> ("{\"n\":" + i + ",\"s\":\"é \\\" \\n\"}").getBytes(StandardCharsets.UTF_8);
                };
                ProducerRecord<byte[], byte[]> record =
                        new ProducerRecord<>(topic, i % 2, 1_700_000_000_000L + (i * 7919L) % 100_000, key, value);
                if (i % 3 == 0) {
                    record.headers()
                            .add(new RecordHeader("content-type", "application/json".getBytes(StandardCharsets.UTF_8)));
                    record.headers().add(new RecordHeader("raw", new byte[] {(byte) 0xc3}));
                    record.headers().add(new RecordHeader("none", null));
                }
                sent.add(producer.send(record));
            }
        }
        for (Future<RecordMetadata> record : sent) {
            try {
                record.get(); // closed: every send has completed; one that failed must fail the test, not thin the log
            } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("producing the test log to " + topic + " failed: " + e.getMessage(), e);
            }
        }
    }

    private Path export(EmbeddedKafka broker, String topic, Path out) {
        return export(broker, topic, out, Map.of());
    }

    private Path export(EmbeddedKafka broker, String topic, Path out, Map<TopicPartition, Long> from) {
        exporter(broker, topic).export(new Exporter.Request(List.of(topic), from, null, out));
        return out;
    }

    private static Exporter exporter(EmbeddedKafka broker, String topic) {
        return exporter(broker, topic, Duration.ofSeconds(60));
    }

    private static Exporter exporter(EmbeddedKafka broker, String topic, Duration idleTimeout) {
        return exporter(broker, topic, idleTimeout, TransferProgress.Listener.NONE);
    }

    private static Exporter exporter(
            EmbeddedKafka broker, String topic, Duration idleTimeout, TransferProgress.Listener listener) {
        return new Exporter(
                new Exporter.Settings(
                        client(broker),
                        "test",
                        new Manifest.Processor(
                                "jobline",
                                topic,
                                "jobline.timeline",
                                "jobline.rejections",
                                ProcessorPolicy.from(JoblineConfig.defaults())),
                        idleTimeout),
                listener);
    }

    private static Importer importer(int recordsPerTransaction) {
        return new Importer(
                new Importer.Settings(client(target), 1, "jobline", recordsPerTransaction),
                TransferProgress.Listener.NONE);
    }

    private static Properties client(EmbeddedKafka broker) {
        Properties props = new Properties();
        props.put("bootstrap.servers", broker.bootstrapServers());
        return props;
    }

    private static Manifest manifestOf(Path bundle) {
        try (Bundle opened = Bundle.open(bundle)) {
            return opened.manifest();
        }
    }

    private static List<LogRecord> records(Path bundle, String topic, int partition) {
        List<LogRecord> records = new ArrayList<>();
        try (LogInput input = LogInput.open(bundle, m -> topic)) {
            input.forEach(r -> {
                if (r.partition() == partition) {
                    records.add(r);
                }
            });
        }
        return records;
    }

    /** A copy of {@code bundle} with line {@code line} of {@code file} broken, and a manifest that matches it. */
    private static Path breakLine(Path bundle, String file, int line, Path copy) throws IOException {
        Files.createDirectories(copy);
        try (var files = Files.list(bundle)) {
            for (Path path : files.toList()) {
                Files.copy(path, copy.resolve(path.getFileName()));
            }
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(copy.resolve(file)));
        lines.set(line - 1, "{broken");
        Files.write(copy.resolve(file), lines);
        byte[] bytes = Files.readAllBytes(copy.resolve(file));
        Manifest manifest = manifestOf(bundle);
        List<Manifest.Topic> topics = manifest.topics().stream()
                .map(t -> new Manifest.Topic(
                        t.name(),
                        t.partitions(),
                        t.files().stream()
                                .map(f -> !f.file().equals(file)
                                        ? f
                                        : new Manifest.PartitionFile(
                                                f.partition(),
                                                f.file(),
                                                f.startOffset(),
                                                f.endOffset(),
                                                f.firstOffset(),
                                                f.lastOffset(),
                                                f.records(),
                                                bytes.length,
                                                HexFormat.of()
                                                        .formatHex(Bundle.Digests.sha256()
                                                                .digest(bytes))))
                                .toList()))
                .toList();
        Files.write(
                copy.resolve(Bundle.MANIFEST),
                new Manifest(
                                manifest.joblineVersion(),
                                manifest.createdAt(),
                                manifest.source(),
                                manifest.processor(),
                                topics)
                        .toJson());
        return copy;
    }
}
