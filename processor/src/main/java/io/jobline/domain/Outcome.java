package io.jobline.domain;

import java.util.Locale;

/** What became of one command. */
public enum Outcome {
    /** The command changed the job (with or without a timeline event). */
    APPLIED,
    /** The command had been applied before; nothing happens again. */
    DUPLICATE,
    /** A recorded command that no longer applies (a re-armed timer, a job no longer waiting). */
    IGNORED,
    /** The command was refused; a rejection record says why. */
    REJECTED;

    private final String tagValue = name().toLowerCase(Locale.ROOT);

    public String tagValue() {
        return tagValue;
    }
}
