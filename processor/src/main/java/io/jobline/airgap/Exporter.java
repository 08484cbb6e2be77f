package io.jobline.airgap;

import io.jobline.stream.TopicAdmin;
import io.jobline.wire.Timestamps;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Exports topics into a bundle (DESIGN §7): every partition read with {@code read_committed} from
 * its start (or a given offset or time) up to the end offset taken when the export starts, one
 * NDJSON file per partition, then the manifest.
 *
 * <p>The end is the last stable offset at the start: everything before it is decided (committed or
 * aborted), so the export is a consistent cut even while producers and the processor keep writing.
 * Offsets have gaps (transaction markers, aborted records), so a partition is done when the
 * consumer's position reaches its end, not when a record with the end offset minus one is seen.
 */
public final class Exporter {

    /**
     * What to export.
     *
     * @param fromOffsets start offsets of some partitions; the others start at {@code fromTime} or the beginning
     * @param fromTime epoch ms: start each partition at the first record at or after it; null for the beginning
     */
    public record Request(List<String> topics, Map<TopicPartition, Long> fromOffsets, Long fromTime, Path out) {

        public Request {
            topics = List.copyOf(new LinkedHashSet<>(topics)); // a topic named twice is exported once
        }
    }

    /**
     * @param clientProperties bootstrap servers and any Kafka client settings (TLS, SASL)
     * @param idleTimeout how long a partition may yield nothing before the export gives up
     */
    public record Settings(
            Properties clientProperties, String joblineVersion, Manifest.Processor processor, Duration idleTimeout) {}

    private static final Duration POLL = Duration.ofMillis(200);

    private final Settings settings;
    private final TransferProgress.Listener listener;

    public Exporter(Settings settings, TransferProgress.Listener listener) {
        this.settings = settings;
        this.listener = listener;
    }

    public Manifest export(Request request) {
        // The manifest's createdAt is when the export started (the schema's word), not when it ended.
        long startedAt = System.currentTimeMillis();
        BundleWriter.refuseTaken(request.out()); // before Kafka, which may take its 30 s to answer
        String clusterId = clusterId();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer();
                BundleWriter bundle = new BundleWriter(request.out())) {
            List<TopicPartition> partitions = new ArrayList<>();
            Map<String, Integer> partitionCounts = new HashMap<>();
            for (String topic : request.topics()) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
                if (infos == null || infos.isEmpty()) {
                    throw new AirGapException("topic " + topic + " does not exist on " + bootstrap());
                }
                partitionCounts.put(topic, infos.size());
                for (int p = 0; p < infos.size(); p++) {
                    partitions.add(new TopicPartition(topic, p));
                }
            }
            Map<TopicPartition, Long> start = startOffsets(consumer, partitions, request);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long expected = 0;
            for (TopicPartition tp : partitions) {
                expected += Math.max(0, end.get(tp) - start.get(tp));
            }

            Map<TopicPartition, BundleWriter.PartitionWriter> writers = new HashMap<>();
            for (TopicPartition tp : partitions) {
                writers.put(tp, bundle.open(tp.topic(), tp.partition()));
            }
            TransferProgress progress = new TransferProgress("export", expected, listener, 5_000);
            copy(consumer, partitions, start, end, writers, progress);
            progress.finish();

