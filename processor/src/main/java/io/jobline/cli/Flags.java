package io.jobline.cli;

import picocli.CommandLine;

/** Checks of flag values that picocli's types cannot express: a bad one is a usage error (exit 2). */
final class Flags {

    private Flags() {}

    /** Refuses a {@code value} below 1 (null: not given), before any input is read or output written. */
    static void requireAtLeastOne(CommandLine.Model.CommandSpec spec, String flag, Number value) {
        if (value != null && value.longValue() < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), flag + " must be at least 1, was " + value);
        }
    }
}
