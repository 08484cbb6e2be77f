package io.jobline.wire;

import io.jobline.domain.Command;
import io.jobline.domain.CommandType;
import io.jobline.domain.Decision;
import io.jobline.domain.LifecycleEngine;
import io.jobline.domain.Outcome;
import io.jobline.domain.Rejection;
import io.jobline.domain.RejectionReason;
import io.jobline.domain.TimelineEvent;
import java.util.Arrays;

/**
 * One record of the commands topic, from bytes to bytes: size check, read and validate, run the
 * engine, render every event, rejection and recorded command. The live processor and the offline
 * replay both go through here, which is what makes their outputs byte-identical.
 *
 * <p>A handler renders into buffers it reuses, so it serves one thread: one per stream task, one per
 * replayed partition.
 */
public final class CommandHandler {

    /** Where the rendered outputs of one record go; each carries the triggering record's timestamp. */
    public interface Output {
        /**
         * The event as the text of {@code json}, which the handler reuses once this returns: an
         * output that keeps it takes a copy ({@link JsonBuffer#toByteArray()}); one that writes it
         * out at once, as replay does, spares the copy of a kilobyte per event.
         */
        void event(TimelineEvent event, JsonBuffer json);

        void rejection(String key, RejectionRecord rejection, byte[] value);

        /**
         * A follow-up command for the commands topic. Rendering it is left to the output: live it
         * becomes a record of the log, which an offline replay reads in its place.
         */
        void command(Command command);
    }

    /** What became of the record, for metrics: the command type (null when unreadable) and outcome. */
    public record Handled(CommandType type, Outcome outcome) {}

    private final LifecycleEngine engine;
    private final int maxCommandBytes;
    private final EventCodec eventCodec = new EventCodec();

    public CommandHandler(LifecycleEngine engine, int maxCommandBytes) {
        this.engine = engine;
        this.maxCommandBytes = maxCommandBytes;
    }

    public Handled handle(String key, byte[] value, long timestamp, Output out) {
        if (value != null && value.length > maxCommandBytes) {
            reject(
                    out,
                    new RejectionRecord(
                            RejectionReason.TOO_LARGE,
                            "the command has " + value.length + " bytes, more than the limit of " + maxCommandBytes
                                    + " (rawBase64 holds the first " + maxCommandBytes + ")",
                            null,
                            CommandCodec.idOrNull(key),
                            null,
                            null,
                            null,
                            Arrays.copyOf(value, maxCommandBytes),
                            value.length,
                            timestamp));
            return new Handled(null, Outcome.REJECTED);
        }
        CommandRead read = CommandCodec.read(value);
        if (read instanceof CommandRead.Invalid invalid) {
            CommandType type = invalid.type() == null ? null : CommandType.fromWire(invalid.type());
            reject(
                    out,
                    new RejectionRecord(
                            invalid.reason(),
                            invalid.message(),
                            null,
                            invalid.jobId(),
                            invalid.commandId(),
                            invalid.type(),
                            invalid.json(),
                            invalid.json() == null ? value : null,
                            null,
                            timestamp));
            return new Handled(type, Outcome.REJECTED);
        }
        CommandRead.Valid valid = (CommandRead.Valid) read;
        Command command = valid.command();
        if (!command.jobId().equals(key)) {
            // A command on another key's partition would change a job this task does not own.
            reject(
                    out,
                    new RejectionRecord(
                            RejectionReason.SCHEMA_VIOLATION,
                            "the record key " + (key == null ? "(null)" : "'" + key + "'")
                                    + " is not the command's jobId '" + command.jobId()
                                    + "'; produce commands keyed by jobId",
                            null,
                            command.jobId(),
                            // A recorded command's id may be longer than a rejection names (its json keeps it).
                            CommandCodec.idOrNull(command.commandId()),
                            command.type().wireName(),
                            valid.json(),
                            null,
                            null,
                            timestamp));
            return new Handled(command.type(), Outcome.REJECTED);
        }
        Decision decision = engine.apply(command, timestamp, (head, events) -> {
            String link = head;
            for (TimelineEvent event : events) {
                EventCodec.Sealed sealed = eventCodec.write(event, link);
                out.event(event, sealed.json());
                link = sealed.hash();
            }
            return link;
        });
        Rejection rejection = decision.rejection();
        if (rejection != null) {
            reject(
                    out,
                    new RejectionRecord(
                            rejection.reason(),
                            rejection.message(),
                            rejection.status(),
                            command.jobId(),
                            command.commandId(),
                            command.type().wireName(),
                            valid.json(),
                            null,
                            null,
                            timestamp));
        }
        for (Command followUp : decision.followUps()) {
            out.command(followUp);
        }
        return new Handled(command.type(), decision.outcome());
    }

    private static void reject(Output out, RejectionRecord rejection) {
        out.rejection(rejection.jobId(), rejection, RejectionCodec.write(rejection));
    }
}
