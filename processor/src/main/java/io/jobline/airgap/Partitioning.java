package io.jobline.airgap;

import org.apache.kafka.common.utils.Utils;

/**
 * The partition Kafka's default partitioner picks for a non-null key: murmur2 of the key bytes,
 * made positive, modulo the partition count. The processor produces its timeline, rejections and
 * recorded commands this way, so a replay that uses it puts every record where live did.
 */
public final class Partitioning {

    private Partitioning() {}

    public static int forKey(byte[] key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }
}
