package io.jobline.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobline.bench.Workload;
import io.jobline.config.JoblineConfig;
import io.jobline.embedded.EmbeddedKafka;
import io.jobline.stream.LifecycleService;
import io.jobline.stream.TopicAdmin;
import io.jobline.testing.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Commands → the lifecycle processor → timeline → sink → PostgreSQL, with a real broker. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EndToEndIT {

    private static final int JOBS = 3_000;

    @TempDir
    Path stateDirectory;

    @Test
    void shouldProjectTheProcessorsTimelineIntoPostgresExactly() {
        // Timestamps from now: the processor's wall-clock timers must not find the leases long expired.
        List<Workload.Entry> commands =
                Workload.generate(JOBS / 1_000 * TimelineLog.ONE_WAVE, System.currentTimeMillis());
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                TestDatabase database = TestDatabase.create()) {
            JoblineConfig config = database.config(Map.of(
                    JoblineConfig.BOOTSTRAP_SERVERS.name(),
                    kafka.bootstrapServers(),
                    JoblineConfig.APPLICATION_ID.name(),
                    "jobline-e2e",
                    JoblineConfig.STATE_DIR.name(),
                    stateDirectory.toString(),
                    JoblineConfig.TOPIC_PARTITIONS.name(),
                    "3"));
            TopicAdmin.ensureTopics(config);
            SinkMetrics metrics = new SinkMetrics();
            metrics.bindTo(new SimpleMeterRegistry());
            try (LifecycleService processor = new LifecycleService(config, new SimpleMeterRegistry());
                    var dataSource = DataSources.create(config, "jobline-sink");
                    PostgresSink sink = new PostgresSink(config, dataSource, metrics)) {
                processor.start();
                sink.start();
                send(config, commands);

                Await.until(
                        JOBS + " completed jobs in PostgreSQL",
                        Duration.ofMinutes(3),
                        () -> sink.isReady() && completedJobs(database) == JOBS);

                List<SinkRecord> timeline =
                        KafkaTimeline.readCommitted(kafka.bootstrapServers(), config.get(JoblineConfig.TIMELINE_TOPIC));
                assertThat(timeline).hasSizeGreaterThan(4 * JOBS);
                SinkAssertions.assertHistoryEqualsTimeline(database, timeline);
                SinkAssertions.assertJobsHoldTheLastEventOfEveryJob(database, timeline);
                assertThat(database.count("job_rejections")).isZero();
            }
        }
    }

    private static long completedJobs(TestDatabase database) {
        return ((Number) database.value("SELECT count(*) FROM jobs WHERE status = 'completed'")).longValue();
    }

    private static void send(JoblineConfig config, List<Workload.Entry> commands) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(JoblineConfig.BOOTSTRAP_SERVERS));
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (Workload.Entry entry : commands) {
                producer.send(new ProducerRecord<>(
                        config.get(JoblineConfig.COMMANDS_TOPIC), null, entry.timestamp(), entry.key(), entry.value()));
            }
        }
    }
}
