package io.jobline.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/** {@code sink_offsets}: for each partition, the offset of the first record not written yet. */
final class OffsetsTable {

    private static final String SELECT = """
            SELECT topic, partition, next_offset FROM sink_offsets
            WHERE sink = ? AND (topic, partition) IN (SELECT * FROM unnest(?::text[], ?::integer[]))
            """;

    // An offset never moves back: a writer that lost its partitions and still finishes a batch
    // (a zombie after a rebalance) must not rewind the one that took them over.
    private static final String UPSERT = """
            INSERT INTO sink_offsets (sink, topic, partition, next_offset)
            SELECT ?, * FROM unnest(?::text[], ?::integer[], ?::bigint[])
            ON CONFLICT (sink, topic, partition) DO UPDATE
                SET next_offset = EXCLUDED.next_offset, updated_at = now()
                WHERE sink_offsets.next_offset < EXCLUDED.next_offset
            """;

    private OffsetsTable() {}

    /**
     * The stored next offsets of {@code partitions}; those never written are absent.
     *
     * @param lock whether to hold the rows until the transaction ends, so that two writers of one
     *     partition take turns and the second sees what the first wrote
     */
    static Map<TopicPartition, Long> read(
            Connection connection, String sink, Collection<TopicPartition> partitions, boolean lock)
            throws SQLException {
        Map<TopicPartition, Long> stored = new HashMap<>();
        if (partitions.isEmpty()) {
            return stored;
        }
        String[] topics = new String[partitions.size()];
        Integer[] numbers = new Integer[partitions.size()];
        int i = 0;
        for (TopicPartition partition : partitions) {
            topics[i] = partition.topic();
            numbers[i++] = partition.partition();
        }
        try (PreparedStatement statement = connection.prepareStatement(lock ? SELECT + " FOR UPDATE" : SELECT)) {
            statement.setString(1, sink);
            statement.setArray(2, connection.createArrayOf("text", topics));
            statement.setArray(3, connection.createArrayOf("int4", numbers));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    stored.put(new TopicPartition(rows.getString(1), rows.getInt(2)), rows.getLong(3));
                }
            }
        }
        return stored;
    }

    static void store(Connection connection, String sink, Map<TopicPartition, Long> nextOffsets) throws SQLException {
        if (nextOffsets.isEmpty()) {
            return;
        }
        String[] topics = new String[nextOffsets.size()];
        Integer[] numbers = new Integer[nextOffsets.size()];
        Long[] offsets = new Long[nextOffsets.size()];
        int i = 0;
        for (Map.Entry<TopicPartition, Long> entry : nextOffsets.entrySet()) {
            topics[i] = entry.getKey().topic();
            numbers[i] = entry.getKey().partition();
            offsets[i++] = entry.getValue();
        }
        try (PreparedStatement statement = connection.prepareStatement(UPSERT)) {
            statement.setString(1, sink);
            statement.setArray(2, connection.createArrayOf("text", topics));
            statement.setArray(3, connection.createArrayOf("int4", numbers));
            statement.setArray(4, connection.createArrayOf("int8", offsets));
            statement.executeUpdate();
        }
    }
}
