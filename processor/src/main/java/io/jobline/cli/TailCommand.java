package io.jobline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobline.config.JoblineConfig;
import io.jobline.wire.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "tail",
        mixinStandardHelpOptions = true,
        description = {
            "Follows the timeline and prints one line per event.",
            "",
            "Reads with read_committed and prints each event as a readable line, or as",
            "the raw CloudEvent JSON with --raw. Filters combine; Ctrl-C stops."
        },
        footer = {
            "",
            "Examples:",
            "  jobline tail --from-beginning",
            "  jobline tail --job job-42 --raw",
            "  jobline tail --tenant acme --type job.failed --max 10"
        })
final class TailCommand implements Callable<Integer> {

    private static final Duration POLL = Duration.ofMillis(500);

    @Option(names = "--from-beginning", description = "Start at the first event, not at the end.")
    boolean fromBeginning;

    @Option(names = "--job", paramLabel = "ID", description = "Only this job's events.")
    String job;

    @Option(names = "--tenant", paramLabel = "TENANT", description = "Only this tenant's events.")
    String tenant;

    @Option(names = "--type", paramLabel = "TYPE", description = "Only events of this type, e.g. job.failed.")
    String type;

    @Option(names = "--raw", description = "Print each event's JSON as it is on the topic.")
    boolean raw;

    @Option(names = "--max", paramLabel = "N", description = "Stop after N events (default: follow forever).")
    long max = Long.MAX_VALUE;

    @Option(names = "--idle-exit", paramLabel = "SECONDS", description = "Stop after this long without events.")
    Long idleExitSeconds;

    @Mixin
    ConfigOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        JoblineConfig config = options.load();
        Properties props = JoblineRuntime.clientProperties(config);
        // No consumer group: a new one takes seconds to form (a broker's group.initial.rebalance.delay.ms
        // is 3 s by default), and --idle-exit would count them as seconds without events.
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        String topic = config.get(JoblineConfig.TIMELINE_TOPIC);
        long idleLimit = idleExitSeconds == null || idleExitSeconds > Long.MAX_VALUE / 1_000_000_000L
                ? Long.MAX_VALUE
                : idleExitSeconds * 1_000_000_000L;
        long shown = 0;
        long idleSince = System.nanoTime();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            while (shown < max) {
                ConsumerRecords<String, byte[]> records;
                if (consumer.assignment().isEmpty() && !assignAll(consumer, topic)) {
                    records = ConsumerRecords.empty();
                    Thread.sleep(POLL.toMillis()); // the topic is not there yet, or Kafka does not answer
                } else {
                    records = consumer.poll(POLL);
                }
                if (records.isEmpty() && System.nanoTime() - idleSince > idleLimit) {
                    break;
                }
                for (ConsumerRecord<String, byte[]> record : records) {
                    idleSince = System.nanoTime();
                    if (job != null && !job.equals(record.key())) {
                        continue;
                    }
                    JsonNode event = parse(record.value());
                    if (event == null || !matches(event)) {
                        continue;
                    }
                    out.println(raw ? new String(record.value(), StandardCharsets.UTF_8) : readable(event));
                    out.flush();
                    if (++shown >= max) {
                        break;
                    }
                }
            }
        }
        return 0;
    }

    /** Reads every partition of {@code topic}, from its start or its end; false while it has none. */
    private boolean assignAll(KafkaConsumer<String, byte[]> consumer, String topic) {
        List<PartitionInfo> infos;
        try {
            infos = consumer.partitionsFor(topic, POLL);
        } catch (TimeoutException e) {
            return false;
        }
        if (infos == null || infos.isEmpty()) {
            return false;
        }
        List<TopicPartition> partitions = infos.stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
        consumer.assign(partitions);
        if (fromBeginning) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
        }
        return true;
    }

    private boolean matches(JsonNode event) {
        return (tenant == null || tenant.equals(event.path("tenant").asText()))
                && (type == null || type.equals(event.path("type").asText()));
    }

    /** {@code 2026-11-29T10:00:00.000Z job-42 #3 job.started scheduled -> running (started) attempt 1 ...} */
    static String readable(JsonNode event) {
        JsonNode data = event.path("data");
        StringBuilder line = new StringBuilder()
                .append(event.path("time").asText())
                .append(' ')
                .append(event.path("subject").asText())
                .append(" #")
                .append(event.path("sequence").asLong())
                .append(' ')
                .append(event.path("type").asText())
                .append(' ')
                .append(
                        data.at("/transition/from").isNull()
                                ? "-"
                                : data.at("/transition/from").asText())
                .append(" -> ")
                .append(data.at("/transition/to").asText());
        if (!data.at("/transition/reason").isNull()) {
            line.append(" (").append(data.at("/transition/reason").asText()).append(')');
        }
        line.append(" attempt ")
                .append(data.path("attempt").asInt())
                .append(" failures ")
                .append(data.path("failures").asInt());
        if (data.has("error")) {
            line.append(" error ").append(data.at("/error/code").asText());
        }
        if (data.has("retry")) {
            line.append(" retry at ").append(data.at("/retry/retryAt").asText());
        }
        line.append(" tenant ").append(event.path("tenant").asText());
        return line.toString();
    }

    private static JsonNode parse(byte[] bytes) {
        try {
            return Json.readTree(bytes);
        } catch (IOException e) {
            return null;
        }
    }
}
