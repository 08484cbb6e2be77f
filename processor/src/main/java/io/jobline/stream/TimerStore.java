package io.jobline.stream;

import io.jobline.domain.LifecycleEngine;
import io.jobline.domain.TimerKind;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Armed timers ordered by due time: key = due (8 bytes, big-endian) + kind + jobId, so the
 * punctuator finds what is due with one range scan from the start. The index only says when to
 * look; whether a timer still applies is decided by the job's state when the fire comes back.
 */
public final class TimerStore implements LifecycleEngine.TimerSchedule {

    /** A timer that is due: fire it by writing a {@code timer.fire} command. */
    public record DueTimer(String jobId, TimerKind kind, long due) {}

    private static final TimerKind[] KINDS = TimerKind.values();
    private static final byte[] PRESENT = {1};

    private final KeyValueStore<Bytes, byte[]> store;

    public TimerStore(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    @Override
    public void arm(String jobId, TimerKind kind, long due) {
        store.put(key(jobId, kind, due), PRESENT);
    }

    @Override
    public void disarm(String jobId, TimerKind kind, long due) {
        store.delete(key(jobId, kind, due));
    }

    /** Removes and returns up to {@code limit} timers due at or before {@code now}, earliest first. */
    public List<DueTimer> takeDue(long now, int limit) {
        List<DueTimer> due = new ArrayList<>();
        List<Bytes> keys = new ArrayList<>();
        Bytes upTo = Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(now + 1).array());
        try (KeyValueIterator<Bytes, byte[]> range = store.range(null, upTo)) {
            while (range.hasNext() && due.size() < limit) {
                KeyValue<Bytes, byte[]> entry = range.next();
                ByteBuffer key = ByteBuffer.wrap(entry.key.get());
                long when = key.getLong();
                if (when > now) {
                    break;
                }
                TimerKind kind = KINDS[key.get()];
                String jobId = new String(key.array(), key.position(), key.remaining(), StandardCharsets.UTF_8);
                due.add(new DueTimer(jobId, kind, when));
                keys.add(entry.key);
            }
        }
        keys.forEach(store::delete);
        return due;
    }

    private static Bytes key(String jobId, TimerKind kind, long due) {
        byte[] id = jobId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + 1 + id.length)
                .putLong(due)
                .put((byte) kind.ordinal())
                .put(id)
                .array());
    }
}
