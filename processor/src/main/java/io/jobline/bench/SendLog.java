package io.jobline.bench;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Where each sent record landed and when it was sent, to tell how far behind a consumer is. */
final class SendLog {

    /** @param records sent and not yet consumed; @param oldestMillis the age of the oldest of them */
    record Lag(long records, long oldestMillis) {}

    private final Map<Integer, Partition> partitions = new ConcurrentHashMap<>();

    void add(int partition, long offset, long timestamp) {
        partitions.computeIfAbsent(partition, p -> new Partition()).add(offset, timestamp);
    }

    /** The lag of a consumer whose next offset per partition is {@code next} (absent: the beginning). */
    Lag lag(Map<Integer, Long> next, long nowMillis) {
        long records = 0;
        long oldest = 0;
        for (Map.Entry<Integer, Partition> entry : partitions.entrySet()) {
            Lag lag = entry.getValue().lag(next.getOrDefault(entry.getKey(), 0L), nowMillis);
            records += lag.records();
            oldest = Math.max(oldest, lag.oldestMillis());
        }
        return new Lag(records, oldest);
    }

    /** Acknowledgements of one partition arrive in offset order, so the offsets are sorted. */
    private static final class Partition {
        private long[] offsets = new long[1 << 16];
        private long[] timestamps = new long[1 << 16];
        private int size;

        synchronized void add(long offset, long timestamp) {
            if (size == offsets.length) {
                offsets = Arrays.copyOf(offsets, size * 2);
                timestamps = Arrays.copyOf(timestamps, size * 2);
            }
            offsets[size] = offset;
            timestamps[size++] = timestamp;
        }

        synchronized Lag lag(long next, long nowMillis) {
            int first = Arrays.binarySearch(offsets, 0, size, next);
            if (first < 0) {
                first = -first - 1;
            }
            return first == size ? new Lag(0, 0) : new Lag(size - first, nowMillis - timestamps[first]);
        }
    }
}
