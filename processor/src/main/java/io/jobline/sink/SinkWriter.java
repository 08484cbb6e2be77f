package io.jobline.sink;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * lost its partitions and finishes anyway) is not written again. Without offsets every table is
 * still idempotent: history keeps the events it has, jobs only move forward, rejections are
 * keyed by their Kafka position.
 *
 * <p>A record that can never be written becomes a {@code malformed} rejection and the rest of the
 * batch goes on: most are caught while reading; one that only PostgreSQL refuses (a date out of
 * range) is set apart by writing the batch in halves.
 */
public final class SinkWriter {

    private static final Logger LOG = LoggerFactory.getLogger(SinkWriter.class);

    private enum HistoryMode { COPY, INSERT_NEW }

    private final DataSource dataSource;
    private final RecordReader reader;
    private final String sink;

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
     */
    public WriteResult write(List<SinkRecord> records, Map<TopicPartition, Long> nextOffsets) throws SQLException {
        List<SinkRow> rows = new ArrayList<>(records.size());
        for (SinkRecord record : records) {
            rows.add(reader.read(record));
        }
        return writeIsolating(rows, Map.copyOf(nextOffsets));
    }

    /** The stored next offsets of {@code partitions}; partitions never written are absent. */
    public Map<TopicPartition, Long> storedOffsets(Collection<TopicPartition> partitions) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return OffsetsTable.read(connection, sink, partitions, false);
        }
    }

    private WriteResult writeIsolating(List<SinkRow> rows, Map<TopicPartition, Long> nextOffsets)
            throws SQLException {
        try {
            return writeSkippingStored(rows, nextOffsets);
        } catch (SQLException e) {
            if (SqlFailure.of(e) != SqlFailure.UNWRITABLE) {
                throw e;
            }
            if (rows.size() == 1) {
                SinkRow unwritable = asUnwritable(rows.get(0), e);
                LOG.warn("PostgreSQL refused {}; stored it in job_rejections as malformed: {}",
                        unwritable.source().position(), e.getMessage());
                return transaction(List.of(unwritable), nextOffsets, HistoryMode.COPY).withUnwritableRetry();
            }
            // Offsets stay exact: the first half stores where it ends, the second where the batch ends.
            List<SinkRow> first = rows.subList(0, rows.size() / 2);
            return writeIsolating(first, offsetsAfter(first, nextOffsets))
                    .plus(writeIsolating(rows.subList(first.size(), rows.size()), nextOffsets))
                    .withUnwritableRetry();
        }
    }

    private WriteResult writeSkippingStored(List<SinkRow> rows, Map<TopicPartition, Long> nextOffsets)
            throws SQLException {
        try {
            return transaction(rows, nextOffsets, HistoryMode.COPY);
        } catch (SQLException e) {
            if (SqlFailure.of(e) != SqlFailure.DUPLICATE) {
                throw e;
            }
            LOG.debug("events of the batch are already in job_history; writing only the new ones");
            return transaction(rows, nextOffsets, HistoryMode.INSERT_NEW).withDuplicateRetry();
        }
    }

    private WriteResult transaction(List<SinkRow> rows, Map<TopicPartition, Long> nextOffsets, HistoryMode mode)
            throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                List<SinkRow> unwritten = skipWritten(connection, rows, nextOffsets);
                Batch batch = Batch.of(unwritten);
                long events = mode == HistoryMode.COPY
                        ? HistoryTable.copy(connection, batch.events())
                        : HistoryTable.insertNew(connection, batch.events());
                int jobs = JobsTable.upsert(connection, batch.latestPerJob());
                int rejections = RejectionsTable.insert(connection, batch.rejections());
                OffsetsTable.store(connection, sink, nextOffsets);
                connection.commit();
                return new WriteResult(rows.size(), rows.size() - unwritten.size(), events, jobs, rejections,
                        batch.malformed(), 0, 0);
            } catch (SQLException | RuntimeException | Error e) {
                rollback(connection, e);
                throw e;
            }
        }
    }

    /** The rows at or past the stored offsets, which stay locked until the transaction ends. */
    private List<SinkRow> skipWritten(Connection connection, List<SinkRow> rows,
            Map<TopicPartition, Long> nextOffsets) throws SQLException {
        if (nextOffsets.isEmpty()) {
            return rows;
        }
        Map<TopicPartition, Long> stored = OffsetsTable.read(connection, sink, nextOffsets.keySet(), true);
        if (stored.isEmpty()) {
            return rows;
        }
        List<SinkRow> unwritten = new ArrayList<>(rows.size());
        for (SinkRow row : rows) {
            Long next = stored.get(row.source().topicPartition());
            if (next == null || row.source().offset() >= next) {
                unwritten.add(row);
            }
        }
        return unwritten;
    }

    private static Map<TopicPartition, Long> offsetsAfter(List<SinkRow> rows, Map<TopicPartition, Long> nextOffsets) {
        Map<TopicPartition, Long> after = new HashMap<>();
        if (!nextOffsets.isEmpty()) {
            for (SinkRow row : rows) {
                after.merge(row.source().topicPartition(), row.source().offset() + 1, Math::max);
            }
        }
        return after;
    }

    private static SinkRow asUnwritable(SinkRow row, SQLException e) throws SQLException {
        if (row instanceof RejectionRow rejection && !rejection.readable()) {
            throw e; // already the raw form, which holds no value PostgreSQL could refuse
        }
        return RejectionRow.malformed(row.source(), row.source().position() + ": PostgreSQL refused it: "
                + e.getMessage());
    }

    private static void rollback(Connection connection, Throwable cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
