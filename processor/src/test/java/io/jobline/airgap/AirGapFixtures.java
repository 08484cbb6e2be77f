package io.jobline.airgap;

import io.jobline.config.JoblineConfig;
import io.jobline.domain.Command;
import io.jobline.domain.CommandHeader;
import io.jobline.domain.RetrySpec;
import io.jobline.testing.JobCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Named scenarios and file helpers shared by the air-gap tests. */
final class AirGapFixtures {

    static final String ALLOWED_EGRESS = "https://api.internal";
    static final String BLOCKED_EGRESS = "evil.example.com:443";

    private AirGapFixtures() {}

    static JoblineConfig sealedConfig() {
        return JoblineConfig.of(java.util.Map.of(
                "jobline.sealed", "true", "jobline.egress.allow", ALLOWED_EGRESS + ",db.internal:5432"));
    }

    /**
     * Every kind of decision on one site: retries through recorded timer fires, a lease expiry, a
     * notBefore, dependencies (one on a job that does not exist yet, one whose dependency is
     * cancelled), heartbeats, cancels, a manual retry, egress admission, and bad records of every
     * sort (unreadable, invalid, too large, keyed wrongly, unknown job, invalid transition).
     */
    static LiveSite runEverything(LiveSite site) {
        JobCommands c = new JobCommands();
        site.send(c.create("a"))
                .send(c.create("b"))
                .send(c.createDependingOn("c", "a", "b"))
                .send(c.createDependingOn("e", "zz"))
                .send(c.createNotBefore("f", site.now() + 5_000))
                .send(c.createWithEgress("g", ALLOWED_EGRESS))
                .send(c.createWithEgress("h", BLOCKED_EGRESS))
                .send(c.start("a", "La1"))
                .send(c.fail("a", "La1"))
                .advance(Duration.ofSeconds(2))
                .send(c.start("a", "La2"))
                .send(c.heartbeat("a", "La2"))
                .send(c.complete("a", "La2"))
                .send(c.start("b", "Lb1"))
                .advance(Duration.ofSeconds(12)) // b's lease expires; its retry is armed
                .advance(Duration.ofSeconds(3)) // the retry fires; f's notBefore passes
                .send(c.cancel("b")) // c is cancelled: upstream_failed
                .send(c.create("zz"))
                .send(c.start("zz", "Lz"))
                .send(c.complete("zz", "Lz"))
                .send(c.start("e", "Le"))
                .send(c.failPermanently("e", "Le"))
                .send(c.retry("e"))
                .send(c.start("e", "Le2"))
                .send(c.complete("e", "Le2"))
                .sendRaw("a", "garbage".getBytes(StandardCharsets.UTF_8))
                .sendRaw("a", "{\"type\":\"job.start\",\"jobId\":\"a\"}".getBytes(StandardCharsets.UTF_8))
                .sendRaw(null, "{}".getBytes(StandardCharsets.UTF_8))
                .sendRaw("x", tooLarge())
                .send(c.start("a", "La3")) // a is completed: invalid_transition
                .send(c.start("nobody", "L")) // unknown_job
                .sendRaw("other", io.jobline.wire.CommandCodec.write(c.cancel("f")))
                .advance(Duration.ofSeconds(1));
        return site;
    }

    private static byte[] tooLarge() {
        String filler = "x".repeat(300_000);
        Command.Create create = new Command.Create(
                new CommandHeader("big", "x", null, null, null, null, null),
                "r",
                new io.jobline.domain.JsonText("{\"filler\":\"" + filler + "\"}"),
                List.of(),
                RetrySpec.NONE,
                null,
                null,
                null);
        return io.jobline.wire.CommandCodec.write(create);
    }

    /** Writes records as a plain NDJSON file (no topic, partition or offset: as a hand-made replay input). */
    static Path writePlain(Path file, List<LogRecord> records) {
        List<LogRecord> plain = new ArrayList<>();
        records.forEach(r -> plain.add(new LogRecord(
                null, LogRecord.NO_PARTITION, LogRecord.NO_OFFSET, r.timestamp(), r.key(), r.value(), r.headers())));
        return write(file, plain);
    }

    static Path write(Path file, List<LogRecord> records) {
        try (RecordLineWriter writer = new RecordLineWriter(Files.newOutputStream(file))) {
            for (LogRecord record : records) {
                writer.write(record);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    static List<LogRecord> read(Path file) {
        List<LogRecord> records = new ArrayList<>();
        try (LogInput input =
                LogInput.open(file, manifest -> manifest.processor().timelineTopic())) {
            input.forEach(records::add);
        }
        return records;
    }

    /** A bundle of one topic, the records on the partitions they name, with offsets 0, 1, 2... per partition. */
    static Path writeBundle(
            Path directory, String topic, int partitions, List<LogRecord> records, ProcessorPolicy policy) {
        return BundleWriter.writeLog(
                directory,
                topic,
                partitions,
                records,
                "test",
                new Manifest.Source("test-cluster", "localhost:9092", "read_committed"),
                new Manifest.Processor("jobline", topic, "jobline.timeline", "jobline.rejections", policy));
    }
}
