package io.jobline.cli;

import io.jobline.config.JoblineConfig;
import io.jobline.wire.CommandCodec;
import io.jobline.wire.CommandRead;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
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
        try (InputStream in = open();
                KafkaProducer<String, byte[]> producer =
                        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            byte[] line;
            while ((line = readLine(in, buffer)) != null && failure.get() == null) {
                lines++;
                if (isBlank(line)) {
                    continue;
                }
                // The line's own bytes, read and sent as they are: decoded to text first, a line that
                // is not UTF-8 would be changed (stdin) or end the whole run at an earlier line (file).
                CommandRead read = CommandCodec.read(line);
                if (read instanceof CommandRead.Invalid bad) {
                    invalid++;
                    err.printf("line %d: %s: %s%n", lines, bad.reason().wireName(), bad.message());
                    continue;
                }
                io.jobline.domain.Command command = ((CommandRead.Valid) read).command();
                producer.send(
                        new ProducerRecord<>(
                                topic, null, command.jobId(), line, new RecordHeaders().add("content-type", JSON)),
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
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source() + " after line " + lines, e);
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

    private InputStream open() {
        if (file == null) {
            return new BufferedInputStream(System.in);
        }
        try {
            return new BufferedInputStream(Files.newInputStream(file));
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException(file + " does not exist", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private String source() {
        return file == null ? "standard input" : file.toString();
    }

    /** The next line's bytes without its line end ({@code \n} or {@code \r\n}); null at the end. */
    private static byte[] readLine(InputStream in, ByteArrayOutputStream buffer) throws IOException {
        buffer.reset();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            buffer.write(b);
        }
        if (b < 0 && buffer.size() == 0) {
            return null;
        }
        byte[] line = buffer.toByteArray();
        return line.length > 0 && line[line.length - 1] == '\r' ? Arrays.copyOf(line, line.length - 1) : line;
    }

    private static boolean isBlank(byte[] line) {
        for (byte b : line) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
