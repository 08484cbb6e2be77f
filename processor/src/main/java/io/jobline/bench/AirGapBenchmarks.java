package io.jobline.bench;

import io.jobline.airgap.Bundle;
import io.jobline.airgap.BundleWriter;
import io.jobline.airgap.Exporter;
import io.jobline.airgap.Importer;
import io.jobline.airgap.LogInput;
import io.jobline.airgap.LogRecord;
import io.jobline.airgap.Manifest;
import io.jobline.airgap.ProcessorPolicy;
import io.jobline.airgap.RecordLineWriter;
import io.jobline.airgap.Replayer;
import io.jobline.airgap.TransferProgress;
import io.jobline.config.JoblineConfig;
import io.jobline.embedded.EmbeddedKafka;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The air gap's benchmarks: offline replay of a {@link Workload} log (plain NDJSON and bundle),
 * and export and import of it on in-JVM brokers. Measurements, not tests.
 */
public final class AirGapBenchmarks {

    private static final long T0 = 1_764_000_000_000L;
    private static final String COMMANDS = "jobline.commands";
    private static final int PARTITIONS = 12;
    private static final List<LogRecord.Header> JSON = List.of(LogRecord.Header.of("content-type", "application/json"));

    private final PrintStream out;

    public AirGapBenchmarks(PrintStream out) {
        this.out = out;
    }

    /** Replays a log of {@code commands} commands, from a plain NDJSON file and from a bundle; prints both. */
    public void replay(int commands, int passes, int threads) throws IOException {
        Path dir = Files.createTempDirectory("jobline-bench-replay");
        try {
            Path plain = dir.resolve("commands.ndjson");
            Path bundle = dir.resolve("bundle");
            // The log lives only in the two files: the heap the passes measure holds nothing of the bench's.
            int records = writeInputs(commands, plain, bundle);
            out.printf(
                    "replay input: %,d commands, %,.0f MB of NDJSON; %d partitions, %d thread(s)%n",
                    records, Files.size(plain) / 1e6, PARTITIONS, threads);
            measureReplay("replay (plain NDJSON, file order)", plain, dir, passes, threads);
            measureReplay("replay (bundle, 12 partition files)", bundle, dir, passes, threads);
        } finally {
            deleteRecursively(dir);
        }
    }

    /** Writes the workload's log as a plain NDJSON file and as a bundle; returns its record count. */
    private static int writeInputs(int commands, Path plain, Path bundle) throws IOException {
        List<LogRecord> log = log(commands);
        try (RecordLineWriter writer = new RecordLineWriter(Files.newOutputStream(plain))) {
            for (LogRecord record : log) {
                writer.write(record);
            }
        }
        bundle(log, bundle);
        return log.size();
    }

    private void measureReplay(String name, Path input, Path dir, int passes, int threads) {
        Replayer replayer = new Replayer(new Replayer.Settings(
                ProcessorPolicy.from(JoblineConfig.defaults()),
                "jobline.timeline",
                "jobline.rejections",
                PARTITIONS,
                PARTITIONS,
                PARTITIONS,
                threads));
        List<Double> rates = new ArrayList<>();
        List<Double> cpuPerCommand = new ArrayList<>();
        Replayer.Result last = null;
        for (int pass = 0; pass <= passes; pass++) {
            try (LogInput commands = LogInput.open(input, manifest -> COMMANDS)) {
                long cpu = processCpuNanos();
                last = replayer.replay(commands, dir.resolve("timeline.ndjson"), dir.resolve("rejections.ndjson"));
                cpu = processCpuNanos() - cpu;
                if (pass > 0) { // pass 0 warms up
                    rates.add(last.commandsPerSecond());
                    cpuPerCommand.add(cpu / 1e3 / last.commands());
                }
            }
        }
        rates.sort(Double::compare);
        cpuPerCommand.sort(Double::compare);
        out.printf(
                "%-40s %,10d commands  best %,10.0f/s  median %,10.0f/s  cpu %.2f µs/command"
                        + "  (%,d events, %.0f MB of timeline)%n",
                name,
                last.commands(),
                rates.get(rates.size() - 1),
                rates.get(rates.size() / 2),
                cpuPerCommand.get(cpuPerCommand.size() / 2),
                last.events(),
                size(dir.resolve("timeline.ndjson")) / 1e6);
    }

