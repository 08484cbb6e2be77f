package io.jobline.cli;

import io.jobline.airgap.TransferProgress;
import java.io.PrintWriter;

/** A progress line on standard error every few seconds, for commands that may run long. */
final class Progress {

    private static final long EVERY_NANOS = 2_000_000_000L;

    private final PrintWriter err;
    private final String what;
    private final long start = System.nanoTime();
    private long last = start;

    Progress(PrintWriter err, String what) {
        this.err = err;
        this.what = what;
    }

    /** The air-gap commands' progress, a line each on {@code err}, shown at once. */
    static TransferProgress.Listener printedTo(PrintWriter err) {
        return snapshot -> {
            err.println(snapshot);
            err.flush();
        };
    }

    void tick(long done) {
        long now = System.nanoTime();
        if (now - last >= EVERY_NANOS) {
            last = now;
            double seconds = (now - start) / 1e9;
            err.printf("%s: %,d so far (%,.0f/s)%n", what, done, done / seconds);
            err.flush();
        }
    }
}
