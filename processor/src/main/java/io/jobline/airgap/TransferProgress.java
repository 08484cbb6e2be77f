package io.jobline.airgap;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Counts the records and bytes of a long export, import, replay or verify and hands a snapshot to
 * a listener every few seconds, and once more at the end, so that an operator sees it move and its
 * rate. Several threads may add to one; those that add often should add in batches.
 */
public final class TransferProgress {

    /** Receives the snapshots; the CLI prints them on stderr. */
    @FunctionalInterface
    public interface Listener {
        void report(Snapshot snapshot);

        Listener NONE = snapshot -> {};
    }

    /**
     * @param expected an upper bound of the records to come (offset ranges include transaction
     *     markers and aborted records), or -1 when unknown
     */
    public record Snapshot(String task, long records, long expected, long bytes, long elapsedNanos, boolean done) {

        public double recordsPerSecond() {
            return elapsedNanos == 0 ? 0 : records / (elapsedNanos / 1e9);
        }

        public double megabytesPerSecond() {
            return elapsedNanos == 0 ? 0 : bytes / 1e6 / (elapsedNanos / 1e9);
        }

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "%s: %,d%s records, %,.1f MB in %.1f s (%,.0f records/s, %,.1f MB/s)%s",
                    task,
                    records,
                    expected >= 0 && !done ? " of at most " + String.format(Locale.ROOT, "%,d", expected) : "",
                    bytes / 1e6,
                    elapsedNanos / 1e9,
                    recordsPerSecond(),
                    megabytesPerSecond(),
                    done ? ", done" : "");
        }
    }

    private final String task;
    private final long expected;
    private final Listener listener;
    private final long intervalNanos;
    private final long start = System.nanoTime();
    private long nextReport;
    private long records;
    private long bytes;

    public TransferProgress(String task, long expected, Listener listener, long intervalMillis) {
        this.task = task;
        this.expected = expected;
        this.listener = listener;
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
        this.nextReport = start + intervalNanos;
    }

    public synchronized void add(long moreRecords, long moreBytes) {
        records += moreRecords;
        bytes += moreBytes;
        long now = System.nanoTime();
        if (now >= nextReport) {
            nextReport = now + intervalNanos;
            listener.report(snapshot(false));
        }
    }

    /** Reports the end and returns the final figures. */
    public synchronized Snapshot finish() {
        Snapshot last = snapshot(true);
        listener.report(last);
        return last;
    }

    private Snapshot snapshot(boolean done) {
        return new Snapshot(task, records, expected, bytes, System.nanoTime() - start, done);
    }
}
