package io.jobline.stream;

import io.jobline.config.ConfigException;
import io.jobline.config.JoblineConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The lifecycle processor as a running Kafka Streams application: configure, start, stop. */
public final class LifecycleService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LifecycleService.class);
    /** The Kafka producer's default {@code max.request.size}. */
    private static final long DEFAULT_MAX_REQUEST_SIZE = 1_048_576;

    private final KafkaStreams streams;
    private final KafkaStreamsMetrics streamsMetrics;
    private volatile Throwable failure;

    public LifecycleService(JoblineConfig config, MeterRegistry registry) {
        this(config, registry, null);
    }

    /**
     * @param applicationServer {@code host:port} of this instance's HTTP API, so that other
     *     instances can forward reads of the jobs it owns; null when it serves none
     */
    public LifecycleService(JoblineConfig config, MeterRegistry registry, String applicationServer) {
        LifecycleMetrics metrics = new LifecycleMetrics();
        metrics.bindTo(registry);
        Properties props = streamsProperties(config);
        if (applicationServer != null) {
            props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
        }
        this.streams = new KafkaStreams(JoblineTopology.build(TopologySettings.from(config), metrics), props);
        this.streams.setUncaughtExceptionHandler(e -> {
            LOG.error("the lifecycle processor stopped on an unexpected error", e);
            failure = e;
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
                    .SHUTDOWN_CLIENT;
        });
        this.streamsMetrics = new KafkaStreamsMetrics(streams);
        this.streamsMetrics.bindTo(registry);
    }

    /** Kafka Streams settings from jobline's configuration; {@code kafka.*} keys override them. */
    public static Properties streamsProperties(JoblineConfig config) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.get(JoblineConfig.APPLICATION_ID));
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(JoblineConfig.BOOTSTRAP_SERVERS));
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.get(JoblineConfig.PROCESSING_GUARANTEE));
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.get(JoblineConfig.STREAM_THREADS));
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.get(JoblineConfig.STATE_DIR));
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.get(JoblineConfig.COMMIT_INTERVAL_MS));
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, config.get(JoblineConfig.TOPIC_REPLICATION));
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // Without it Kafka 4.4 warns on every start; the topology has no global stores either way.
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        if (config.largestRecordBytes() > DEFAULT_MAX_REQUEST_SIZE
                && !config.kafkaProperties().containsKey(ProducerConfig.MAX_REQUEST_SIZE_CONFIG)) {
            props.put(
                    StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), config.largestRecordBytes());
        }
        props.putAll(config.kafkaProperties());
        checkRequestSize(props, config);
        return props;
    }

    /**
     * Refuses a producer that would refuse the processor's records (see
     * {@link JoblineConfig#largestRecordBytes()}): the first job to use a large
     * {@code jobline.command.max.bytes} would stop the processor, at every restart again. Unless
     * {@code kafka.max.request.size} is given, the producer is made to take them.
     */
    static void checkRequestSize(Properties props, JoblineConfig config) {
        String key = StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        Object given = props.getOrDefault(key, props.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
        long allowed;
        try {
            allowed = given == null
                    ? DEFAULT_MAX_REQUEST_SIZE
                    : Long.parseLong(given.toString().trim());
        } catch (NumberFormatException e) {
            return; // Kafka's own validation names it
        }
        int largest = config.largestRecordBytes();
        if (allowed < largest) {
            throw new ConfigException(
                    JoblineConfig.KAFKA_PREFIX
                            + (props.containsKey(key) ? key : ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                    "the producer takes records of at most " + allowed + " bytes, but with "
                            + JoblineConfig.MAX_COMMAND_BYTES.name() + "=" + config.get(JoblineConfig.MAX_COMMAND_BYTES)
                            + " the processor may write records of " + largest + ": raise it to " + largest
                            + " or more, or lower " + JoblineConfig.MAX_COMMAND_BYTES.name());
        }
    }

    public void start() {
        streams.start();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public boolean isRunning() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /**
     * Why the processor stopped for good, or null while it runs: Kafka Streams shuts the whole
     * client down on an error it cannot handle, and does not start again on its own.
     */
    public String failure() {
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.ERROR && state != KafkaStreams.State.PENDING_ERROR) {
            return null;
        }
        Throwable cause = failure;
        return "Kafka Streams is in state " + state + (cause == null ? "" : ": " + cause.getMessage());
    }

    /** For interactive queries of the job-state store. */
    public KafkaStreams streams() {
        return streams;
    }

    /**
     * Stops and leaves the consumer group, so a clean stop hands the partitions over at once
     * instead of after the session timeout (Kafka Streams' own default is to stay a member).
     */
    @Override
    public void close() {
        streamsMetrics.close();
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
    }
}
