package io.jobline.bench;

import io.jobline.domain.Command;
import io.jobline.domain.Lifecycle;
import io.jobline.domain.LifecyclePolicy;
import io.jobline.domain.MemoryStores;
import io.jobline.domain.TimelineEvent;
import io.jobline.wire.CommandHandler;
import io.jobline.wire.JsonBuffer;
import io.jobline.wire.RejectionRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The timeline a command log produces, rendered by the processor's own code (the
 * {@link CommandHandler} over in-memory stores): real envelopes, byte for byte, without a broker.
 */
public final class TimelineRenderer {

    /** One timeline record: key (jobId), value (the CloudEvents envelope), record timestamp. */
    public record Event(String key, byte[] value, long timestamp) {}

    private TimelineRenderer() {}

    /** Hands each event of {@code log}'s timeline to {@code out}, in order, without keeping them. */
    public static void render(List<Workload.Entry> log, Consumer<Event> out) {
        CommandHandler handler =
                new CommandHandler(new MemoryStores().engine(new Lifecycle(LifecyclePolicy.DEFAULT)), 262_144);
        CommandHandler.Output output = new CommandHandler.Output() {
            @Override
            public void event(TimelineEvent event, JsonBuffer json) {
                out.accept(new Event(event.jobId(), json.toByteArray(), event.time()));
            }

            @Override
            public void rejection(String key, RejectionRecord rejection, byte[] value) {
                throw new IllegalStateException("workload command rejected: " + rejection.message());
            }

            @Override
            public void command(Command command) {
                // Follow-up commands go back to the commands topic, not the timeline.
            }
        };
        for (Workload.Entry entry : log) {
            handler.handle(entry.key(), entry.value(), entry.timestamp(), output);
        }
    }

    /** The timeline of a {@link Workload} of at least {@code commands} commands starting at {@code t0}. */
    public static List<Event> render(int commands, long t0) {
        List<Event> events = new ArrayList<>();
        render(Workload.generate(commands, t0), events::add);
        return events;
    }
}
