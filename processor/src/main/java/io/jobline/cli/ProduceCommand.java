package io.jobline.cli;

import io.jobline.config.JoblineConfig;
import io.jobline.wire.CommandCodec;
import io.jobline.wire.CommandRead;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "produce",
        mixinStandardHelpOptions = true,
        description = {
            "Sends commands from NDJSON, each checked against the schema first.",
            "",
            "Reads one JSON object per line from a file or standard input. Each line is",
            "checked against schemas/command.schema.json first: an invalid line is",
            "reported with its number and not sent. Records are keyed by jobId. Prints",
            "progress while it runs and a summary at the end; exits 1 when a line was",
            "invalid or a send failed."
        },
        footer = {
            "",
            "Examples:",
            "  jobline produce --file commands.ndjson --bootstrap localhost:9092",
            "  echo '{\"type\":\"job.create\",\"commandId\":\"c1\",\"jobId\":\"j1\",\"jobType\":\"report\"}' | jobline produce"
        })
final class ProduceCommand implements Callable<Integer> {

    private static final byte[] JSON = "application/json".getBytes(StandardCharsets.UTF_8);

    @Option(
            names = {"-f", "--file"},
            paramLabel = "FILE",
            description = "NDJSON file of commands (default: standard input).")
    Path file;

    @Mixin
    ConfigOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        JoblineConfig config = options.load();
        String topic = config.get(JoblineConfig.COMMANDS_TOPIC);
        var props = JoblineRuntime.clientProperties(config);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        long lines = 0;
        long invalid = 0;
        AtomicLong sent = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Progress progress = new Progress(err, "produce");
        try (BufferedReader in = file == null
                        ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                        : Files.newBufferedReader(file, StandardCharsets.UTF_8);
                KafkaProducer<String, byte[]> producer =
                        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            String line;
            while ((line = in.readLine()) != null && failure.get() == null) {
                lines++;
                if (line.isBlank()) {
                    continue;
                }
                byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
                CommandRead read = CommandCodec.read(bytes);
                if (read instanceof CommandRead.Invalid bad) {
                    invalid++;
                    err.printf("line %d: %s: %s%n", lines, bad.reason().wireName(), bad.message());
                    continue;
                }
                io.jobline.domain.Command command = ((CommandRead.Valid) read).command();
                producer.send(
                        new ProducerRecord<>(
                                topic, null, command.jobId(), bytes, new RecordHeaders().add("content-type", JSON)),
                        (metadata, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            } else {
                                sent.incrementAndGet();
                            }
                        });
                progress.tick(sent.get());
            }
            producer.flush();
        }
        if (failure.get() != null) {
            err.printf(
                    "produce: sending failed after %d commands: %s%n",
                    sent.get(), failure.get().getMessage());
        }
        err.printf("produce: %d sent to %s, %d invalid (not sent), %d lines read%n", sent.get(), topic, invalid, lines);
        err.flush();
        return invalid == 0 && failure.get() == null ? 0 : 1;
    }
}