    /**
     * CPU time of every thread of the process, collectors and kernel included: on a shared machine
     * it moves less than the wall clock, so it is the figure to compare two builds by.
     */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * Produces a log of {@code commands} commands to one in-JVM broker, exports it, and (when
     * {@code withImport}) imports the bundle into a second one; prints records/s and MB/s.
     */
    public void exportImport(int commands, boolean withImport) throws IOException {
        Path dir = Files.createTempDirectory("jobline-bench-export");
        try (EmbeddedKafka source = EmbeddedKafka.start()) {
            source.createTopics(PARTITIONS, COMMANDS);
            List<LogRecord> log = log(commands);
            long produced = produce(source, log);
            out.printf(
                    "export input: %,d records (%,.0f MB of keys and values) on %d partitions%n",
                    log.size(), produced / 1e6, PARTITIONS);
            Path bundle = dir.resolve("bundle");
            Exporter exporter = new Exporter(
                    new Exporter.Settings(
                            client(source),
                            "bench",
                            new Manifest.Processor(
                                    "jobline",
                                    COMMANDS,
                                    "jobline.timeline",
                                    "jobline.rejections",
                                    ProcessorPolicy.from(JoblineConfig.defaults())),
                            Duration.ofSeconds(120)),
                    TransferProgress.Listener.NONE);
            long start = System.nanoTime();
            Manifest manifest = exporter.export(new Exporter.Request(List.of(COMMANDS), Map.of(), null, bundle));
            report("export (read_committed to NDJSON)", manifest.records(), bundleBytes(manifest), start);
            if (withImport) {
                try (EmbeddedKafka target = EmbeddedKafka.start();
                        Bundle opened = Bundle.open(bundle)) {
                    Importer importer = new Importer(
                            new Importer.Settings(
                                    client(target), 1, "jobline", Importer.Settings.DEFAULT_RECORDS_PER_TRANSACTION),
                            TransferProgress.Listener.NONE);
                    start = System.nanoTime();
                    Importer.Result result = importer.importBundle(opened, List.of());
                    report("import (digests checked, transactional)", result.written(), bundleBytes(manifest), start);
                }
            }
        } finally {
            deleteRecursively(dir);
        }
    }

    private void report(String name, long records, long bytes, long startNanos) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        out.printf(
                "%-40s %,10d records in %.2f s: %,10.0f records/s  %,6.1f MB/s (of %,.0f MB NDJSON)%n",
                name, records, seconds, records / seconds, bytes / 1e6 / seconds, bytes / 1e6);
    }

    private static long bundleBytes(Manifest manifest) {
        return manifest.topics().stream()
                .flatMap(t -> t.files().stream())
                .mapToLong(Manifest.PartitionFile::bytes)
                .sum();
    }

    /** The workload as the commands log: what producers would have written, keyed by job. */
    private static List<LogRecord> log(int commands) {
        List<LogRecord> log = new ArrayList<>(commands + 16);
        for (Workload.Entry entry : Workload.generate(commands, T0)) {
            log.add(new LogRecord(
                    null,
                    LogRecord.NO_PARTITION,
                    LogRecord.NO_OFFSET,
                    entry.timestamp(),
                    entry.key().getBytes(StandardCharsets.UTF_8),
                    entry.value(),
                    JSON));
        }
        return log;
    }

    private static Path bundle(List<LogRecord> log, Path directory) {
        return BundleWriter.writeLog(
                directory,
                COMMANDS,
                PARTITIONS,
                log,
                "bench",
                new Manifest.Source("bench", "none", "read_committed"),
                new Manifest.Processor(
                        "jobline",
                        COMMANDS,
                        "jobline.timeline",
                        "jobline.rejections",
                        ProcessorPolicy.from(JoblineConfig.defaults())));
    }

    private static long produce(EmbeddedKafka broker, List<LogRecord> log) {
        Properties props = client(broker);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 << 10);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        long bytes = 0;
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (LogRecord r : log) {
                ProducerRecord<byte[], byte[]> record =
                        new ProducerRecord<>(COMMANDS, null, r.timestamp(), r.key(), r.value());
                r.headers().forEach(h -> record.headers().add(new RecordHeader(h.key(), h.value())));
                producer.send(record);
                bytes += r.key().length + r.value().length;
            }
        }
        return bytes;
    }

    private static Properties client(EmbeddedKafka broker) {
        Properties props = new Properties();
        props.put("bootstrap.servers", broker.bootstrapServers());
        return props;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