            List<Manifest.Topic> topics = new ArrayList<>();
            for (String topic : request.topics()) {
                List<Manifest.PartitionFile> files = new ArrayList<>();
                for (TopicPartition tp : partitions) {
                    if (tp.topic().equals(topic)) {
                        files.add(writers.get(tp).finish(start.get(tp), end.get(tp)));
                    }
                }
                topics.add(new Manifest.Topic(topic, partitionCounts.get(topic), List.copyOf(files)));
            }
            Manifest manifest = new Manifest(
                    settings.joblineVersion(),
                    Timestamps.format(startedAt),
                    new Manifest.Source(clusterId, bootstrap(), "read_committed"),
                    settings.processor(),
                    List.copyOf(topics));
            bundle.finish(manifest);
            return manifest;
        }
    }

    private void copy(
            KafkaConsumer<byte[], byte[]> consumer,
            List<TopicPartition> partitions,
            Map<TopicPartition, Long> start,
            Map<TopicPartition, Long> end,
            Map<TopicPartition, BundleWriter.PartitionWriter> writers,
            TransferProgress progress) {
        // A timeout past what a long counts in nanoseconds (292 years) is one that never ends.
        long idleNanos = settings.idleTimeout().compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0
                ? Long.MAX_VALUE
                : settings.idleTimeout().toNanos();
        Set<TopicPartition> pending = new HashSet<>();
        for (TopicPartition tp : partitions) {
            if (start.get(tp) < end.get(tp)) {
                pending.add(tp);
            }
        }
        consumer.assign(pending);
        pending.forEach(tp -> consumer.seek(tp, start.get(tp)));
        long lastProgress = System.nanoTime();
        while (!pending.isEmpty()) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
            for (ConsumerRecord<byte[], byte[]> record : records) {
                TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                if (record.offset() >= end.get(tp)) {
                    continue; // written after the export started
                }
                BundleWriter.PartitionWriter writer = writers.get(tp);
                long before = writer.bytes();
                writer.write(toLogRecord(record));
                progress.add(1, writer.bytes() - before);
            }
            List<TopicPartition> done = new ArrayList<>();
            for (TopicPartition tp : pending) {
                if (consumer.position(tp) >= end.get(tp)) {
                    done.add(tp);
                }
            }
            if (!done.isEmpty() || !records.isEmpty()) {
                lastProgress = System.nanoTime();
            }
            done.forEach(pending::remove);
            consumer.pause(done);
            if (System.nanoTime() - lastProgress > idleNanos) {
                TopicPartition stuck = pending.iterator().next();
                throw new AirGapException("export stalled: " + stuck + " is at offset " + consumer.position(stuck)
                        + " and has yielded nothing for "
                        + settings.idleTimeout().toSeconds() + " s (its end is "
                        + end.get(stuck) + ")");
            }
        }
    }

    private Map<TopicPartition, Long> startOffsets(
            KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions, Request request) {
        Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions, Duration.ofSeconds(30));
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        Map<TopicPartition, Long> start = new HashMap<>(beginning);
        if (request.fromTime() != null) {
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(tp -> query.put(tp, request.fromTime()));
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, Duration.ofSeconds(30));
            partitions.forEach(tp -> start.put(
                    tp, found.get(tp) == null ? end.get(tp) : found.get(tp).offset()));
        }
        request.fromOffsets().forEach((tp, offset) -> {
            if (!beginning.containsKey(tp)) {
                throw new AirGapException("--from-offsets names " + tp + ", which is not being exported");
            }
            if (offset < beginning.get(tp)) {
                throw new AirGapException("offset " + offset + " of " + tp + " is no longer in the log (it starts at "
                        + beginning.get(tp) + ")");
            }
            if (offset > end.get(tp)) {
                throw new AirGapException("offset " + offset + " of " + tp + " is past its end (" + end.get(tp)
                        + " is the offset of the next record it will take)");
            }
            start.put(tp, offset);
        });
        return start;
    }

    private static LogRecord toLogRecord(ConsumerRecord<byte[], byte[]> record) {
        List<LogRecord.Header> headers = new ArrayList<>(1);
        for (Header header : record.headers()) {
            headers.add(new LogRecord.Header(header.key(), header.value()));
        }
        return new LogRecord(
                record.topic(),
                record.partition(),
                record.offset(),
                record.timestamp(),
                record.key(),
                record.value(),
                headers);
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Properties props = new Properties();
        props.putAll(settings.clientProperties());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "jobline-export");
        props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        props.putIfAbsent(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 << 20);
        props.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20);
        props.putIfAbsent(ConsumerConfig.RECEIVE_BUFFER_CONFIG, 1 << 20);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG); // assigned partitions, no group: an export commits nothing
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private String clusterId() {
        try (TopicAdmin.Client client = TopicAdmin.open(settings.clientProperties())) {
            return client.admin().describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AirGapException("cannot reach Kafka at " + bootstrap() + ": " + TopicAdmin.why(e), e);
        }
    }

    private String bootstrap() {
        return String.valueOf(settings.clientProperties().get("bootstrap.servers"));
    }
}
