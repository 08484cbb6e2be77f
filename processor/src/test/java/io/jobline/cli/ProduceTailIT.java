package io.jobline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobline.config.JoblineConfig;
import io.jobline.embedded.EmbeddedKafka;
import io.jobline.testing.KafkaBrokerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code jobline produce} and {@code jobline tail} against a real broker with the processor running. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ProduceTailIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void shouldSendValidLinesReportInvalidOnesAndTailTheResultingTimeline() throws Exception {
        JoblineConfig config = KAFKA.config("cli", Map.of("jobline.topic.partitions", "2"));
        Path commands = Files.createTempFile("commands", ".ndjson");
        Files.write(
                commands,
                List.of(
                        "{\"type\":\"job.create\",\"commandId\":\"c1\",\"jobId\":\"p-1\",\"jobType\":\"report\"}",
                        "{\"type\":\"job.create\",\"commandId\":\"c2\",\"jobId\":\"p-2\",\"jobType\":\"report\",\"tenant\":\"acme\"}",
                        "{\"type\":\"job.start\",\"commandId\":\"c3\",\"jobId\":\"p-1\"}",
                        "",
                        "{\"type\":\"job.cancel\",\"commandId\":\"c4\",\"jobId\":\"p-2\",\"reason\":\"not needed\"}"));
        List<String> flags = new ArrayList<>();
        config.kafkaProperties().forEach((k, v) -> flags.addAll(List.of("--set", "kafka." + k + "=" + v)));
        for (var key : List.of(
                JoblineConfig.BOOTSTRAP_SERVERS,
                JoblineConfig.COMMANDS_TOPIC,
                JoblineConfig.TIMELINE_TOPIC,
                JoblineConfig.REJECTIONS_TOPIC)) {
            flags.addAll(List.of("--set", key.name() + "=" + config.get(key)));
        }

        try (JoblineRuntime processor =
                JoblineRuntime.start(config, EnumSet.of(JoblineRuntime.Role.PROCESSOR), false)) {
            List<String> produceArgs = new ArrayList<>(List.of("produce", "--file", commands.toString()));
            produceArgs.addAll(flags);
            JoblineCliTest.Run produce = JoblineCliTest.run(produceArgs.toArray(String[]::new));
            assertThat(produce.exitCode()).as("exit 1: a line was invalid").isEqualTo(1);
            assertThat(produce.err())
                    .contains("line 3: schema_violation: workerId: is required")
                    .contains("produce: 3 sent to " + config.get(JoblineConfig.COMMANDS_TOPIC)
                            + ", 1 invalid (not sent), 5 lines read");

            List<String> tailArgs =
                    new ArrayList<>(List.of("tail", "--from-beginning", "--max", "5", "--idle-exit", "60"));
            tailArgs.addAll(flags);
            JoblineCliTest.Run tail = JoblineCliTest.run(tailArgs.toArray(String[]::new));
            assertThat(tail.exitCode()).isZero();
            assertThat(tail.out().lines().toList())
                    .hasSize(5)
                    .anySatisfy(line ->
                            assertThat(line).contains("p-2 #3 job.cancelled scheduled -> cancelled (not needed)"))
                    .anySatisfy(line -> assertThat(line).contains("p-1 #2 job.scheduled pending -> scheduled (ready)"));

            List<String> filtered = new ArrayList<>(List.of(
                    "tail",
                    "--from-beginning",
                    "--tenant",
                    "acme",
                    "--type",
                    "job.cancelled",
                    "--raw",
                    "--max",
                    "1",
                    "--idle-exit",
                    "60"));
            filtered.addAll(flags);
            JoblineCliTest.Run raw = JoblineCliTest.run(filtered.toArray(String[]::new));
            assertThat(raw.out().strip()).startsWith("{\"specversion\":\"1.0\"").contains("\"subject\":\"p-2\"");
        }
    }

    /**
     * A new consumer group takes a while to form: a broker's group.initial.rebalance.delay.ms is 3 s
     * by default (4 s here). --idle-exit 2 must count from when tail can read the timeline, not
     * from its start, or it prints nothing from a timeline full of events and says all is well.
     */
    @Test
    void shouldCountIdleTimeFromWhenTheTimelineIsAssignedNotWhileTheGroupForms() throws Exception {
        try (EmbeddedKafka slowGroups = EmbeddedKafka.start(null, Map.of("group.initial.rebalance.delay.ms", "4000"))) {
            String timeline = "tail-idle-timeline";
            slowGroups.createTopics(1, timeline);
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, slowGroups.bootstrapServers());
            try (KafkaProducer<String, String> producer =
                    new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
                for (int sequence = 1; sequence <= 3; sequence++) {
                    producer.send(new ProducerRecord<>(
                                    timeline,
                                    "idle-1",
                                    "{\"subject\":\"idle-1\",\"sequence\":" + sequence
                                            + ",\"type\":\"job.created\",\"tenant\":\"default\",\"data\":{}}"))
                            .get();
                }
            }

            JoblineCliTest.Run tail = JoblineCliTest.run(
                    "tail",
                    "--from-beginning",
                    "--idle-exit",
                    "2",
                    "--max",
                    "3",
                    "--bootstrap",
                    slowGroups.bootstrapServers(),
                    "--set",
                    JoblineConfig.TIMELINE_TOPIC.name() + "=" + timeline);

            assertThat(tail.exitCode()).isZero();
            assertThat(tail.out().lines())
                    .hasSize(3)
                    .allSatisfy(line -> assertThat(line).contains("idle-1"));
        }
    }
}
