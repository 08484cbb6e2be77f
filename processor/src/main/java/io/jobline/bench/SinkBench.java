package io.jobline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import io.jobline.config.JoblineConfig;
import io.jobline.embedded.EmbeddedKafka;
import io.jobline.sink.CopyText;
import io.jobline.sink.DataSources;
import io.jobline.sink.Migrations;
import io.jobline.sink.PostgresSink;
import io.jobline.sink.SinkHealth;
import io.jobline.sink.SinkMetrics;
import io.jobline.stream.TopicAdmin;
import io.jobline.wire.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.postgresql.PGConnection;

/**
 * {@code jobline bench sink}: the PostgreSQL sink measured against a raw COPY of the same rows
 * into the same table, then its lag under a steady load. A real broker runs in this JVM; the
 * events are real ones, rendered by the processor's code from a {@link Workload}. Everything
 * happens in a schema of its own, dropped at the end.
 */
public final class SinkBench {

    private static final String TIMELINE = "bench.timeline";
    private static final String STEADY_TIMELINE = "bench.timeline.steady";
    private static final String REJECTIONS = "bench.rejections";
    private static final String HISTORY_COPY =
            "COPY job_history (job_id, sequence, event_id, type, time, tenant, envelope) FROM STDIN";
    private static final int STEADY_RATE = 20_000;
    private static final Duration STEADY_FOR = Duration.ofSeconds(30);
    private static final Duration SAMPLE_EVERY = Duration.ofMillis(100);
    /** The processor publishes its transaction every 100 ms (jobline.commit.interval.ms); so does the load. */
    private static final Duration TRANSACTION_EVERY = Duration.ofMillis(100);

    private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(5);
    private static final long T0 = 1_764_000_000_000L;

    private final PrintStream out;
    private final JoblineConfig config;

    /** @param config the database to measure against ({@code jobline.db.*}); the rest is the bench's own */
    public SinkBench(PrintStream out, JoblineConfig config) {
        this.out = out;
        this.config = config;
    }

