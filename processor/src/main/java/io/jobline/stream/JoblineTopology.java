package io.jobline.stream;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The lifecycle topology. Every node and store is named here, once: the names are part of a
 * running application (changelog topics, task assignment), so a test pins them.
 *
 * <pre>
 * commands-source ─► lifecycle-processor ─┬─► timeline-sink          (jobline.timeline)
 *   (jobline.commands)  │ job-state       ├─► rejections-sink        (jobline.rejections)
 *                       │ job-dependents  └─► recorded-commands-sink (jobline.commands)
 *                       │ job-timers
 * </pre>
 */
public final class JoblineTopology {

    public static final String SOURCE = "commands-source";
    public static final String PROCESSOR = "lifecycle-processor";
    public static final String TIMELINE_SINK = "timeline-sink";
    public static final String REJECTIONS_SINK = "rejections-sink";
    public static final String COMMANDS_SINK = "recorded-commands-sink";

    public static final String JOB_STATE_STORE = "job-state";
    public static final String DEPENDENTS_STORE = "job-dependents";
    public static final String TIMERS_STORE = "job-timers";

    /** Keys are job ids; values are bytes that the wire codecs have already rendered. */
    public static final Serde<String> KEY_SERDE = Serdes.String();

    public static final Serde<byte[]> VALUE_SERDE = Serdes.ByteArray();

    private JoblineTopology() {}

    public static Topology build(TopologySettings settings, LifecycleMetrics metrics) {
        Topology topology = new Topology();
        topology.addSource(SOURCE, KEY_SERDE.deserializer(), VALUE_SERDE.deserializer(), settings.commandsTopic());
        topology.addProcessor(PROCESSOR, () -> new LifecycleProcessor(settings, metrics), SOURCE);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(JOB_STATE_STORE), KEY_SERDE, VALUE_SERDE),
                PROCESSOR);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DEPENDENTS_STORE), KEY_SERDE, VALUE_SERDE),
                PROCESSOR);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TIMERS_STORE), Serdes.Bytes(), VALUE_SERDE),
                PROCESSOR);
        topology.addSink(
                TIMELINE_SINK, settings.timelineTopic(), KEY_SERDE.serializer(), VALUE_SERDE.serializer(), PROCESSOR);
        topology.addSink(
                REJECTIONS_SINK,
                settings.rejectionsTopic(),
                KEY_SERDE.serializer(),
                VALUE_SERDE.serializer(),
                PROCESSOR);
        topology.addSink(
                COMMANDS_SINK, settings.commandsTopic(), KEY_SERDE.serializer(), VALUE_SERDE.serializer(), PROCESSOR);
        return topology;
    }
}
