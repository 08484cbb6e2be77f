package io.jobline.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobline.config.JoblineConfig;
import io.jobline.testing.KafkaBrokerExtension;
import io.jobline.wire.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Topics and the processor take the largest record the processor may write for the configured command size. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TopicAdminIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final Map<String, String> LARGE_COMMANDS =
            Map.of("jobline.command.max.bytes", "1000000", "kafka.max.request.size", "4000000");

    @Test
    void shouldCreateTopicsThatTakeTheLargestRecord() throws Exception {
        JoblineConfig config = KAFKA.config("limits", LARGE_COMMANDS);

        assertThat(TopicAdmin.ensureTopics(config)).hasSize(3);

        for (String topic : topics(config)) {
            assertThat(maxMessageBytes(topic)).as(topic).isEqualTo(config.largestRecordBytes());
        }
        assertThat(TopicAdmin.ensureTopics(config))
                .as("checked again, and taken")
                .isEmpty();
    }

    @Test
    void shouldRefuseExistingTopicsThatWouldRefuseTheLargestRecord() {
        JoblineConfig config = KAFKA.config("limits", LARGE_COMMANDS);
        KAFKA.broker().createTopics(2, topics(config).toArray(String[]::new)); // the broker's default limit

        assertThatThrownBy(() -> TopicAdmin.ensureTopics(config))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("topic " + config.get(JoblineConfig.COMMANDS_TOPIC) + " takes records of at most")
                .hasMessageContaining("raise the topic's max.message.bytes to 3065536");
    }

    /**
     * A job whose payload and result are near the command limit: its last event carries both,
     * nearly twice the limit. With Kafka's defaults (1 MiB) the processor stopped on writing it,
     * and met it again at every restart.
     */
    @Test
    void shouldWriteTheEventsOfAJobWithLargeCommands() throws Exception {
        JoblineConfig config =
                KAFKA.config("large", Map.of("jobline.command.max.bytes", "1000000", "jobline.topic.partitions", "1"));
        TopicAdmin.ensureTopics(config);
        String blob = "x".repeat(900_000);
        String commands = config.get(JoblineConfig.COMMANDS_TOPIC);
        try (LifecycleService service = new LifecycleService(config, new SimpleMeterRegistry());
                KafkaProducer<String, byte[]> producer = producer();
                KafkaConsumer<String, byte[]> timeline =
                        KAFKA.committedReader(config.get(JoblineConfig.TIMELINE_TOPIC))) {
            service.start();
            for (String command : List.of(
                    "{\"type\":\"job.create\",\"commandId\":\"c1\",\"jobId\":\"big\",\"jobType\":\"t\","
                            + "\"payload\":{\"blob\":\"" + blob + "\"}}",
                    "{\"type\":\"job.start\",\"commandId\":\"c2\",\"jobId\":\"big\",\"workerId\":\"w\","
                            + "\"leaseId\":\"L\"}",
                    "{\"type\":\"job.complete\",\"commandId\":\"c3\",\"jobId\":\"big\",\"leaseId\":\"L\","
                            + "\"result\":{\"blob\":\"" + blob + "\"}}")) {
                producer.send(new ProducerRecord<>(commands, "big", command.getBytes(StandardCharsets.UTF_8)))
                        .get(30, TimeUnit.SECONDS);
            }

            int completedBytes = -1;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (completedBytes < 0 && service.failure() == null && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : timeline.poll(Duration.ofMillis(200))) {
                    if (Json.tree(record.value())
                            .at("/data/job/status")
                            .asText()
                            .equals("completed")) {
                        completedBytes = record.value().length;
                    }
                }
            }

            assertThat(service.failure()).as("the processor's failure").isNull();
            assertThat(completedBytes).as("bytes of the completed event").isGreaterThan(1_800_000);
        }
    }

    private static KafkaProducer<String, byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2_000_000);
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    private static List<String> topics(JoblineConfig config) {
        return List.of(
                config.get(JoblineConfig.COMMANDS_TOPIC),
                config.get(JoblineConfig.TIMELINE_TOPIC),
                config.get(JoblineConfig.REJECTIONS_TOPIC));
    }

    private static int maxMessageBytes(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (Admin admin = KAFKA.broker().admin()) {
            Config config = admin.describeConfigs(List.of(resource))
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .get(resource);
            return Integer.parseInt(config.get("max.message.bytes").value());
        }
    }
}
