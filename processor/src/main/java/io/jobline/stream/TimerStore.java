package io.jobline.stream;

import io.jobline.domain.LifecycleEngine;
import io.jobline.domain.TimerKind;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Armed timers ordered by due time: key = due (8 bytes, big-endian) + kind + jobId, so the
 * punctuator finds what is due with one range scan from the start. The index only says when to
 * look; whether a timer still applies is decided by the job's state when the fire comes back.
 *
 * <p>A fired timer stays in the index until its fire has come back and moved the job on, which
 * disarms it. Deleting it when firing lost it for good where the delete outlived the fire: under
 * at-least-once the two are separate writes, and a crash between them left a job whose lease
 * never expired. After a restart such a timer fires again; a job ignores a second fire.
 */
public final class TimerStore implements LifecycleEngine.TimerSchedule {

    /** A timer that is due: fire it by writing a {@code timer.fire} command. */
    public record DueTimer(String jobId, TimerKind kind, long due) {}

    private static final TimerKind[] KINDS = TimerKind.values();
    private static final byte[] PRESENT = {1};

    private final KeyValueStore<Bytes, byte[]> store;
    /** Timers this instance fired whose fire has not come back yet: not fired again meanwhile. */
    private final Set<Bytes> fired = new HashSet<>();

    public TimerStore(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    @Override
    public void arm(String jobId, TimerKind kind, long due) {
        store.put(key(jobId, kind, due), PRESENT);
    }

    @Override
    public void disarm(String jobId, TimerKind kind, long due) {
        Bytes key = key(jobId, kind, due);
        store.delete(key);
        fired.remove(key);
    }

    /**
     * Returns up to {@code limit} timers due at or before {@code now}, earliest first, that this
     * instance has not fired yet, and counts them as fired. They stay in the index until disarmed.
     */
    public List<DueTimer> takeDue(long now, int limit) {
        List<DueTimer> due = new ArrayList<>();
        Bytes upTo = Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(now + 1).array());
        try (KeyValueIterator<Bytes, byte[]> range = store.range(null, upTo)) {
            while (range.hasNext() && due.size() < limit) {
                KeyValue<Bytes, byte[]> entry = range.next();
                ByteBuffer key = ByteBuffer.wrap(entry.key.get());
                long when = key.getLong();
                if (when > now) {
                    break;
                }
                if (fired.add(entry.key)) {
                    TimerKind kind = KINDS[key.get()];
                    String jobId = new String(key.array(), key.position(), key.remaining(), StandardCharsets.UTF_8);
                    due.add(new DueTimer(jobId, kind, when));
                }
            }
        }
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
