package io.jobline.cli;

import java.io.UncheckedIOException;

/** What a failed command tells its user: one line, with the cause an I/O error hides behind its message. */
final class Failure {

    private Failure() {}

    static String message(Exception e) {
        if (e instanceof UncheckedIOException io && io.getCause() != null) {
            String cause = io.getCause().getMessage();
            return cause == null || e.getMessage().contains(cause) ? e.getMessage() : e.getMessage() + ": " + cause;
        }
        return e.getMessage();
    }
}
