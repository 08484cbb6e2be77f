package io.jobline.airgap;

/**
 * A bundle, a log file or a target cluster that cannot be used as asked. The message names the
 * file (and line) or the topic partition at fault, so that the operator can act on it.
 */
public final class AirGapException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public AirGapException(String message) {
        super(message);
    }

    public AirGapException(String message, Throwable cause) {
        super(message, cause);
    }
}
