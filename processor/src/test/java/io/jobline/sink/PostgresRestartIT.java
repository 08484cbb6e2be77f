package io.jobline.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.jobline.bench.TimelineRenderer;
import io.jobline.config.JoblineConfig;
import io.jobline.embedded.EmbeddedKafka;
import io.jobline.testing.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stopped and started again under the sink, for real: this test runs its own embedded
 * server (whatever {@code JOBLINE_TEST_DB_URL} says), since it must not stop a shared one.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PostgresRestartIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dataDirectory;

    private final List<TimelineRenderer.Event> events = TimelineRenderer.render(TimelineLog.ONE_WAVE, TimelineLog.T0);
    private int port;
    private EmbeddedPostgres postgres;

    @BeforeEach
    void startServer() throws IOException {
        port = freePort();
        postgres = startPostgres(port);
    }

    @AfterEach
    void stopServer() throws IOException {
        postgres.close();
    }

    @Test
    void shouldRecoverByItselfAndLoseNothingWhenPostgresRestartsDuringALoad() throws Exception {
        runSink((database, timeline, sink) -> {
            timeline.send(events.subList(0, 1_500), 100);
            Await.until(
                    "the first events in job_history", WAIT, () -> sink.isReady() && database.count("job_history") > 0);

            postgres.close();
            timeline.send(events.subList(1_500, 3_000), 100);
            Await.until(
                    "the sink to notice", WAIT, () -> sink.health().status() == SinkHealth.Status.DATABASE_UNAVAILABLE);
            assertThat(sink.isReady()).isFalse();

            postgres = startPostgres(port);
            timeline.send(events.subList(3_000, events.size()), 100);
            Await.until("every event in job_history", WAIT, () -> historyRows(database) == events.size());

            assertThat(sink.isReady()).isTrue();
            List<SinkRecord> committed = timeline.readCommitted();
            SinkAssertions.assertHistoryEqualsTimeline(database, committed);
            SinkAssertions.assertJobsHoldTheLastEventOfEveryJob(database, committed);
        });
    }

    /** An idle sink notices PostgreSQL gone (it is not ready) and back, with no event to write. */
    @Test
    void shouldNoticeWhileIdleThatPostgresIsGoneAndBack() throws Exception {
        runSink((database, timeline, sink) -> {
            timeline.send(events.subList(0, 100), 100);
            Await.until("the events in job_history", WAIT, () -> sink.isReady() && historyRows(database) == 100);

            postgres.close(); // and nothing more to write
            Await.until(
                    "the idle sink to notice",
                    WAIT,
                    () -> sink.health().status() == SinkHealth.Status.DATABASE_UNAVAILABLE);

            postgres = startPostgres(port);
            Await.until("the sink to be ready again", WAIT, sink::isReady);
        });
    }

    /** What a test does with a running sink, its database and the timeline it reads. */
    @FunctionalInterface
    private interface SinkRun {
        void run(TestDatabase database, KafkaTimeline timeline, PostgresSink sink) throws Exception;
    }

    /** Runs a sink of one consumer (two, the default, in the other tests: both modes are covered) on this server. */
    private void runSink(SinkRun test) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                TestDatabase database = TestDatabase.on(postgres.getJdbcUrl("postgres", "postgres"))) {
            JoblineConfig config = database.config(Map.of(
                    JoblineConfig.BOOTSTRAP_SERVERS.name(), kafka.bootstrapServers(),
                    JoblineConfig.SINK_THREADS.name(), "1",
                    JoblineConfig.SINK_MAX_POLL_RECORDS.name(), "500",
                    JoblineConfig.SINK_RETRY_BACKOFF_MAX_MS.name(), "500"));
            kafka.createTopics(3, config.get(JoblineConfig.TIMELINE_TOPIC), config.get(JoblineConfig.REJECTIONS_TOPIC));
            SinkMetrics metrics = new SinkMetrics();
            metrics.bindTo(new SimpleMeterRegistry());
            try (KafkaTimeline timeline =
                            new KafkaTimeline(kafka.bootstrapServers(), config.get(JoblineConfig.TIMELINE_TOPIC));
                    HikariDataSource dataSource = DataSources.create(config, "jobline-sink");
                    PostgresSink sink = new PostgresSink(config, dataSource, metrics)) {
                sink.start();
                test.run(database, timeline, sink);
            }
        }
    }

    /** -1 while the test's own pool still hands out a connection the restart killed. */
    private static long historyRows(TestDatabase database) {
        try {
            return database.count("job_history");
        } catch (IllegalStateException e) {
            return -1;
        }
    }

    /** A server on {@code port} over the same data directory, so a restart keeps the data. */
    private EmbeddedPostgres startPostgres(int port) throws IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setPort(port)
                .start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
