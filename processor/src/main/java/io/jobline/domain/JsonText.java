package io.jobline.domain;

import java.util.Objects;

/**
 * A JSON value carried through the domain untouched (a job's payload, its result), as compact
 * text. The domain never looks inside it; the wire layer writes it out verbatim, which keeps the
 * timeline byte-identical between the live processor and an offline replay.
 */
public record JsonText(String json) {
    public JsonText {
        Objects.requireNonNull(json, "json");
    }

    @Override
    public String toString() {
        return json;
    }
}
