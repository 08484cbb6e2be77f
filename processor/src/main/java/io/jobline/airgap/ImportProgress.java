package io.jobline.airgap;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobline.stream.TopicAdmin;
import io.jobline.wire.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Where the imports from one source cluster into a target stand: per source partition, the offset
 * its import began at, the next one to import, and the id of the target topic they went into.
 *
 * <p>Kept in the target's compacted topic {@value #TOPIC}, one record per source partition keyed
 * {@code <source>/<topic>/<partition>}, written in the transaction of the records it covers. Not in
 * a consumer group's offsets: Kafka deletes those of a group without members after
 * {@code offsets.retention.minutes} (a week by default), and the next import would then write
 * everything again. Offsets an earlier jobline kept in the group {@code <source>} are still read
 * for partitions that have no record yet. A record for a topic that was since deleted and created
 * again (another topic id) is stale, and ignored.
 */
final class ImportProgress {

    static final String TOPIC = "jobline.import-progress";

    private static final Duration WAIT_FOR_OPEN_TRANSACTIONS = Duration.ofSeconds(60);

    /** One source partition's progress; {@code first} is {@link Long#MIN_VALUE} when an earlier jobline did not keep it. */
    record Partition(long first, long next, String topicId) {

        byte[] toJson() {
            return ("{\"first\":" + first + ",\"next\":" + next + ",\"topicId\":\"" + topicId + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
        }

        static Partition fromJson(byte[] json) {
            JsonNode node = Json.tree(json);
            return new Partition(
                    node.path("first").asLong(),
                    node.path("next").asLong(),
                    node.path("topicId").asText(null));
        }
    }

    private final String source;
    private final Properties client;

    /** @param source the source cluster's name for progress: also the importer's transactional id */
    ImportProgress(String source, Properties client) {
        this.source = source;
        this.client = client;
    }

    /** Creates the progress topic, or checks that the one there keeps every record for ever. */
    static void ensureTopic(Admin admin, Set<String> existing, int replication)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (!existing.contains(TOPIC)
                && TopicAdmin.createIfAbsent(
                        admin,
                        new NewTopic(TOPIC, 1, (short) replication)
                                .configs(Map.of("cleanup.policy", "compact", "retention.ms", "-1")))) {
            return;
        }
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, TOPIC);
        ConfigEntry policy = admin.describeConfigs(List.of(resource))
                .all()
                .get(30, TimeUnit.SECONDS)
                .get(resource)
                .get("cleanup.policy");
        if (policy == null || !policy.value().equals("compact")) {
            throw new AirGapException("topic " + TOPIC + " on the target has cleanup.policy="
                    + (policy == null ? "(unknown)" : policy.value()) + "; it holds the imports' progress and must"
                    + " keep the latest record of every key for ever: set cleanup.policy=compact");
        }
    }

    /** The record that sets {@code tp}'s progress, for the transaction of the records it covers. */
    ProducerRecord<byte[], byte[]> record(TopicPartition tp, Partition progress) {
        return new ProducerRecord<>(TOPIC, 0, key(tp).getBytes(StandardCharsets.UTF_8), progress.toJson());
    }

    private String key(TopicPartition tp) {
        return source + "/" + tp.topic() + "/" + tp.partition();
    }

    /**
     * The progress of {@code partitions}, as committed; those without any are absent. Call it once
     * the importer's producer has fenced any earlier one of the same source, so no transaction of
     * ours is left open; one of another source's importer is waited for, up to a minute.
     */
    Map<TopicPartition, Partition> read(Admin admin, List<TopicPartition> partitions, Map<String, Uuid> topicIds)
            throws InterruptedException, ExecutionException, TimeoutException {
        awaitNoOpenTransaction(admin);
        Map<String, TopicPartition> byKey = new HashMap<>();
        partitions.forEach(tp -> byKey.put(key(tp), tp));
        Map<TopicPartition, Partition> progress = new HashMap<>();
        forEachCommitted(client, List.of(new TopicPartition(TOPIC, 0)), record -> {
            TopicPartition tp =
                    record.key() == null ? null : byKey.get(new String(record.key(), StandardCharsets.UTF_8));
            if (tp != null) {
                if (record.value() == null) {
                    progress.remove(tp); // deleted by hand: import that partition afresh
                } else {
                    progress.put(tp, Partition.fromJson(record.value()));
                }
            }
            return true;
        });
        // Progress of a topic deleted and created again since is stale: its records are gone.
        progress.entrySet().removeIf(entry -> {
            String id = entry.getValue().topicId();
            return id != null
                    && !id.equals(String.valueOf(topicIds.get(entry.getKey().topic())));
        });
        readEarlierJoblines(admin, partitions, topicIds, progress);
        return progress;
    }

    /** Adds the offsets an earlier jobline kept as the committed offsets of the group {@code source}. */
    private void readEarlierJoblines(
            Admin admin,
            List<TopicPartition> partitions,
            Map<String, Uuid> topicIds,
            Map<TopicPartition, Partition> progress)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(source)
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS);
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata offset = committed.get(tp);
            if (offset != null && !progress.containsKey(tp)) {
                progress.put(
                        tp, new Partition(Long.MIN_VALUE, offset.offset(), String.valueOf(topicIds.get(tp.topic()))));
            }
        }
    }

    /**
     * Waits until no transaction is open on the progress topic: a committed read stops at the
     * first open one, and would miss the progress committed after it.
     */
    private static void awaitNoOpenTransaction(Admin admin)
            throws InterruptedException, ExecutionException, TimeoutException {
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        long deadline = System.nanoTime() + WAIT_FOR_OPEN_TRANSACTIONS.toNanos();
        while (true) {
            long stable = end(admin, tp, IsolationLevel.READ_COMMITTED);
            long written = end(admin, tp, IsolationLevel.READ_UNCOMMITTED);
            if (stable == written) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AirGapException(TOPIC + " on the target has had a transaction open for "
                        + WAIT_FOR_OPEN_TRANSACTIONS.toSeconds() + " s: another import is running there, or one"
                        + " died and its transaction has not timed out yet (5 minutes for jobline's); try again"
                        + " later");
            }
            Thread.sleep(500);
        }
    }

    private static long end(Admin admin, TopicPartition tp, IsolationLevel isolation)
            throws InterruptedException, ExecutionException, TimeoutException {
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest()), new ListOffsetsOptions(isolation))
                .partitionResult(tp)
                .get(30, TimeUnit.SECONDS)
                .offset();
    }

    /**
     * Reads the committed records of {@code partitions} from their start to their end, in order;
     * a partition is left as soon as {@code reader} returns false for one of its records.
     */
    static void forEachCommitted(
            Properties client, List<TopicPartition> partitions, Predicate<ConsumerRecord<byte[], byte[]>> reader) {
        if (partitions.isEmpty()) {
            return;
        }
        Properties props = new Properties();
        props.putAll(client);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "jobline-import");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            Set<TopicPartition> reading = new HashSet<>(partitions);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (true) {
                reading.removeIf(tp -> consumer.position(tp, Duration.ofSeconds(30)) >= ends.get(tp));
                if (reading.isEmpty()) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new AirGapException("cannot read " + reading + " on the target within two minutes");
                }
                List<TopicPartition> done = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    if (reading.contains(tp) && !reader.test(record)) {
                        reading.remove(tp);
                        done.add(tp);
                    }
                }
                consumer.pause(done);
            }
        }
    }
}
