package io.jobline.sink;

import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * One record of the timeline or rejections topic, as the sink writes it. An offline replay builds
 * these from an exported bundle, without a broker; the position (topic, partition, offset) is
 * what keys a rejection row, so a replayed record lands on the row it landed on before.
 *
 * @param key the record key's bytes, or null
 * @param value the record value's bytes, or null for a tombstone
 * @param timestamp the record timestamp, epoch milliseconds
 */
public record SinkRecord(String topic, int partition, long offset, byte[] key, byte[] value, long timestamp) {

    public SinkRecord {
        Objects.requireNonNull(topic, "topic");
    }

    public static SinkRecord of(ConsumerRecord<byte[], byte[]> record) {
        return new SinkRecord(
                record.topic(), record.partition(), record.offset(), record.key(), record.value(), record.timestamp());
    }

    public TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }

    /** {@code topic-partition@offset}, for messages. */
    public String position() {
        return topic + "-" + partition + "@" + offset;
    }
}
