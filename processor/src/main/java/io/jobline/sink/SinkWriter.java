package io.jobline.sink;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import javax.sql.DataSource;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes timeline and rejection records into PostgreSQL, each batch in one transaction together
 * with the offsets after it (DESIGN §4): history rows, one {@code jobs} upsert per job, the
 * rejections, and {@code sink_offsets}. Needs no broker, so an offline replay writes through it
 * as the live sink does.
 *
 * <p>Exactly once: the transaction first locks the batch's rows of {@code sink_offsets} and
 * skips records below them, so a batch written before (a restart, a rebalance, a writer that
 * lost its partitions and finishes anyway) is not written again. Where it finds less than this
 * writer's own commits stored there, PostgreSQL lost them, and the caller is told to read those
 * partitions again ({@link OffsetsLostException}). Without offsets every table is
 * still idempotent: history keeps the events it has, jobs only move forward, rejections are
 * keyed by their Kafka position.
 *
 * <p>A record that can never be written becomes a {@code malformed} rejection and the rest of the
 * batch goes on: most are caught while reading; one that only PostgreSQL refuses (a date out of
 * range) is set apart by writing the batch in halves.
 *
 * <p>One writer serves one consumer, on its thread: it remembers the offsets it stored.
 */
public final class SinkWriter {

    private static final Logger LOG = LoggerFactory.getLogger(SinkWriter.class);

    private final DataSource dataSource;
    private final RecordReader reader;
    private final String sink;
    /**
     * The next offsets this writer's own commits stored, by partition. sink_offsets never moves
     * back, so finding less there means PostgreSQL lost commits: see {@link OffsetsLostException}.
     */
    private final Map<TopicPartition, Long> committed = new HashMap<>();

    /**
     * @param sink the name the offsets are stored under: the consumer group
     */
    public SinkWriter(DataSource dataSource, SinkTopics topics, String sink) {
        this.dataSource = dataSource;
        this.reader = new RecordReader(topics);
        this.sink = sink;
    }

    /**
     * Writes {@code records} and stores {@code nextOffsets} with them.
     *
     * @param records in offset order within each partition
     * @param nextOffsets for each partition of the batch, the offset after its last record; empty
     *     for records that do not come from this sink's consumer (an offline replay): then no
     *     offset is checked or stored
     * @throws SQLException when PostgreSQL cannot be written now; none or only some of the batch
     *     is stored, and calling again with the same arguments writes the rest exactly once
     * @throws OffsetsLostException when sink_offsets holds less than this writer stored before:
     *     nothing of the batch is written, and its partitions must be read again from there
     */
    public WriteResult write(List<SinkRecord> records, Map<TopicPartition, Long> nextOffsets) throws SQLException {
        return writeIsolating(records, Map.copyOf(nextOffsets));
    }

