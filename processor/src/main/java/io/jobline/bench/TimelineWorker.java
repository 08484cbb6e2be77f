package io.jobline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobline.domain.Command;
import io.jobline.domain.CommandHeader;
import io.jobline.wire.CommandCodec;
import io.jobline.wire.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A worker fleet in one object, for benchmarks and integration tests against a real broker: it
 * sends commands, follows the timeline ({@code read_committed}), and can run every scheduled job
 * to completion. Each event is kept with the wall-clock time it was seen.
 */
public final class TimelineWorker implements AutoCloseable {

    /** A timeline event and when (epoch ms, wall clock) this worker read it. */
    public record Seen(JsonNode event, long seenAt) {
        public String jobId() {
            return event.path("subject").asText();
        }

        public String type() {
            return event.path("type").asText();
        }

        public long sequence() {
            return event.path("sequence").asLong();
        }
    }

    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> timeline;
    private final String commandsTopic;
    private final List<Seen> seen = new ArrayList<>();
    private boolean completeScheduledJobs;

    public TimelineWorker(String bootstrapServers, String commandsTopic, String timelineTopic) {
        this.commandsTopic = commandsTopic;
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        this.producer = new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "jobline-worker-" + UUID.randomUUID());
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.timeline = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new ByteArrayDeserializer());
        this.timeline.subscribe(List.of(timelineTopic));
    }

    /** From now on, start every job that gets scheduled and complete every job that starts. */
    public TimelineWorker completeScheduledJobs() {
        this.completeScheduledJobs = true;
        return this;
    }

    public void send(Command command) {
        producer.send(new ProducerRecord<>(commandsTopic, command.jobId(), CommandCodec.write(command)));
    }

    public void flush() {
        producer.flush();
    }

    /** Follows the timeline until {@code done} holds for everything seen, or the timeout passes. */
    public boolean awaitUntil(Predicate<List<Seen>> done, Duration timeout) {
        producer.flush();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(seen)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            for (ConsumerRecord<String, byte[]> record : timeline.poll(Duration.ofMillis(50))) {
                Seen event = new Seen(Json.tree(record.value()), System.currentTimeMillis());
                seen.add(event);
                if (completeScheduledJobs) {
                    react(event);
                }
            }
            producer.flush();
        }
        return true;
    }

    private void react(Seen seen) {
        String jobId = seen.jobId();
        switch (seen.type()) {
            case "job.scheduled" ->
                send(new Command.Start(
                        header(jobId),
                        "bench-worker",
                        jobId + "-" + (seen.event().at("/data/attempt").asInt() + 1),
                        null));
            case "job.started" ->
                send(new Command.Complete(
                        header(jobId), seen.event().at("/data/lease/leaseId").asText(), null));
            default -> {}
        }
    }

    public static CommandHeader header(String jobId) {
        return new CommandHeader(UUID.randomUUID().toString(), jobId, null, null, null, null, null);
    }

    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        timeline.close(Duration.ofSeconds(5));
    }
}
