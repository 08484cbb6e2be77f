package io.jobline.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobline.config.JoblineConfig;
import io.jobline.domain.Command;
import io.jobline.domain.CommandHeader;
import io.jobline.domain.JobError;
import io.jobline.domain.RetrySpec;
import io.jobline.testing.KafkaBrokerExtension;
import io.jobline.wire.CommandCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hundreds of jobs through their whole lifecycle on a real KRaft broker with exactly-once on.
 * A worker in the test drives them from the timeline it reads (read_committed): starts scheduled
 * jobs, fails some (retryable, so retries go through recorded timer fires), fails some for good,
 * cancels some, completes the rest.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LifecycleIT {

    private static final int JOBS = 300;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void shouldRunHundredsOfJobsThroughTheirLifecycleExactlyOnce() throws Exception {
        JoblineConfig config = KAFKA.config(
                "lifecycle",
                Map.of(
                        "jobline.topic.partitions", "6",
                        "jobline.timer.interval.ms", "50"));
        assertThat(TopicAdmin.ensureTopics(config)).hasSize(3);
        assertThat(TopicAdmin.ensureTopics(config)).isEmpty();

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (LifecycleService service = new LifecycleService(config, registry);
                KafkaProducer<String, byte[]> producer = producer();
                KafkaConsumer<String, byte[]> timeline =
                        KAFKA.committedReader(config.get(JoblineConfig.TIMELINE_TOPIC))) {
            service.start();
            Worker worker = new Worker(producer, config.get(JoblineConfig.COMMANDS_TOPIC));
            for (int i = 0; i < JOBS; i++) {
                worker.send(new Command.Create(
                        header("job-" + i),
                        "it",
                        null,
                        List.of(),
                        new RetrySpec(3, 50L, 1.0, 50L, 0.0),
                        null,
                        null,
                        null));
            }
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(
                        config.get(JoblineConfig.COMMANDS_TOPIC),
                        "job-" + i,
                        ("not a command " + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();

            Map<String, List<JsonNode>> history = new HashMap<>();
            int ended = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (ended < JOBS && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : timeline.poll(Duration.ofMillis(200))) {
                    JsonNode event = TopologyHarness.parse(record.value());
                    history.computeIfAbsent(record.key(), k -> new ArrayList<>())
                            .add(event);
                    worker.react(event);
                    if (isEnd(event)) {
                        ended++;
                    }
                }
                producer.flush();
            }
            assertThat(ended).as("jobs that reached an end state").isEqualTo(JOBS);

            // Exactly once: every job's events run 1, 2, 3... with no gap and no repeat.
            history.forEach((job, events) -> assertThat(events)
                    .extracting(e -> e.path("sequence").asLong())
                    .as(job)
                    .containsExactlyElementsOf(range(events.size())));
            Map<String, Integer> finalStates = new HashMap<>();
            history.values()
                    .forEach(events -> finalStates.merge(
                            events.get(events.size() - 1).at("/data/job/status").asText(), 1, Integer::sum));
            assertThat(finalStates)
                    .containsExactlyInAnyOrderEntriesOf(Map.of("completed", 210, "failed", 60, "cancelled", 30));
            long retries = history.values().stream()
                    .flatMap(List::stream)
                    .filter(e -> e.at("/data/transition/reason").asText().equals("retry"))
                    .count();
            assertThat(retries).isEqualTo(30 * 2 + 30 * 3);
            assertThat(history.get("job-1")
                            .get(history.get("job-1").size() - 1)
                            .at("/data/failures")
                            .asInt())
                    .isEqualTo(4);

            worker.send(new Command.Start(header("job-4"), "w", "late", null));
            producer.flush();
            List<JsonNode> rejections = readAll(config.get(JoblineConfig.REJECTIONS_TOPIC), 11);
            assertThat(rejections)
                    .extracting(r -> r.path("reason").asText())
                    .containsOnly("malformed", "invalid_transition")
                    .filteredOn("invalid_transition"::equals)
                    .hasSize(1);
            assertThat(registry.find(LifecycleMetrics.TIMERS_FIRED)
                            .tag("kind", "retry")
                            .counter()
                            .count())
                    .isGreaterThanOrEqualTo(150);
        }
    }

    private static boolean isEnd(JsonNode event) {
        String type = event.path("type").asText();
        return type.equals("job.completed")
                || type.equals("job.cancelled")
                || (type.equals("job.failed") && event.at("/data/retry").isMissingNode());
    }

    /** Plays the workers: what it does with a job depends on the job's number and attempt. */
    private static final class Worker {
        private final KafkaProducer<String, byte[]> producer;
        private final String topic;

        Worker(KafkaProducer<String, byte[]> producer, String topic) {
            this.producer = producer;
            this.topic = topic;
        }

        void react(JsonNode event) {
            String jobId = event.path("subject").asText();
            int kind = Integer.parseInt(jobId.substring("job-".length())) % 10;
            int attempt = event.at("/data/attempt").asInt();
            switch (event.path("type").asText()) {
                case "job.scheduled" ->
                    send(
                            kind == 3
                                    ? new Command.Cancel(header(jobId), "not needed")
                                    : new Command.Start(
                                            header(jobId), "worker", "L-" + jobId + "-" + (attempt + 1), null));
                case "job.started" -> {
                    String lease = event.at("/data/lease/leaseId").asText();
                    boolean fail = (kind == 0 && attempt <= 2) || kind == 1 || kind == 2;
                    send(
                            fail
                                    ? new Command.Fail(
                                            header(jobId), lease, new JobError("flaky", "try again", kind != 2))
                                    : new Command.Complete(header(jobId), lease, null));
                }
                default -> {}
            }
        }

        void send(Command command) {
            producer.send(new ProducerRecord<>(topic, command.jobId(), CommandCodec.write(command)));
        }
    }

    private static CommandHeader header(String jobId) {
        return new CommandHeader(UUID.randomUUID().toString(), jobId, null, null, null, null, null);
    }

    private List<JsonNode> readAll(String topic, int expected) {
        List<JsonNode> values = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = KAFKA.committedReader(topic)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (values.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(TopologyHarness.parse(r.value())));
            }
        }
        return values;
    }

    private static List<Long> range(int size) {
        List<Long> values = new ArrayList<>(size);
        for (long i = 1; i <= size; i++) {
            values.add(i);
        }
        return values;
    }

    private static KafkaProducer<String, byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }
}
