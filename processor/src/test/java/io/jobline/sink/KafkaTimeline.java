package io.jobline.sink;

import io.jobline.bench.TimelineRenderer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes and reads a timeline topic on a real broker the way the processor does: in
 * transactions, keyed by jobId, read back read_committed.
 */
final class KafkaTimeline implements AutoCloseable {

    private final String bootstrapServers;
    private final String topic;
    private final KafkaProducer<String, byte[]> producer;

    KafkaTimeline(String bootstrapServers, String topic) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-" + UUID.randomUUID());
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        producer.initTransactions();
    }

    /** Sends {@code events} in committed transactions of {@code perTransaction} records. */
    void send(List<TimelineRenderer.Event> events, int perTransaction) {
        for (int from = 0; from < events.size(); from += perTransaction) {
            producer.beginTransaction();
            events.subList(from, Math.min(events.size(), from + perTransaction)).forEach(this::sendOne);
            producer.commitTransaction();
        }
    }

    /** Sends {@code events} in a transaction that is then aborted: a read_committed reader never sees them. */
    void sendAborted(List<TimelineRenderer.Event> events) {
        producer.beginTransaction();
        events.forEach(this::sendOne);
        producer.flush();
        producer.abortTransaction();
    }

    /** Sends one raw value, committed, to {@code toTopic}. */
    void sendRaw(String toTopic, String key, byte[] value) {
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(toTopic, key, value));
        producer.commitTransaction();
    }

    /**
     * Stamped with the wall clock, not the event's time: the broker's time-based retention (seven
     * days by default) would delete records of an old workload while a test reads them.
     */
    private void sendOne(TimelineRenderer.Event event) {
        producer.send(new ProducerRecord<>(topic, event.key(), event.value()));
    }

    /** Every committed record of {@code topic}, read from the beginning to the end. */
    static List<SinkRecord> readCommitted(String bootstrapServers, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<SinkRecord> records = new ArrayList<>();
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> records.add(SinkRecord.of(record)));
            }
            return records;
        }
    }

    List<SinkRecord> readCommitted() {
        return readCommitted(bootstrapServers, topic);
    }

    @Override
    public void close() {
        producer.close();
    }
}
