package io.jobline.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobline.wire.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Correlates commands with their outcomes for {@code ?wait=}: follows the timeline and the
 * rejections (read_committed, every partition, from the end) and completes the future of a
 * command when its first committed event (subject and causationid) or its rejection (jobId and
 * commandId) appears.
 */
public final class OutcomeTracker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutcomeTracker.class);

    /** What became of a command: the job after its events, or its rejection. */
    public record Outcome(JsonNode job, JsonNode rejection) {}

    private final KafkaConsumer<String, byte[]> consumer;
    private final String timelineTopic;
    private final String rejectionsTopic;
    /**
     * Futures by job and commandId: a commandId is the client's choice and unique only within its
     * job, so two tenants may well pick the same one for their own jobs. Each request waits on
     * its own future: a retry may wait for the same command while the first request still does.
     */
    private final Map<Key, List<CompletableFuture<Outcome>>> waiting = new ConcurrentHashMap<>();

    private final Thread thread;
    private volatile boolean ready;
    private volatile boolean running = true;
    private volatile RuntimeException failure;

    public OutcomeTracker(Properties kafka, String timelineTopic, String rejectionsTopic) {
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG); // assigned partitions, no group
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.timelineTopic = timelineTopic;
        this.rejectionsTopic = rejectionsTopic;
        this.thread = new Thread(this::run, "jobline-outcomes");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Whether outcomes of commands sent from now on will be seen. */
    public boolean isReady() {
        return ready;
    }

    /** Why the tracker stopped for good, or null while it runs (or was closed). */
    public String failure() {
        RuntimeException e = failure;
        return e == null ? null : "its outcome tracker stopped: " + e;
    }

    /** Call before sending the command, so its outcome cannot slip past. */
    public CompletableFuture<Outcome> expect(String jobId, String commandId) {
        CompletableFuture<Outcome> future = new CompletableFuture<>();
        waiting.compute(new Key(jobId, commandId), (key, futures) -> {
            List<CompletableFuture<Outcome>> all = futures == null ? new ArrayList<>(1) : futures;
            all.add(future);
            return all;
        });
        return future;
    }

    /** Stops following {@code future}, which {@link #expect} gave; others waiting for that command still wait. */
    public void forget(String jobId, String commandId, CompletableFuture<Outcome> future) {
        waiting.computeIfPresent(new Key(jobId, commandId), (key, futures) -> {
            futures.remove(future);
            return futures.isEmpty() ? null : futures;
        });
    }

    private record Key(String jobId, String commandId) {}

    /** The last event read so far of a command someone waits for. */
    private record Held(Key key, TopicPartition partition, long offset, JsonNode event) {}

    private void run() {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            while (running && partitions.isEmpty()) {
                partitions = partitionsOf(timelineTopic, rejectionsTopic);
                if (partitions.isEmpty()) {
                    Thread.sleep(500); // the topics are not created yet
                }
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // resolve now: what is sent after "ready" is after this
            ready = true;
            // A command's events are consecutive in its partition, but a poll may end between them:
            // its last event so far is held until a later record of that partition, or the
            // partition's end (the last stable offset, so the whole transaction), has been read.
            Map<Key, Held> held = new HashMap<>();
            Map<TopicPartition, Long> lastOffsets = new HashMap<>();
            while (running) {
                for (ConsumerRecord<String, byte[]> record :
                        consumer.poll(Duration.ofMillis(held.isEmpty() ? 200 : 10))) {
                    lastOffsets.put(new TopicPartition(record.topic(), record.partition()), record.offset());
                    if (!waiting.isEmpty()) {
                        collect(record, held);
                    }
                }
                held.values().removeIf(h -> {
                    boolean ended = lastOffsets.get(h.partition()) > h.offset()
                            || consumer.currentLag(h.partition()).orElse(-1) == 0;
                    if (ended) {
                        complete(h.key(), new Outcome(h.event().at("/data/job"), null));
                    }
                    return ended;
                });
            }
        } catch (WakeupException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("the outcome tracker stopped; ?wait= requests will time out", e);
            failure = e;
        } finally {
            ready = false;
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void collect(ConsumerRecord<String, byte[]> record, Map<Key, Held> held) {
        JsonNode value;
        try {
            value = Json.readTree(record.value());
        } catch (IOException | RuntimeException e) {
            return; // not ours to judge: the sink records unreadable values
        }
        if (record.topic().equals(timelineTopic)) {
            Key key = new Key(
                    value.path("subject").asText(null),
                    value.path("causationid").asText(null));
            if (waiting.containsKey(key)) {
                held.put(
                        key,
                        new Held(
                                key,
                                new TopicPartition(record.topic(), record.partition()),
                                record.offset(),
                                value)); // keep the last
            }
        } else {
            complete(
                    new Key(
                            value.path("jobId").asText(null),
                            value.path("commandId").asText(null)),
                    new Outcome(null, value));
        }
    }

    private void complete(Key key, Outcome outcome) {
        List<CompletableFuture<Outcome>> futures = waiting.remove(key);
        if (futures != null) {
            futures.forEach(future -> future.complete(outcome));
        }
    }

    private List<TopicPartition> partitionsOf(String... topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos == null || infos.isEmpty()) {
                return List.of();
            }
            infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        return partitions;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        waiting.values().forEach(futures -> futures.forEach(f -> f.cancel(false)));
    }
}
