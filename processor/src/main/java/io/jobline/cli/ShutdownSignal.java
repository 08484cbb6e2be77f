package io.jobline.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/**
 * Waits for SIGTERM or SIGINT (Ctrl-C) so that a long-running command stops its parts in order on
 * its own thread and exits 0, instead of racing the JVM's shutdown hooks.
 */
final class ShutdownSignal {

    private final CountDownLatch received = new CountDownLatch(1);
    private volatile String name;

    ShutdownSignal() {
        for (String signal : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(signal), s -> {
                name = "SIG" + s.getName();
                received.countDown();
            });
        }
    }

    /** Blocks until a signal arrives or {@code timeout} passes; returns its name, or null on the timeout. */
    String await(Duration timeout) throws InterruptedException {
        return received.await(timeout.toMillis(), TimeUnit.MILLISECONDS) ? name : null;
    }
}
