package io.jobline.airgap;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One Kafka record as an exported log holds it (DESIGN §7): bytes in, bytes out, nothing decoded.
 * Plain NDJSON replay files leave out the topic, partition and offset.
 *
 * @param topic the topic, or null when the line does not name one
 * @param partition the partition, or {@link #NO_PARTITION}
 * @param offset the offset in the source partition, or {@link #NO_OFFSET}
 * @param key the key bytes, null for a null key
 * @param value the value bytes, null for a null value (a tombstone)
 */
public record LogRecord(
        String topic, int partition, long offset, long timestamp, byte[] key, byte[] value, List<Header> headers) {

    public static final int NO_PARTITION = -1;
    public static final long NO_OFFSET = -1;

    /** A record header; its value may be null, as in Kafka. */
    public record Header(String key, byte[] value) {

        public static Header of(String key, String value) {
            return new Header(key, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    public LogRecord {
        headers = headers == null ? List.of() : headers;
    }

    public boolean hasPartition() {
        return partition != NO_PARTITION;
    }

    public boolean hasOffset() {
        return offset != NO_OFFSET;
    }

    /** The bytes of its key and value: what progress counts. */
    public long payloadBytes() {
        return (key == null ? 0 : key.length) + (value == null ? 0 : (long) value.length);
    }

    /** The key as Kafka's StringDeserializer reads it (the processor's key serde). */
    public String keyString() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }
}
