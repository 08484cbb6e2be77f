package io.jobline.testing;

import io.jobline.config.JoblineConfig;
import io.jobline.embedded.EmbeddedKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real in-JVM KRaft broker for a test class:
 * {@code @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();}.
 * Each test isolates itself with {@link #config}: its own application id, topics and state dir.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {

    private EmbeddedKafka broker;

    @Override
    public void beforeAll(ExtensionContext context) {
        broker = EmbeddedKafka.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        broker.close();
    }

    public EmbeddedKafka broker() {
        return broker;
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** A consumer of {@code topic} from its start, in a group of its own, reading committed records only. */
    public KafkaConsumer<String, byte[]> committedReader(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    /** A fresh run id, for tests that start several instances of one application. */
    public static String newRun() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** Configuration for a new run on this broker, named {@code prefix}, with {@code extra} on top. */
    public JoblineConfig config(String prefix, Map<String, String> extra) {
        return config(prefix, newRun(), extra);
    }

    /** The same, for run {@code run}: instances given the same run share topics and application id. */
    public JoblineConfig config(String prefix, String run, Map<String, String> extra) {
        return JoblineConfig.of(settings(bootstrapServers(), prefix, run, extra));
    }

    /** The settings of a test run against any broker (Testcontainers' too). */
    public static Map<String, String> settings(String bootstrap, String prefix, String run, Map<String, String> extra) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("jobline.bootstrap.servers", bootstrap);
        settings.put("jobline.application.id", prefix + "-" + run);
        settings.put("jobline.topic.commands", prefix + "-commands-" + run);
        settings.put("jobline.topic.timeline", prefix + "-timeline-" + run);
        settings.put("jobline.topic.rejections", prefix + "-rejections-" + run);
        try {
            settings.put(
                    "jobline.state.dir",
                    Files.createTempDirectory("jobline-" + prefix).toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        settings.putAll(extra);
        return settings;
    }
}
