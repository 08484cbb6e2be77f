package io.jobline.airgap;

import io.jobline.config.JoblineConfig;
import io.jobline.domain.Command;
import io.jobline.stream.JoblineTopology;
import io.jobline.stream.LifecycleMetrics;
import io.jobline.stream.LifecycleService;
import io.jobline.stream.TopologySettings;
import io.jobline.wire.CommandCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The live processor in miniature: the real topology on a {@link TopologyTestDriver} (one
 * partition), one clock for record timestamps and the wall clock. It keeps the commands log as the
 * processor read it: each piped command, then the recorded commands it wrote back, which the
 * driver feeds back in that order, as a broker would.
 */
final class LiveSite implements AutoCloseable {

    static final long T0 = 1_764_000_000_000L;

    private final TopologySettings settings;
    private final Path stateDir;
    private final TopologyTestDriver driver;
    private final TestInputTopic<String, byte[]> commands;
    private final TestOutputTopic<String, byte[]> timeline;
    private final TestOutputTopic<String, byte[]> rejections;
    private final TestOutputTopic<String, byte[]> recorded;
    private final List<LogRecord> log = new ArrayList<>();
    private final List<LogRecord> timelineRecords = new ArrayList<>();
    private final List<LogRecord> rejectionRecords = new ArrayList<>();
    private long now = T0;

    LiveSite(JoblineConfig config) {
        this.settings = TopologySettings.from(config);
        try {
            stateDir = Files.createTempDirectory("jobline-live-site");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LifecycleMetrics metrics = new LifecycleMetrics();
        metrics.bindTo(new SimpleMeterRegistry());
        driver = new TopologyTestDriver(
                JoblineTopology.build(settings, metrics),
                LifecycleService.streamsProperties(config.with(
                        Map.of("jobline.application.id", "live-site", "jobline.state.dir", stateDir.toString()))),
                Instant.ofEpochMilli(T0));
        commands = driver.createInputTopic(settings.commandsTopic(), new StringSerializer(), new ByteArraySerializer());
        timeline = driver.createOutputTopic(
                settings.timelineTopic(),
                JoblineTopology.KEY_SERDE.deserializer(),
                JoblineTopology.VALUE_SERDE.deserializer());
        rejections = driver.createOutputTopic(
                settings.rejectionsTopic(),
                JoblineTopology.KEY_SERDE.deserializer(),
                JoblineTopology.VALUE_SERDE.deserializer());
        recorded = driver.createOutputTopic(
                settings.commandsTopic(),
                JoblineTopology.KEY_SERDE.deserializer(),
                JoblineTopology.VALUE_SERDE.deserializer());
    }

    LiveSite send(Command command) {
        return sendRaw(command.jobId(), CommandCodec.write(command));
    }

    LiveSite sendRaw(String key, byte[] value) {
        TestRecord<String, byte[]> record = new TestRecord<>(key, value, null, now);
        log.add(toLogRecord(settings.commandsTopic(), record));
        commands.pipeInput(record);
        drain();
        return this;
    }

    /** Moves record time and wall-clock time together; due timers fire (as recorded commands) on the way. */
    LiveSite advance(Duration duration) {
        now += duration.toMillis();
        driver.advanceWallClockTime(duration);
        drain();
        return this;
    }

    long now() {
        return now;
    }

    /** The commands topic as the processor read it: piped commands and recorded ones, in order. */
    List<LogRecord> commandsLog() {
        return List.copyOf(log);
    }

    List<LogRecord> timeline() {
        return List.copyOf(timelineRecords);
    }

    List<LogRecord> rejections() {
        return List.copyOf(rejectionRecords);
    }

    private void drain() {
        recorded.readRecordsToList().forEach(r -> log.add(toLogRecord(settings.commandsTopic(), r)));
        timeline.readRecordsToList().forEach(r -> timelineRecords.add(toLogRecord(settings.timelineTopic(), r)));
        rejections.readRecordsToList().forEach(r -> rejectionRecords.add(toLogRecord(settings.rejectionsTopic(), r)));
    }

    private static LogRecord toLogRecord(String topic, TestRecord<String, byte[]> record) {
        List<LogRecord.Header> headers = new ArrayList<>();
        if (record.headers() != null) {
            for (Header header : record.headers()) {
                headers.add(new LogRecord.Header(header.key(), header.value()));
            }
        }
        return new LogRecord(
                topic,
                0,
                LogRecord.NO_OFFSET,
                record.timestamp(),
                record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8),
                record.value(),
                headers);
    }

    @Override
    public void close() {
        driver.close();
        Bundle.deleteRecursively(stateDir);
    }
}
