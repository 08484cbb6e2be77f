package io.jobline.wire;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobline.domain.Command;
import io.jobline.domain.RejectionReason;

/** What reading one record of the commands topic gave: a command, or why there is none. */
public sealed interface CommandRead {

    /** A command that passed the schema; {@code json} is the object as read, for a later rejection. */
    record Valid(Command command, JsonNode json) implements CommandRead {}

    /**
     * A record that is not a command. {@code json} is the object when the bytes were readable JSON,
     * else null; the ids are whatever could be read from it, for keys and correlation.
     */
    record Invalid(RejectionReason reason, String message, JsonNode json, String jobId, String commandId, String type)
            implements CommandRead {}
}
