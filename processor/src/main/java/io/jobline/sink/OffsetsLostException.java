package io.jobline.sink;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code sink_offsets} holds less for some partitions than this writer's own commits stored
 * there. Offsets never move back, so PostgreSQL lost those commits, rows and offsets together (a
 * crash while {@code synchronous_commit} is off), or someone deleted them: the records after the
 * stored offsets must be read again, or the tables keep a hole.
 */
final class OffsetsLostException extends RuntimeException {

    private final Set<TopicPartition> partitions;

    /**
     * @param stored for each partition behind, the offset stored now, or null for none
     * @param committed what this writer stored for them
     */
    OffsetsLostException(Map<TopicPartition, Long> stored, Map<TopicPartition, Long> committed) {
        super("sink_offsets went back to " + stored + " from " + committed
                + ": PostgreSQL lost commits (a crash, with synchronous_commit off) or they were deleted");
        this.partitions = Set.copyOf(stored.keySet());
    }

    /** The partitions to read again from their stored offsets. */
    Set<TopicPartition> partitions() {
        return partitions;
    }
}