    /** Runs the three measurements with a timeline of {@code events} events. */
    public void run(int events) throws Exception {
        String schema = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        int partitions = config.get(JoblineConfig.TOPIC_PARTITIONS);
        out.printf(
                "sink: %,d timeline events in %d partitions; PostgreSQL %s, schema %s%n",
                events, partitions, DataSources.describe(config.get(JoblineConfig.DB_URL)), schema);
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            JoblineConfig bench = config.with(Map.of(
                    JoblineConfig.BOOTSTRAP_SERVERS.name(), kafka.bootstrapServers(),
                    JoblineConfig.DB_SCHEMA.name(), schema,
                    JoblineConfig.TIMELINE_TOPIC.name(), TIMELINE,
                    JoblineConfig.REJECTIONS_TOPIC.name(), REJECTIONS));
            JoblineConfig steady = bench.with(Map.of(
                    JoblineConfig.TIMELINE_TOPIC.name(),
                    STEADY_TIMELINE,
                    JoblineConfig.SINK_GROUP_ID.name(),
                    "bench-sink-steady"));
            // As deployed (no time-based retention): with the broker's default of 7 days, a topic of
            // old event times would lose its first segments under the sink.
            TopicAdmin.ensureTopics(bench);
            TopicAdmin.ensureTopics(steady);
            try (HikariDataSource dataSource = DataSources.create(bench, "jobline-bench")) {
                Migrations.apply(dataSource, schema);
                try {
                    compareWithCopy(bench, dataSource, events);
                    steadyLoad(steady, dataSource);
                } finally {
                    execute(dataSource, "DROP SCHEMA " + schema + " CASCADE");
                }
            }
        }
    }

    /**
     * (a) and (b): the sink from a pre-filled topic, between two raw COPYs of the same rows, so
     * that a machine getting busier or quieter during the run shows instead of skewing the ratio.
     */
    private void compareWithCopy(JoblineConfig bench, DataSource dataSource, int events) throws Exception {
        Path rows = Files.createTempFile("jobline-bench-history", ".copy");
        try {
            long bytes = prefill(bench, rows, events);
            out.printf("  pre-filled %,d events, %,d bytes each on average%n", events, bytes / events);

            emptyTables(dataSource);
            double copyBefore = rawCopy(dataSource, rows, events);
            emptyTables(dataSource);
            double sinkRate =
                    sink(bench.with(Map.of(JoblineConfig.SINK_GROUP_ID.name(), "bench-sink")), dataSource, events);
            emptyTables(dataSource);
            double copyAfter = rawCopy(dataSource, rows, events);
            out.printf(
                    "  ratio sink / raw COPY: %.2f (target >= 0.7; against the mean of the two COPYs)%n",
                    2 * sinkRate / (copyBefore + copyAfter));
        } finally {
            Files.deleteIfExists(rows);
        }
    }

    /**
     * Renders the workload's timeline into the topic, in transactions as the processor writes it,
     * and the same events as COPY rows into {@code rows} for the raw baseline. Returns the bytes.
     * Records carry the wall clock as timestamp; the envelopes keep the workload's times.
     */
    private long prefill(JoblineConfig bench, Path rows, int events) throws IOException {
        List<Workload.Entry> log = Workload.generate(events, T0);
        long[] sent = {0, 0};
        try (KafkaProducer<String, byte[]> producer = transactionalProducer(bench, "bench-prefill");
                OutputStream file = new BufferedOutputStream(Files.newOutputStream(rows), 1 << 20)) {
            CopyText copy = new CopyText(file);
            producer.beginTransaction();
            TimelineRenderer.render(log, event -> {
                if (sent[0] == events) {
                    return;
                }
                producer.send(new ProducerRecord<>(TIMELINE, event.key(), event.value()));
                writeCopyRow(copy, event.value());
                sent[1] += event.value().length;
                if (++sent[0] % 10_000 == 0) {
                    producer.commitTransaction();
                    producer.beginTransaction();
                }
            });
            producer.commitTransaction();
        }
        if (sent[0] < events) {
            throw new IllegalStateException("the workload gave " + sent[0] + " events, not " + events);
        }
        return sent[1];
    }

    private static void writeCopyRow(CopyText copy, byte[] envelope) {
        try {
            JsonNode event = Json.readTree(envelope);
            copy.text(event.path("subject").asText())
                    .number(event.path("sequence").asLong())
                    .text(event.path("id").asText())
                    .text(event.path("type").asText())
                    .text(event.path("time").asText())
                    .text(event.path("tenant").asText())
                    .bytes(envelope)
                    .endRow();
        } catch (IOException e) {
            throw new IllegalStateException("writing the COPY rows failed", e);
        }
    }

    /** (b) One COPY of every row, from a file the page cache holds: the ceiling for history. */
    private double rawCopy(DataSource dataSource, Path rows, int events) throws SQLException, IOException {
        try (Connection connection = dataSource.getConnection();
                InputStream in = Files.newInputStream(rows)) {
            WalMark before = WalMark.take(dataSource);
            long start = System.nanoTime();
            long copied = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(HISTORY_COPY, in, 1 << 16);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (copied != events) {
                throw new IllegalStateException("COPY wrote " + copied + " rows, not " + events);
            }
            out.printf(
                    "  (b) raw COPY into job_history      %,10d rows in %6.1f s  %,9.0f rows/s  %s%n",
                    copied, seconds, copied / seconds, load());
            out.printf("      %s%n", WalMark.take(dataSource).since(before, copied));
            return copied / seconds;
        }
    }

    /** (a) The sink from the pre-filled topic: history rows per second, start-up left out. */
    private double sink(JoblineConfig bench, DataSource dataSource, int events) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SinkMetrics metrics = new SinkMetrics();
        metrics.bindTo(registry);
        Counter history =
                registry.get(SinkMetrics.ROWS).tag("table", "job_history").counter();
        try (PostgresSink sink = new PostgresSink(bench, dataSource, metrics)) {
            sink.start();
            // Not from the first batch of the first consumer: the second's joining would pause both.
            awaitSink(
                    sink,
                    "every consumer's partitions and a first batch",
                    () -> sink.everyConsumerAssigned() && history.count() > 0);
            WalMark wal = WalMark.take(dataSource);
            long start = System.nanoTime();
            double before = history.count();
            awaitSink(sink, "every event", () -> history.count() >= events);
            double seconds = (System.nanoTime() - start) / 1e9;
            double rate = (events - before) / seconds;
            out.printf(
                    "  (a) sink, topic -> PostgreSQL      %,10d rows in %6.1f s  %,9.0f rows/s  %s%n",
                    (long) (events - before), seconds, rate, load());
            out.printf("      %s%n", batches(registry));
            out.printf("      %s%n", WalMark.take(dataSource).since(wal, (long) (events - before)));
            return rate;
        }
    }

    /** (c) The sink's lag while the timeline grows at a steady rate, sampled from sink_offsets. */
    private void steadyLoad(JoblineConfig bench, DataSource dataSource) throws Exception {
        emptyTables(dataSource);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SinkMetrics metrics = new SinkMetrics();
        metrics.bindTo(registry);
        try (PostgresSink sink = new PostgresSink(bench, dataSource, metrics)) {
            sink.start();
            awaitSink(sink, "every consumer's partitions", () -> sink.isReady() && sink.everyConsumerAssigned());
            SteadyLoad load = new SteadyLoad(
                    transactionalProducer(bench, "bench-steady"),
                    STEADY_TIMELINE,
                    STEADY_RATE,
                    TRANSACTION_EVERY,
                    Workload.generate(STEADY_RATE * (int) STEADY_FOR.toSeconds(), T0));
            Thread producer = new Thread(load, "bench-load");
            WalMark wal = WalMark.take(dataSource);
            producer.start();
            int samples = (int) (STEADY_FOR.toMillis() / SAMPLE_EVERY.toMillis());
            long[] records = new long[samples];
            long[] millis = new long[samples];
            long worst = -1;
            long worstAt = 0;
            long start = System.nanoTime();
            for (int i = 0; i < samples; i++) {
                LockSupport.parkNanos(start + (i + 1) * SAMPLE_EVERY.toNanos() - System.nanoTime());
                long now = System.currentTimeMillis();
                SendLog.Lag lag = load.sendLog().lag(storedOffsets(dataSource, bench), now);
                records[i] = lag.records();
                millis[i] = lag.oldestMillis();
                if (millis[i] > worst) {
                    worst = millis[i];
                    worstAt = now;
                }
            }
            load.stop();
            producer.join();
            out.printf(
                    "  (c) steady load %,d events/s for %d s: sent %,d (%,.0f/s)  %s%n",
                    STEADY_RATE, STEADY_FOR.toSeconds(), load.sent(), load.sent() / load.seconds(), load());
            out.printf(
                    "      lag in records  p50 %,7d  p99 %,7d  max %,7d%n",
                    percentile(records, 0.5), percentile(records, 0.99), percentile(records, 1.0));
            out.printf(
                    "      lag in ms       p50 %,7d  p99 %,7d  max %,7d at %s  (age of the oldest event not in "
                            + "PostgreSQL, every %d ms)%n",
                    percentile(millis, 0.5),
                    percentile(millis, 0.99),
                    percentile(millis, 1.0),
                    CLOCK.format(Instant.ofEpochMilli(worstAt)),
                    SAMPLE_EVERY.toMillis());
            out.printf("      %s%n", batches(registry));
            out.printf("      %s%n", WalMark.take(dataSource).since(wal, load.sent()));
        }
    }

    private static Map<Integer, Long> storedOffsets(DataSource dataSource, JoblineConfig bench) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                var statement = connection.prepareStatement(
                        "SELECT partition, next_offset FROM sink_offsets WHERE sink = ? AND topic = ?")) {
            statement.setString(1, bench.get(JoblineConfig.SINK_GROUP_ID));
            statement.setString(2, bench.get(JoblineConfig.TIMELINE_TOPIC));
            Map<Integer, Long> stored = new java.util.HashMap<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    stored.put(rows.getInt(1), rows.getLong(2));
                }
            }
            return stored;
        }
    }

    private static KafkaProducer<String, byte[]> transactionalProducer(JoblineConfig bench, String id) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bench.get(JoblineConfig.BOOTSTRAP_SERVERS));
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
        // As the processor writes the timeline (LifecycleService).
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        producer.initTransactions();
        return producer;
    }

    /** Empty tables and a checkpoint, so no measurement pays for the previous one's dirty pages. */
    private void emptyTables(DataSource dataSource) throws SQLException {
        execute(dataSource, "TRUNCATE jobs, job_history, job_rejections, sink_offsets");
        try {
            execute(dataSource, "CHECKPOINT");
        } catch (SQLException e) {
            out.println("  (no CHECKPOINT between measurements: " + e.getMessage() + ")");
        }
    }

    private static void execute(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static void awaitSink(PostgresSink sink, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + GIVE_UP_AFTER.toNanos();
        while (!condition.getAsBoolean()) {
            SinkHealth health = sink.health();
            if (health.status() == SinkHealth.Status.FAILED || System.nanoTime() > deadline) {
                throw new IllegalStateException("the sink did not reach " + what + ": " + health);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    private static String batches(SimpleMeterRegistry registry) {
        double events = registry.get(SinkMetrics.ROWS)
                .tag("table", "job_history")
                .counter()
                .count();
        double jobs =
                registry.get(SinkMetrics.ROWS).tag("table", "jobs").counter().count();
        var sizes = registry.get(SinkMetrics.BATCH_SIZE).summary();
        return String.format(
                "%,d transactions of %,.0f records on average; %.2f jobs upserts per event; " + "batch latency %s",
                sizes.count(),
                sizes.mean(),
                jobs / events,
                percentiles(registry.get(SinkMetrics.BATCH_LATENCY)
                        .timer()
                        .takeSnapshot()
                        .percentileValues()));
    }

    /** Other processes share the cores; the figures mean little if the machine was busy. */
    private static String load() {
        return String.format(
                "(load average %.1f)",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage());
    }

    private static String percentiles(ValueAtPercentile[] values) {
        StringBuilder text = new StringBuilder();
        for (ValueAtPercentile value : values) {
            text.append(String.format("p%.0f %.0f ms  ", value.percentile() * 100, value.value(TimeUnit.MILLISECONDS)));
        }
        return text.toString().trim();
    }

    /** UTC wall-clock time to the tenth of a second, as in PostgreSQL's log by default, to find a moment there. */
    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss.S 'UTC'").withZone(ZoneOffset.UTC);

    /**
     * The write-ahead log PostgreSQL had written and the checkpoints it had made, at one moment.
     * A checkpoint that the WAL volume forces (more than {@code max_wal_size} since the last) is
     * followed by a burst of full-page images in the WAL and of writes to disk, which may slow
     * what is measured meanwhile: so each measurement says how many fell into it.
     */
    private record WalMark(long walBytes, long timed, long requested, String maxWalSize, String unavailable) {

        static WalMark take(DataSource dataSource) {
            try (Connection connection = dataSource.getConnection();
                    Statement statement = connection.createStatement()) {
                String wal = "pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint, current_setting('max_wal_size')";
                ResultSet row;
                try {
                    row = statement.executeQuery(
                            "SELECT " + wal + ", checkpoints_timed, checkpoints_req FROM pg_stat_bgwriter");
                } catch (SQLException e) {
                    // PostgreSQL 17 moved the checkpoint counts to a view of their own.
                    row = statement.executeQuery(
                            "SELECT " + wal + ", num_timed, num_requested FROM pg_stat_checkpointer");
                }
                try (ResultSet rows = row) {
                    rows.next();
                    return new WalMark(rows.getLong(1), rows.getLong(3), rows.getLong(4), rows.getString(2), null);
                }
            } catch (SQLException e) {
                return new WalMark(0, 0, 0, null, e.getMessage());
            }
        }

        String since(WalMark before, long rows) {
            if (unavailable != null || before.unavailable != null) {
                return "PostgreSQL's WAL and checkpoints unknown: "
                        + (unavailable != null ? unavailable : before.unavailable);
            }
            long bytes = walBytes - before.walBytes;
            long forced = requested - before.requested;
            return String.format(
                    "PostgreSQL meanwhile: %,.0f MB of WAL (%,.1f kB per row), %d checkpoint(s) forced by WAL volume"
                            + " (max_wal_size %s), %d on time",
                    bytes / 1e6, rows == 0 ? 0 : bytes / 1e3 / rows, forced, maxWalSize, timed - before.timed);
        }
    }

    private static long percentile(long[] samples, double q) {
        long[] sorted = samples.clone();
        Arrays.sort(sorted);
        return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
