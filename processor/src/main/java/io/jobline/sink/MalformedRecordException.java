package io.jobline.sink;

/** A record that can never be written as what its topic says it is; the message says why. */
final class MalformedRecordException extends Exception {

    private static final long serialVersionUID = 1L;

    MalformedRecordException(String message) {
        super(message, null, false, false);
    }
}
