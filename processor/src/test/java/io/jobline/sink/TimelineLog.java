package io.jobline.sink;

import io.jobline.bench.TimelineRenderer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Timeline and rejection records as the sink's consumer would see them, without a broker: spread
 * over partitions by key, offsets counted per partition. The events are real ones, rendered by
 * the processor's code from a {@code Workload}.
 */
final class TimelineLog {

    static final SinkTopics TOPICS = new SinkTopics("jobline.timeline", "jobline.rejections");
    static final long T0 = 1_764_000_000_000L;
    /** The smallest workload: one wave of 1,000 jobs, about 4,300 events. */
    static final int ONE_WAVE = 4_200;

    private final int partitions;
    private final Map<TopicPartition, Long> nextOffsets = new HashMap<>();
    private final List<SinkRecord> records = new ArrayList<>();

    TimelineLog(int partitions) {
        this.partitions = partitions;
    }

    /** The timeline of a workload of at least {@code commands} commands, over three partitions. */
    static TimelineLog ofWorkload(int commands) {
        TimelineLog log = new TimelineLog(3);
        for (TimelineRenderer.Event event : TimelineRenderer.render(commands, T0)) {
            log.timeline(event.key(), event.value());
        }
        return log;
    }

    SinkRecord timeline(String key, byte[] value) {
        return append(TOPICS.timeline(), key, value);
    }

    SinkRecord rejection(String key, byte[] value) {
        return append(TOPICS.rejections(), key, value);
    }

    private SinkRecord append(String topic, String key, byte[] value) {
        TopicPartition partition =
                new TopicPartition(topic, key == null ? 0 : Math.floorMod(key.hashCode(), partitions));
        long offset = nextOffsets.merge(partition, 1L, Long::sum) - 1;
        SinkRecord record = new SinkRecord(
                topic,
                partition.partition(),
                offset,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value,
                T0 + records.size());
        records.add(record);
        return record;
    }

    List<SinkRecord> records() {
        return records;
    }

    /** The offsets after each partition's last record in {@code batch}, as the sink stores them. */
    static Map<TopicPartition, Long> nextOffsets(List<SinkRecord> batch) {
        Map<TopicPartition, Long> next = new HashMap<>();
        for (SinkRecord record : batch) {
            next.merge(record.topicPartition(), record.offset() + 1, Math::max);
        }
        return next;
    }

    static List<List<SinkRecord>> batches(List<SinkRecord> records, int size) {
        List<List<SinkRecord>> batches = new ArrayList<>();
        for (int from = 0; from < records.size(); from += size) {
            batches.add(records.subList(from, Math.min(records.size(), from + size)));
        }
        return batches;
    }
}
