package io.jobline.airgap;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Counts the records (or files) and bytes of a long export, import, replay or verify, or of the
 * unpacking and digest check of a bundle, and hands a snapshot to a listener every few seconds
 * and once more at the end, so that an operator sees it move and its rate. Several threads may
 * add to one; those that add often should add in batches.
 */
public final class TransferProgress {

    /** Receives the snapshots; the CLI prints them on stderr. */
    @FunctionalInterface
    public interface Listener {
        void report(Snapshot snapshot);

        Listener NONE = snapshot -> {};
    }

    /**
     * @param unit what is counted, plural: "records", "files"
     * @param expected an upper bound of the count to come (offset ranges include transaction
     *     markers and aborted records), or -1 when unknown
     */
    public record Snapshot(
            String task, String unit, long count, long expected, long bytes, long elapsedNanos, boolean done) {

        public double perSecond() {
            return elapsedNanos == 0 ? 0 : count / (elapsedNanos / 1e9);
        }

        public double megabytesPerSecond() {
            return elapsedNanos == 0 ? 0 : bytes / 1e6 / (elapsedNanos / 1e9);
        }

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "%s: %,d%s %s, %,.1f MB in %.1f s (%,.0f %s/s, %,.1f MB/s)%s",
                    task,
                    count,
                    expected >= 0 && !done ? " of at most " + String.format(Locale.ROOT, "%,d", expected) : "",
                    unit,
                    bytes / 1e6,
                    elapsedNanos / 1e9,
                    perSecond(),
                    unit,
                    megabytesPerSecond(),
                    done ? ", done" : "");
        }
    }

    private final String task;
    private final String unit;
    private final long expected;
    private final Listener listener;
    private final long intervalNanos;
    private final long start = System.nanoTime();
    private long nextReport;
    private long count;
    private long bytes;

    /** Progress counted in records. */
    public TransferProgress(String task, long expected, Listener listener, long intervalMillis) {
        this(task, "records", expected, listener, intervalMillis);
    }

    public TransferProgress(String task, String unit, long expected, Listener listener, long intervalMillis) {
        this.task = task;
        this.unit = unit;
        this.expected = expected;
        this.listener = listener;
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
        this.nextReport = start + intervalNanos;
    }

    public synchronized void add(long more, long moreBytes) {
        count += more;
        bytes += moreBytes;
        long now = System.nanoTime();
        if (now >= nextReport) {
            nextReport = now + intervalNanos;
            listener.report(snapshot(false));
        }
    }

    /**
     * A counter for one of several threads that add to this progress: it adds what it counted
     * every few thousand records, so that the threads do not take turns at the lock on each one.
     */
    public Batch batch() {
        return new Batch();
    }

    /** Counts one thread's records and bytes; {@link #flush()} adds the rest once it is done. */
    public final class Batch {
        private static final int RECORDS = 4_096;
        private int count;
        private long batchBytes;

        private Batch() {}

        public void add(long moreBytes) {
            batchBytes += moreBytes;
            if (++count == RECORDS) {
                flush();
            }
        }

        public void flush() {
            TransferProgress.this.add(count, batchBytes);
            count = 0;
            batchBytes = 0;
        }
    }

    /** Reports the end and returns the final figures. */
    public synchronized Snapshot finish() {
        Snapshot last = snapshot(true);
        listener.report(last);
        return last;
    }

    private Snapshot snapshot(boolean done) {
        return new Snapshot(task, unit, count, expected, bytes, System.nanoTime() - start, done);
    }
}
