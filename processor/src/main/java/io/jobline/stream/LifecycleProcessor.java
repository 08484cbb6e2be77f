package io.jobline.stream;

import io.jobline.domain.Command;
import io.jobline.domain.Lifecycle;
import io.jobline.domain.LifecycleEngine;
import io.jobline.domain.TimelineEvent;
import io.jobline.wire.CommandCodec;
import io.jobline.wire.CommandHandler;
import io.jobline.wire.EventCodec;
import io.jobline.wire.JsonBuffer;
import io.jobline.wire.RejectionRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The thin Kafka Streams shell around the {@link CommandHandler}: it fetches the stores, hands
 * each record over, and forwards what comes back to the timeline, rejections and commands sinks.
 * A wall-clock punctuator turns due timers into recorded {@code timer.fire} commands; it never
 * changes a job itself.
 */
final class LifecycleProcessor implements Processor<String, byte[], String, byte[]> {

    private static final byte[] JSON = "application/json".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CLOUDEVENTS_JSON = EventCodec.CONTENT_TYPE.getBytes(StandardCharsets.UTF_8);

    private final TopologySettings settings;
    private final LifecycleMetrics metrics;

    private ProcessorContext<String, byte[]> context;
    private CommandHandler handler;
    private TimerStore timers;
    private Forwarder forwarder;

    LifecycleProcessor(TopologySettings settings, LifecycleMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        KeyValueStore<String, byte[]> jobs = context.getStateStore(JoblineTopology.JOB_STATE_STORE);
        KeyValueStore<String, byte[]> dependents = context.getStateStore(JoblineTopology.DEPENDENTS_STORE);
        KeyValueStore<Bytes, byte[]> timerIndex = context.getStateStore(JoblineTopology.TIMERS_STORE);
        this.timers = new TimerStore(timerIndex);
        LifecycleEngine engine = new LifecycleEngine(
                new Lifecycle(settings.policy()), new JobStateStore(jobs), new DependentsStore(dependents), timers);
        this.handler = new CommandHandler(engine, settings.maxCommandBytes());
        this.forwarder = new Forwarder();
        context.schedule(
                Duration.ofMillis(settings.timerIntervalMs()), PunctuationType.WALL_CLOCK_TIME, this::fireDueTimers);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        forwarder.timestamp = record.timestamp();
        try {
            CommandHandler.Handled handled =
                    handler.handle(record.key(), record.value(), record.timestamp(), forwarder);
            metrics.command(handled.type(), handled.outcome());
        } catch (RuntimeException e) {
            // A bug, not bad input (bad input is a rejection): stop with the record's coordinates.
            throw new StreamsException(
                    "processing the command with key " + record.key() + " at "
                            + context.recordMetadata()
                                    .map(m -> m.topic() + "-" + m.partition() + "@" + m.offset())
                                    .orElse("?")
                            + " failed",
                    e);
        }
    }

    private void fireDueTimers(long now) {
        for (TimerStore.DueTimer due : timers.takeDue(now, settings.timerBatch())) {
            Command fire = Command.TimerFire.of(due.jobId(), due.kind(), due.due());
            context.forward(
                    new Record<>(due.jobId(), CommandCodec.write(fire), now, headers(JSON)),
                    JoblineTopology.COMMANDS_SINK);
            metrics.timerFired(due.kind());
        }
    }

    private static Headers headers(byte[] contentType) {
        return new RecordHeaders().add("content-type", contentType);
    }

    /** Forwards the handler's outputs with the triggering record's timestamp. */
    private final class Forwarder implements CommandHandler.Output {
        private long timestamp;

        @Override
        public void event(TimelineEvent event, JsonBuffer json) {
            context.forward(
                    new Record<>(event.jobId(), json.toByteArray(), timestamp, headers(CLOUDEVENTS_JSON)),
                    JoblineTopology.TIMELINE_SINK);
            metrics.event(event, System.currentTimeMillis());
        }

        @Override
        public void rejection(String key, RejectionRecord rejection, byte[] value) {
            context.forward(new Record<>(key, value, timestamp, headers(JSON)), JoblineTopology.REJECTIONS_SINK);
            metrics.rejection(rejection.reason());
        }

        @Override
        public void command(Command command) {
            context.forward(
                    new Record<>(command.jobId(), CommandCodec.write(command), timestamp, headers(JSON)),
                    JoblineTopology.COMMANDS_SINK);
        }
    }
}
