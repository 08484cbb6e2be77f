package io.jobline.airgap;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobline.cli.JoblineCli;
import io.jobline.config.JoblineConfig;
import io.jobline.embedded.EmbeddedKafka;
import io.jobline.sink.DataSources;
import io.jobline.sink.PostgresSink;
import io.jobline.sink.SinkMetrics;
import io.jobline.stream.LifecycleService;
import io.jobline.stream.TopicAdmin;
import io.jobline.testing.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replay --db-url}: a log replayed offline into PostgreSQL gives the rows the live sink
 * wrote from the live timeline. Rejection rows are keyed by their Kafka position, which replay
 * cannot know (live offsets include transaction markers), so they are compared by content.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ReplayToPostgresIT {

    private static final int JOBS = 400;

    private static final String JOBS_ROWS = "SELECT job_id, tenant, job_type, status, attempt, failures, sequence,"
            + " snapshot::text, created_at, updated_at, completed_at FROM jobs ORDER BY job_id";
    private static final String HISTORY_ROWS = "SELECT job_id, sequence, event_id, type, time, tenant, envelope::text"
            + " FROM job_history ORDER BY job_id, sequence";
    private static final String REJECTION_CONTENT = "SELECT topic, reason, message, status, job_id, command_id,"
            + " command_type, time, record::text, encode(raw, 'hex') FROM job_rejections ORDER BY 1, 2, 3, 4, 5, 6, 7,"
            + " 8, 9, 10";

    @TempDir
    Path dir;

    @Test
    void shouldFillPostgresWithTheRowsOfTheLiveSink() throws Exception {
        String run = "db-" + UUID.randomUUID().toString().substring(0, 8);
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                TestDatabase live = TestDatabase.create();
                TestDatabase replayed = TestDatabase.create()) {
            JoblineConfig config = live.config(Map.of(
                    "jobline.bootstrap.servers",
                    kafka.bootstrapServers(),
                    "jobline.application.id",
                    "replay-db-" + run,
                    "jobline.sink.group.id",
                    "sink-" + run,
                    "jobline.state.dir",
                    Files.createTempDirectory(dir, "state").toString(),
                    "jobline.timer.interval.ms",
                    "50"));
            TopicAdmin.ensureTopics(config);
            SinkMetrics metrics = new SinkMetrics();
            metrics.bindTo(new SimpleMeterRegistry());
            Path bundle = dir.resolve("bundle");
            try (LifecycleService processor = new LifecycleService(config, new SimpleMeterRegistry());
                    var dataSource = DataSources.create(config, "jobline-sink");
                    PostgresSink sink = new PostgresSink(config, dataSource, metrics);
                    SiteWorkload workload = new SiteWorkload(
                            kafka.bootstrapServers(),
                            config.get(JoblineConfig.COMMANDS_TOPIC),
                            config.get(JoblineConfig.TIMELINE_TOPIC),
                            JOBS)) {
                processor.start();
                sink.start();
                workload.createAll();
                assertThat(workload.runUntilAllEnded(Duration.ofMinutes(2)))
                        .as("every job ended")
                        .isTrue();
                await(
                        "the live sink wrote every event and rejection",
                        Duration.ofMinutes(1),
                        () -> live.count("job_history") == workload.events()
                                && live.count("job_rejections") == workload.expectedRejections());
                assertThat(run(
                                "export",
                                "--bootstrap",
                                kafka.bootstrapServers(),
                                "--set",
                                "jobline.topic.commands=" + config.get(JoblineConfig.COMMANDS_TOPIC),
                                "--set",
                                "jobline.topic.timeline=" + config.get(JoblineConfig.TIMELINE_TOPIC),
                                "--topics",
                                config.get(JoblineConfig.COMMANDS_TOPIC),
                                "--out",
                                bundle.toString()))
                        .isZero();
            }

            String[] replay = {
                "replay",
                "--input",
                bundle.toString(),
                "--timeline",
                dir.resolve("timeline.ndjson").toString(),
                "--rejections",
                dir.resolve("rejections.ndjson").toString(),
                "--db-url",
                replayed.settings().get(JoblineConfig.DB_URL.name()),
                "--set",
                "jobline.db.user=" + replayed.settings().get(JoblineConfig.DB_USER.name()),
                "--set",
                "jobline.db.schema=" + replayed.schema()
            };
            assertThat(run(replay)).isZero();

            assertThat(replayed.rows(JOBS_ROWS)).hasSize(JOBS).isEqualTo(live.rows(JOBS_ROWS));
            assertThat(replayed.rows(HISTORY_ROWS)).hasSizeGreaterThan(4 * JOBS).isEqualTo(live.rows(HISTORY_ROWS));
            assertThat(replayed.rows(REJECTION_CONTENT)).isNotEmpty().isEqualTo(live.rows(REJECTION_CONTENT));

            // Replaying into the same database again changes nothing.
            assertThat(run(replay)).isZero();
            assertThat(replayed.rows(HISTORY_ROWS)).isEqualTo(live.rows(HISTORY_ROWS));
            assertThat(replayed.count("job_rejections")).isEqualTo(live.count("job_rejections"));
        }
    }

    private static int run(String... args) {
        var cli = JoblineCli.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        int exit = cli.execute(args);
        System.out.print(out);
        return exit;
    }

    private static void await(String what, Duration timeout, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(100); // polling a condition
        }
    }
}