    /** Drops what this writer stored for {@code partitions}: another consumer writes them now. */
    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(committed::remove);
    }

    /** The stored next offsets of {@code partitions}; partitions never written are absent. */
    public Map<TopicPartition, Long> storedOffsets(Collection<TopicPartition> partitions) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return OffsetsTable.read(connection, sink, partitions, false);
        }
    }

    private WriteResult writeIsolating(List<SinkRecord> records, Map<TopicPartition, Long> nextOffsets)
            throws SQLException {
        try {
            return writeSkippingStored(records, nextOffsets);
        } catch (SQLException e) {
            if (SqlFailure.of(e) != SqlFailure.UNWRITABLE) {
                throw e;
            }
            if (records.size() == 1) {
                SinkRecord record = records.get(0);
                LOG.warn(
                        "PostgreSQL refused {}; storing it in job_rejections as malformed: {}",
                        record.position(),
                        e.getMessage());
                String why = record.position() + ": PostgreSQL refused it: " + e.getMessage();
                // The raw form holds no value PostgreSQL could refuse; should it fail all the same, the
                // error goes up and the batch is tried again later rather than dropped.
                return transaction(
                                records,
                                nextOffsets,
                                HistoryCopy.Mode.COPY,
                                unwritable -> RejectionRow.malformed(unwritable, why))
                        .withUnwritableRetry();
            }
            // Offsets stay exact: the first half stores where it ends, the second where the batch ends.
            List<SinkRecord> first = records.subList(0, records.size() / 2);
            return writeIsolating(first, offsetsAfter(first, nextOffsets))
                    .plus(writeIsolating(records.subList(first.size(), records.size()), nextOffsets))
                    .withUnwritableRetry();
        }
    }

    private WriteResult writeSkippingStored(List<SinkRecord> records, Map<TopicPartition, Long> nextOffsets)
            throws SQLException {
        try {
            return transaction(records, nextOffsets, HistoryCopy.Mode.COPY, reader::read);
        } catch (SQLException e) {
            if (SqlFailure.of(e) != SqlFailure.DUPLICATE) {
                throw e;
            }
            LOG.debug("events of the batch are already in job_history; writing only the new ones");
            return transaction(records, nextOffsets, HistoryCopy.Mode.INSERT_NEW, reader::read)
                    .withDuplicateRetry();
        }
    }

    private WriteResult transaction(
            List<SinkRecord> records,
            Map<TopicPartition, Long> nextOffsets,
            HistoryCopy.Mode mode,
            Function<SinkRecord, SinkRow> read)
            throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                withoutWaitingForTheDisk(connection);
                List<SinkRecord> unwritten = skipWritten(connection, records, nextOffsets);
                Batch batch = new Batch();
                long events;
                try (HistoryCopy history = HistoryCopy.open(connection, mode)) {
                    for (SinkRecord record : unwritten) {
                        SinkRow row = read.apply(record);
                        batch.add(row);
                        if (row instanceof EventRow event) {
                            history.add(event);
                        }
                    }
                    events = history.finish();
                }
                int jobs = JobsTable.upsert(connection, batch.latestPerJob());
                int rejections = RejectionsTable.insert(connection, batch.rejections());
                OffsetsTable.store(connection, sink, nextOffsets);
                connection.commit();
                nextOffsets.forEach((partition, next) -> committed.merge(partition, next, Math::max));
                return new WriteResult(
                        records.size(),
                        records.size() - unwritten.size(),
                        events,
                        jobs,
                        rejections,
                        batch.malformed(),
                        0,
                        0);
            } catch (SQLException | RuntimeException | Error e) {
                rollback(connection, e);
                throw e;
            }
        }
    }

    /**
     * Commits without waiting for the WAL to reach the disk. Safe for exactly-once: a PostgreSQL
     * crash can only lose the latest commits, rows and their offsets together, and the sink then
     * reads those records from Kafka again. Nothing is lost; the projection is briefly behind.
     */
    private static void withoutWaitingForTheDisk(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET LOCAL synchronous_commit = off");
        }
    }

    /** The records at or past the stored offsets, whose rows stay locked until the transaction ends. */
    private List<SinkRecord> skipWritten(
            Connection connection, List<SinkRecord> records, Map<TopicPartition, Long> nextOffsets)
            throws SQLException {
        if (nextOffsets.isEmpty()) {
            return records;
        }
        // Also the partitions this writer wrote before and has none of in this batch, so that a
        // loss is found on the next write whichever partitions it holds.
        Set<TopicPartition> partitions = new HashSet<>(nextOffsets.keySet());
        partitions.addAll(committed.keySet());
        Map<TopicPartition, Long> stored = OffsetsTable.read(connection, sink, partitions, true);
        checkNothingLost(stored);
        if (stored.isEmpty()) {
            return records;
        }
        List<SinkRecord> unwritten = new ArrayList<>(records.size());
        for (SinkRecord record : records) {
            Long next = stored.get(record.topicPartition());
            if (next == null || record.offset() >= next) {
                unwritten.add(record);
            }
        }
        return unwritten;
    }

    private void checkNothingLost(Map<TopicPartition, Long> stored) {
        Map<TopicPartition, Long> behind = new HashMap<>();
        Map<TopicPartition, Long> mine = new HashMap<>();
        committed.forEach((partition, next) -> {
            Long there = stored.get(partition);
            if (there == null || there < next) {
                behind.put(partition, there);
                mine.put(partition, next);
            }
        });
        if (!behind.isEmpty()) {
            throw new OffsetsLostException(behind, mine);
        }
    }

    private static Map<TopicPartition, Long> offsetsAfter(
            List<SinkRecord> records, Map<TopicPartition, Long> nextOffsets) {
        Map<TopicPartition, Long> after = new HashMap<>();
        if (!nextOffsets.isEmpty()) {
            for (SinkRecord record : records) {
                after.merge(record.topicPartition(), record.offset() + 1, Math::max);
            }
        }
        return after;
    }

    private static void rollback(Connection connection, Throwable cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
