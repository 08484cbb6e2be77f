package io.jobline.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.jobline.bench.TimelineRenderer;
import io.jobline.config.JoblineConfig;
import io.jobline.embedded.EmbeddedKafka;
import io.jobline.testing.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The sink with a real broker and a real PostgreSQL: exactly once through crashes, aborts and rebalances. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PostgresSinkIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** One wave of the workload: 1,000 jobs, about 4,300 events. */
    private static final List<TimelineRenderer.Event> EVENTS =
            TimelineRenderer.render(TimelineLog.ONE_WAVE, TimelineLog.T0);

    private static EmbeddedKafka kafka;

    private TestDatabase database;
    private JoblineConfig config;
    private KafkaTimeline timeline;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @BeforeEach
    void isolate() {
        String id = UUID.randomUUID().toString().substring(0, 8);
        database = TestDatabase.create();
        config = database.config(Map.of(
                JoblineConfig.BOOTSTRAP_SERVERS.name(),
                kafka.bootstrapServers(),
                JoblineConfig.TIMELINE_TOPIC.name(),
                "timeline-" + id,
                JoblineConfig.REJECTIONS_TOPIC.name(),
                "rejections-" + id,
                JoblineConfig.SINK_GROUP_ID.name(),
                "sink-" + id,
                JoblineConfig.SINK_MAX_POLL_RECORDS.name(),
                "500",
                JoblineConfig.SINK_RETRY_BACKOFF_MAX_MS.name(),
                "1000"));
        kafka.createTopics(3, config.get(JoblineConfig.TIMELINE_TOPIC), config.get(JoblineConfig.REJECTIONS_TOPIC));
        timeline = new KafkaTimeline(kafka.bootstrapServers(), config.get(JoblineConfig.TIMELINE_TOPIC));
    }

    @AfterEach
    void cleanUp() throws Exception {
        // Sinks first, then the pools they write through.
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        timeline.close();
        database.close();
    }

    @Test
    void shouldProjectTheCommittedTimelineExactlyOnce() {
        timeline.send(EVENTS.subList(0, 2_000), 250);
        timeline.sendAborted(EVENTS.subList(2_000, 2_100));
        timeline.send(EVENTS.subList(2_000, EVENTS.size()), 250);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PostgresSink sink = startSink(database.dataSource(), registry);

        awaitHistory(EVENTS.size());

        assertTablesEqualTimeline();
        assertThat(sink.isReady()).isTrue();
        assertThat(registry.get(SinkMetrics.ROWS)
                        .tag("table", "job_history")
                        .counter()
                        .count())
                .isEqualTo(EVENTS.size());
        assertThat(registry.get(SinkMetrics.SKIPPED).counter().count()).isZero();
        assertThat(database.rows("SELECT partition, next_offset FROM sink_offsets ORDER BY partition"))
                .as("one offset per timeline partition")
                .hasSize(3);
    }

    @Test
    void shouldResumeWithoutLossOrDuplicatesAfterBeingKilledBetweenTwoBatches() {
        timeline.send(EVENTS, 250);
        FaultyDataSource faulty = new FaultyDataSource(database.dataSource());
        faulty.afterCommit("INSERT INTO sink_offsets", 3, () -> {
            throw new SimulatedCrash();
        });
        PostgresSink crashing = startSink(faulty, new SimpleMeterRegistry());
        Await.until("the sink to crash", WAIT, () -> crashing.health().status() == SinkHealth.Status.FAILED);
        Await.until(
                "its other consumer to stop too",
                WAIT,
                () -> crashing.assignment().isEmpty());
        long written = database.count("job_history");
        assertThat(written).isBetween(1L, EVENTS.size() - 1L);

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        startSink(database.dataSource(), registry);
        awaitHistory(EVENTS.size());

        assertTablesEqualTimeline();
        assertThat(registry.get(SinkMetrics.SKIPPED).counter().count())
                .as("records re-read after the restart")
                .isZero();
    }

    /**
     * The sink commits with synchronous_commit off, so a PostgreSQL crash can lose its last
     * commits, rows and offsets together, and the README promises the sink writes them again. By
     * then its consumer has read past those records: it must see sink_offsets go back and read
     * them again, not write on from where it is and leave a hole in the tables.
     */
    @Test
    void shouldWriteAgainWhatPostgresLostOfItsLastCommits() {
        String schema = database.schema();
        List<String> tables = List.of("job_history", "jobs", "job_rejections", "sink_offsets");
        timeline.send(EVENTS.subList(0, 1_000), 250);
        startSink(database.dataSource(), new SimpleMeterRegistry());
        awaitHistory(1_000);
        for (String table : tables) {
            database.execute("CREATE TABLE " + schema + ".saved_" + table + " AS TABLE " + schema + "." + table);
        }
        timeline.send(EVENTS.subList(1_000, 2_000), 250);
        awaitHistory(2_000);

        // What crash recovery leaves when the commits since the copy were lost: an earlier state.
        StringBuilder lose = new StringBuilder("BEGIN; TRUNCATE ");
        lose.append(String.join(
                        ", ", tables.stream().map(table -> schema + "." + table).toList()))
                .append("; ");
        for (String table : tables) {
            lose.append("INSERT INTO ")
                    .append(schema)
                    .append('.')
                    .append(table)
                    .append(" SELECT * FROM ")
                    .append(schema)
                    .append(".saved_")
                    .append(table)
                    .append("; ");
        }
        database.execute(lose.append("COMMIT").toString());
        assertThat(database.count("job_history")).isEqualTo(1_000);
        timeline.send(EVENTS.subList(2_000, EVENTS.size()), 250);

        awaitHistory(EVENTS.size());
        assertTablesEqualTimeline();
    }

    @Test
    void shouldWriteABatchOnceWhenItsTransactionAbortedMidwayAndWasRetried() {
        timeline.send(EVENTS, 250);
        FaultyDataSource faulty = new FaultyDataSource(database.dataSource());
        faulty.failStatements("INSERT INTO jobs", 3);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        startSink(faulty, registry);

        awaitHistory(EVENTS.size());

        assertTablesEqualTimeline();
        assertThat(registry.get(SinkMetrics.RETRIES)
                        .tag("cause", "unavailable")
                        .counter()
                        .count())
                .isGreaterThanOrEqualTo(3);
    }

    @Test
    void shouldRecoverByItselfWhenItsConnectionsAreTerminatedDuringALoad() throws Exception {
        String applicationName =
                "jobline-sink-it-" + UUID.randomUUID().toString().substring(0, 8);
        HikariDataSource dataSource = DataSources.create(config, applicationName);
        toClose.add(dataSource);
        startSink(dataSource, new SimpleMeterRegistry());
        Thread load = new Thread(() -> timeline.send(EVENTS, 100), "load");
        load.start();

        int terminated = 0;
        long seen = 0;
        while (seen < EVENTS.size() / 2) {
            long before = seen;
            Await.until("the sink to write more", WAIT, () -> database.count("job_history") > before);
            terminated += ((Number) database.value("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                            + "WHERE application_name = '" + applicationName + "'"))
                    .intValue();
            seen = database.count("job_history");
        }
        load.join();
        awaitHistory(EVENTS.size());

        assertThat(terminated).as("backends terminated during the load").isPositive();
        assertTablesEqualTimeline();
    }

    @Test
    void shouldStoreAMalformedTimelineValueWithItsRawBytesAndGoOn() {
        byte[] notJson = "{\"specversion\":\"1.0\", oops".getBytes(StandardCharsets.UTF_8);
        timeline.send(EVENTS.subList(0, 100), 50);
        timeline.sendRaw(config.get(JoblineConfig.TIMELINE_TOPIC), "job-broken", notJson);
        timeline.send(EVENTS.subList(100, 200), 50);
        startSink(database.dataSource(), new SimpleMeterRegistry());

        awaitHistory(200);

        assertThat(database.rows("SELECT reason, job_id, encode(raw, 'hex'), message FROM job_rejections"))
                .singleElement()
                .satisfies(row -> {
                    assertThat(row.subList(0, 3))
                            .containsExactly(
                                    "malformed", "job-broken", HexFormat.of().formatHex(notJson));
                    assertThat((String) row.get(3)).contains("not valid JSON");
                });
        SinkAssertions.assertHistoryEqualsTimeline(
                database,
                timeline.readCommitted().stream()
                        .filter(record -> !"job-broken".equals(new String(record.key(), StandardCharsets.UTF_8)))
                        .toList());
    }

    @Test
    void shouldSeekToTheStoredOffsetsWhenARebalanceMovesPartitions() {
        SimpleMeterRegistry first = new SimpleMeterRegistry();
        PostgresSink one = startSink(database.dataSource(), first);
        timeline.send(EVENTS.subList(0, 2_000), 250);
        awaitHistory(2_000);

        SimpleMeterRegistry second = new SimpleMeterRegistry();
        PostgresSink two = startSink(database.dataSource(), second);
        Await.until(
                "the partitions to be shared by the two sinks",
                WAIT,
                () -> !two.assignment().isEmpty()
                        && one.assignment().size() + two.assignment().size() == 6);
        timeline.send(EVENTS.subList(2_000, EVENTS.size()), 250);
        awaitHistory(EVENTS.size());

        assertTablesEqualTimeline();
        assertThat(second.get(SinkMetrics.ROWS)
                        .tag("table", "job_history")
                        .counter()
                        .count())
                .as("rows the second sink wrote after taking partitions over")
                .isPositive();
        assertThat(first.get(SinkMetrics.SKIPPED).counter().count()
                        + second.get(SinkMetrics.SKIPPED).counter().count())
                .isZero();
    }

    @Test
    void shouldSayWhetherEveryConsumerHoldsPartitions() {
        config = config.with(Map.of(JoblineConfig.SINK_THREADS.name(), "2"));
        PostgresSink two = startSink(database.dataSource(), new SimpleMeterRegistry());
        Await.until("both consumers to hold partitions", WAIT, two::everyConsumerAssigned);
        assertThat(two.assignment()).hasSize(6);

        config = config.with(Map.of(
                JoblineConfig.SINK_THREADS.name(),
                "7",
                JoblineConfig.SINK_GROUP_ID.name(),
                config.get(JoblineConfig.SINK_GROUP_ID) + "-crowded"));
        PostgresSink crowded = startSink(database.dataSource(), new SimpleMeterRegistry());
        Await.until(
                "the six partitions to be held",
                WAIT,
                () -> crowded.assignment().size() == 6);
        assertThat(crowded.everyConsumerAssigned())
                .as("seven consumers for six partitions")
                .isFalse();
    }

    @Test
    void shouldStopAsFailedWhenItsSchemaHoldsAMigrationThatDiffersFromItsOwn() {
        Migrations.apply(database.dataSource(), database.schema());
        database.execute("UPDATE " + database.schema()
                + ".flyway_schema_history SET checksum = checksum + 1 WHERE version = '1'");

        PostgresSink sink = startSink(database.dataSource(), new SimpleMeterRegistry());

        Await.until("the sink to fail", WAIT, () -> sink.health().status() == SinkHealth.Status.FAILED);
        assertThat(sink.health().detail())
                .contains("does not match jobline's migrations")
                .containsIgnoringCase("checksum");
    }

    /**
     * The default schema is {@code public}, where another application may keep its tables. Flyway
     * will not migrate a schema that holds tables but no history of its own; waiting changes
     * nothing, so the sink must not sit there "unavailable" for ever, as it did.
     */
    @Test
    void shouldStopAsFailedWhenItsSchemaHoldsAnotherApplicationsTables() {
        database.execute("CREATE TABLE " + database.schema() + ".invoices (id bigint PRIMARY KEY)");

        PostgresSink sink = startSink(database.dataSource(), new SimpleMeterRegistry());

        Await.until("the sink to fail", WAIT, () -> sink.health().status() == SinkHealth.Status.FAILED);
        assertThat(sink.health().detail())
                .contains("schema " + database.schema())
                .contains("jobline.db.schema")
                .contains("non-empty schema");
    }

    @Test
    void shouldStopAsFailedWhenItsStoredOffsetsLiePastTheEndOfTheTopic() {
        // As after the topic was deleted and created again: the stored offsets belong to the old one.
        Migrations.apply(database.dataSource(), database.schema());
        String topic = config.get(JoblineConfig.TIMELINE_TOPIC);
        database.execute("INSERT INTO " + database.schema() + ".sink_offsets (sink, topic, partition, next_offset)"
                + " VALUES ('" + config.get(JoblineConfig.SINK_GROUP_ID) + "', '" + topic + "', 1, 4200)");

        PostgresSink sink = startSink(database.dataSource(), new SimpleMeterRegistry());

        Await.until("the sink to fail", WAIT, () -> sink.health().status() == SinkHealth.Status.FAILED);
        assertThat(sink.health().detail())
                .contains(topic + "-1 ends at offset 0")
                .contains("before offset 4200 are written")
                .contains("Delete that partition's rows from sink_offsets");
        assertThat(database.count("job_history")).isZero();
    }

    private PostgresSink startSink(DataSource dataSource, SimpleMeterRegistry registry) {
        SinkMetrics metrics = new SinkMetrics();
        metrics.bindTo(registry);
        PostgresSink sink = new PostgresSink(config, dataSource, metrics);
        toClose.add(sink);
        sink.start();
        // The sink creates the tables itself, before its first write.
        Await.until("the sink to migrate its schema", WAIT, () -> sink.health().status() != SinkHealth.Status.STARTING);
        return sink;
    }

    private void awaitHistory(long events) {
        Await.until(events + " rows in job_history", WAIT, () -> database.count("job_history") >= events);
    }

    private void assertTablesEqualTimeline() {
        List<SinkRecord> committed = timeline.readCommitted();
        assertThat(committed).hasSize(EVENTS.size());
        SinkAssertions.assertHistoryEqualsTimeline(database, committed);
        SinkAssertions.assertJobsHoldTheLastEventOfEveryJob(database, committed);
    }

    /** Thrown from inside a commit: the sink thread dies there, as a killed process would. */
    private static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedCrash() {
            super("simulated crash right after a commit", null, false, false);
        }
    }
}
