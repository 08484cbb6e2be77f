package io.jobline.sink;

import io.jobline.config.JoblineConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.flywaydb.core.api.CoreErrorCode;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer of the PostgreSQL sink ({@link PostgresSink} runs one or more in a process): a
 * member of the sink's group (read_committed) that writes each polled batch with {@link SinkWriter},
 * in one transaction together with the offsets after it. It never commits offsets to Kafka:
 * PostgreSQL holds them, and on every assignment (start-up and each rebalance) it seeks each
 * partition to the offset stored there, so nothing is lost and nothing written twice.
 *
 * <p>While PostgreSQL is unreachable it pauses its partitions, keeps polling (so it stays in the
 * group) with a backoff as the poll timeout, reports not-ready, and writes the same batch again
 * once PostgreSQL answers. It applies the migrations before its first write.
 *
 * <p>All Kafka and database work happens on the thread that calls {@link #run()};
 * {@link #health()}, {@link #assignment()} and {@link #stop()} may be called from any thread.
 */
final class SinkLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SinkLoop.class);

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    private static final Duration CONSUMER_CLOSE_TIMEOUT = Duration.ofSeconds(30);

    /** How often an idle sink asks PostgreSQL whether it is there. */
    static final Duration IDLE_ASK_INTERVAL = Duration.ofSeconds(5);

    private final String name;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final SinkWriter writer;
    private final SinkMetrics metrics;
    private final SinkTopics topics;
    private final DataSource dataSource;
    private final String schema;
    private final String group;
    private final Backoff backoff;
    private final Runnable onFailure;

    private final AtomicBoolean entered = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closing;
    private volatile SinkHealth health = SinkHealth.of(SinkHealth.Status.STARTING, "");
    private volatile Set<TopicPartition> assignment = Set.of();

    // This loop's thread only.
    private final List<ConsumerRecord<byte[], byte[]>> pending = new ArrayList<>();
    private final Set<TopicPartition> unpositioned = new HashSet<>();
    private boolean migrated;
    private Instant unavailableSince;
    /** When PostgreSQL last took a write or answered: an idle sink asks it now and then. */
    private long lastAnsweredNanos = System.nanoTime();

    private Duration pollTimeout = POLL_TIMEOUT;

    /**
     * @param name tells this consumer apart in logs, e.g. {@code jobline-sink-0}
     * @param onFailure called on this loop's thread when it stops on an unexpected error
     */
    SinkLoop(String name, JoblineConfig config, DataSource dataSource, SinkMetrics metrics, Runnable onFailure) {
        this.name = name;
        this.consumer = new KafkaConsumer<>(
                consumerProperties(config), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topics = SinkTopics.from(config);
        this.group = config.get(JoblineConfig.SINK_GROUP_ID);
        this.writer = new SinkWriter(dataSource, topics, group);
        this.dataSource = dataSource;
        this.schema = config.get(JoblineConfig.DB_SCHEMA);
        this.metrics = metrics;
        this.onFailure = onFailure;
        this.backoff = new Backoff(FIRST_RETRY, Duration.ofMillis(config.get(JoblineConfig.SINK_RETRY_BACKOFF_MAX_MS)));
    }

    /** The consumer's settings; {@code kafka.*} keys pass through, except what exactly-once rests on. */
    static Properties consumerProperties(JoblineConfig config) {
        Properties props = new Properties();
        props.putAll(config.kafkaProperties());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(JoblineConfig.BOOTSTRAP_SERVERS));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.get(JoblineConfig.SINK_GROUP_ID));
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.get(JoblineConfig.SINK_MAX_POLL_RECORDS));
        // Used only for a partition with no stored offset, or one whose records retention removed.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return props;
    }

    String name() {
        return name;
    }

    SinkHealth health() {
        return health;
    }

    /** The partitions this consumer holds now. */
    Set<TopicPartition> assignment() {
        return assignment;
    }

    @Override
    public void run() {
        if (!entered.compareAndSet(false, true)) {
            if (closing) {
                return; // closed before its thread got here
            }
            throw new IllegalStateException("a sink consumer runs once; " + name + " is already running");
        }
        LOG.info("{} of group {} starting: topics {}, schema {}", name, group, topics.names(), schema);
        try {
            consumer.subscribe(topics.names(), new Rebalance());
            while (!closing) {
                step();
            }
            health = SinkHealth.of(SinkHealth.Status.STOPPED, "closed");
        } catch (WakeupException e) {
            health = SinkHealth.of(SinkHealth.Status.STOPPED, "closed");
        } catch (RuntimeException | Error e) {
            health = SinkHealth.of(SinkHealth.Status.FAILED, name + ": " + e);
            LOG.error("{} stopped on an unexpected error", name, e);
            onFailure.run();
        } finally {
            closeConsumer();
            stopped.countDown();
        }
    }

    /** One poll, then whatever the database work is: migrate, seek, write. */
    private void step() {
        consumer.poll(pollTimeout).forEach(pending::add);
        try {
            if (!migrated) {
                Migrations.Report report = Migrations.apply(dataSource, schema);
                LOG.info(
                        "{}: schema {} at version {}{}",
                        name,
                        schema,
                        report.versionAfter(),
                        report.applied().isEmpty() ? "" : ", applied " + report.applied());
                migrated = true;
            }
            positionAssigned();
            writePending();
            databaseReachable();
        } catch (OffsetsLostException e) {
            readAgain(e);
        } catch (FlywayValidateException e) {
            // The schema holds migrations that differ from this jobline's (an edited or newer
            // file): waiting will not change that, so the sink stops as failed and says why.
            throw new IllegalStateException(
                    "schema " + schema + " does not match jobline's migrations; fix it, or point"
                            + " jobline.db.schema elsewhere: " + e.getMessage(),
                    e);
        } catch (FlywayException e) {
            if (e.getErrorCode() == CoreErrorCode.NON_EMPTY_SCHEMA_WITHOUT_SCHEMA_HISTORY_TABLE) {
                // Another application's tables (the default schema is public): Flyway will not
                // migrate there, and waiting will not change that either.
                throw new IllegalStateException(
                        "schema " + schema + " holds tables but no jobline migrations; point"
                                + " jobline.db.schema at a schema of jobline's own: " + e.getMessage(),
                        e);
            }
            databaseUnreachable(e);
        } catch (SQLException e) {
            databaseUnreachable(e);
        }
        reportLag();
    }

    /**
     * Refuses stored offsets past a partition's end: the topic was deleted and created again (or
     * truncated), and Kafka would start the consumer from its beginning, where every record below
     * the stored offset would pass for written and be skipped. Warns of records that retention
     * deleted before the sink wrote them: nothing can bring those back.
     */
    private void checkStoredOffsets(Map<TopicPartition, Long> stored) {
        if (stored.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> ends;
        Map<TopicPartition, Long> starts;
        try {
            ends = consumer.endOffsets(stored.keySet());
            starts = consumer.beginningOffsets(stored.keySet());
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            LOG.warn(
                    "{}: cannot check the stored offsets against the log now ({}); seeking to them",
                    name,
                    e.getMessage());
            return;
        }
        stored.forEach((partition, next) -> {
            if (next > ends.get(partition)) {
                throw new IllegalStateException(partition + " ends at offset " + ends.get(partition)
                        + ", yet sink_offsets (sink " + group + ") says the records before offset " + next
                        + " are written: was the topic deleted and created again? Delete that partition's"
                        + " rows from sink_offsets to sink it afresh");
            }
            if (next < starts.get(partition)) {
                LOG.warn(
                        "{}: records {} to {} of {} were deleted by retention before the sink wrote them",
                        name,
                        next,
                        starts.get(partition) - 1,
                        partition);
            }
        });
    }

    /** Seeks newly assigned partitions to the offsets stored with the rows, then lets them fetch. */
    private void positionAssigned() throws SQLException {
        if (unpositioned.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> stored = writer.storedOffsets(unpositioned);
        checkStoredOffsets(stored);
        Map<String, Object> positions = new TreeMap<>();
        for (TopicPartition partition : unpositioned) {
            Long next = stored.get(partition);
            if (next == null) {
                consumer.seekToBeginning(List.of(partition));
            } else {
                consumer.seek(partition, next);
            }
            positions.put(partition.toString(), next == null ? "beginning" : next);
        }
        LOG.info("{}: positioned at the offsets in sink_offsets: {}", name, positions);
        consumer.resume(unpositioned);
        unpositioned.clear();
    }

    private void writePending() throws SQLException {
        if (pending.isEmpty()) {
            askWhileIdle();
            return;
        }
        List<SinkRecord> records = new ArrayList<>(pending.size());
        Map<TopicPartition, Long> nextOffsets = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : pending) {
            records.add(SinkRecord.of(record));
            nextOffsets.merge(new TopicPartition(record.topic(), record.partition()), record.offset() + 1, Math::max);
        }
        long start = System.nanoTime();
        WriteResult result = writer.write(records, nextOffsets);
        lastAnsweredNanos = System.nanoTime();
        metrics.written(result, Duration.ofNanos(System.nanoTime() - start));
        if (result.malformed() > 0) {
            LOG.warn(
                    "{}: {} records could never be written; stored raw in job_rejections as malformed",
                    name,
                    result.malformed());
        }
        pending.clear();
    }

    /**
     * PostgreSQL lost commits of these partitions (or they were deleted): this consumer has read
     * past the records they held, so it seeks back to the stored offsets, as after an assignment.
     */
    private void readAgain(OffsetsLostException e) {
        LOG.warn("{}: {}; reading {} again from there", name, e.getMessage(), e.partitions());
        pending.removeIf(record -> e.partitions().contains(new TopicPartition(record.topic(), record.partition())));
        writer.forget(e.partitions());
        consumer.pause(e.partitions());
        unpositioned.addAll(e.partitions());
    }

    /**
     * With nothing to write, asks PostgreSQL whether it is there, at most every
     * {@link #IDLE_ASK_INTERVAL}: a sink that only noticed when it wrote was ready, on
     * {@code /readyz}, for as long as no event came, with its database gone.
     */
    private void askWhileIdle() throws SQLException {
        if (unavailableSince == null && System.nanoTime() - lastAnsweredNanos < IDLE_ASK_INTERVAL.toNanos()) {
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            if (!connection.isValid(2)) {
                throw new SQLException("PostgreSQL did not answer a validity check within 2 s");
            }
        }
        lastAnsweredNanos = System.nanoTime();
    }

    private void databaseReachable() {
        if (unavailableSince != null) {
            LOG.info(
                    "{}: PostgreSQL reachable again after {} s and {} attempts; resuming",
                    name,
                    Duration.between(unavailableSince, Instant.now()).toSeconds(),
                    backoff.failures());
            unavailableSince = null;
            consumer.resume(consumer.assignment());
        }
        backoff.reset();
        pollTimeout = POLL_TIMEOUT;
        if (!health.isReady()) {
            health = SinkHealth.of(SinkHealth.Status.READY, "");
        }
    }

    private void databaseUnreachable(Exception e) {
        metrics.retried(SinkMetrics.RetryCause.UNAVAILABLE);
        consumer.pause(consumer.assignment());
        pollTimeout = backoff.next();
        String cause = describe(e);
        if (unavailableSince == null) {
            unavailableSince = Instant.now();
            health = SinkHealth.of(SinkHealth.Status.DATABASE_UNAVAILABLE, name + ": " + cause);
            LOG.warn(
                    "{}: PostgreSQL unavailable ({}); paused {} partitions with {} records pending, retrying "
                            + "with backoff",
                    name,
                    cause,
                    consumer.assignment().size(),
                    pending.size());
        } else {
            LOG.debug(
                    "{}: PostgreSQL still unavailable after {} attempts ({}); next in {} ms",
                    name,
                    backoff.failures(),
                    cause,
                    pollTimeout.toMillis());
        }
    }

    private void reportLag() {
        Map<TopicPartition, Integer> pendingByPartition = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : pending) {
            pendingByPartition.merge(new TopicPartition(record.topic(), record.partition()), 1, Integer::sum);
        }
        for (TopicPartition partition : consumer.assignment()) {
            OptionalLong lag = consumer.currentLag(partition);
            if (lag.isPresent()) {
                metrics.lag(partition, lag.getAsLong() + pendingByPartition.getOrDefault(partition, 0));
            }
        }
    }

    private static String describe(Exception e) {
        Throwable cause = e instanceof FlywayException && e.getCause() != null ? e.getCause() : e;
        String state = cause instanceof SQLException sql && sql.getSQLState() != null ? sql.getSQLState() + " " : "";
        return state + String.valueOf(cause.getMessage()).lines().findFirst().orElse("");
    }

    /** Asks the loop to stop; returns at once. */
    void stop() {
        closing = true;
        if (entered.compareAndSet(false, true)) {
            closeConsumer();
            health = SinkHealth.of(SinkHealth.Status.STOPPED, "closed before it ran");
            stopped.countDown();
            return;
        }
        consumer.wakeup();
    }

    void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /** Waits until the loop has stopped and closed its consumer, at most {@code timeout}. */
    boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void closeConsumer() {
        try {
            consumer.close(CloseOptions.timeout(CONSUMER_CLOSE_TIMEOUT));
        } catch (RuntimeException e) {
            LOG.warn("{}: closing the consumer failed", name, e);
        }
    }

    /** Partitions come and go only inside {@code poll}, on the sink thread, between two writes. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            // No fetch until they are positioned from sink_offsets, which may have to wait for PostgreSQL.
            consumer.pause(partitions);
            unpositioned.addAll(partitions);
            assignment = Set.copyOf(consumer.assignment());
            LOG.info("{}: assigned {}", name, partitions);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            forget(partitions, "revoked");
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions, "lost");
        }

        private void forget(Collection<TopicPartition> partitions, String how) {
            if (partitions.isEmpty()) {
                return;
            }
            // Their new owner reads them from the stored offsets; a batch of them not written is its to write.
            pending.removeIf(record -> partitions.contains(new TopicPartition(record.topic(), record.partition())));
            unpositioned.removeAll(partitions);
            writer.forget(partitions);
            metrics.forget(partitions);
            Set<TopicPartition> kept = new HashSet<>(assignment);
            kept.removeAll(partitions);
            assignment = Set.copyOf(kept);
            LOG.info("{}: {} {}", name, how, partitions);
        }
    }
}
