package io.jobline.airgap;

import io.jobline.config.JoblineConfig;
import io.jobline.domain.Command;
import io.jobline.stream.TopologyHarness;
import io.jobline.stream.TopologySettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The live processor in miniature: the stream tests' {@link TopologyHarness} (the real topology on
 * a TopologyTestDriver, one partition, one clock), seen as the air gap sees a site: its commands
 * log as the processor read it, and its timeline and rejections, all as {@link LogRecord}s.
 */
final class LiveSite implements AutoCloseable {

    static final long T0 = TopologyHarness.T0;

    private final TopologySettings settings;
    private final TopologyHarness harness;

    LiveSite(JoblineConfig config) {
        this.settings = TopologySettings.from(config);
        this.harness = new TopologyHarness(config);
    }

    LiveSite send(Command command) {
        harness.send(command);
        return this;
    }

    LiveSite sendRaw(String key, byte[] value) {
        harness.sendRaw(key, value);
        return this;
    }

    /** Moves record time and wall-clock time together; due timers fire (as recorded commands) on the way. */
    LiveSite advance(Duration duration) {
        harness.advance(duration);
        return this;
    }

    long now() {
        return harness.now();
    }

    /** The commands topic as the processor read it: piped commands and recorded ones, in order. */
    List<LogRecord> commandsLog() {
        return toLogRecords(settings.commandsTopic(), harness.commandsLog());
    }

    List<LogRecord> timeline() {
        return toLogRecords(settings.timelineTopic(), harness.timelineRecords());
    }

    List<LogRecord> rejections() {
        return toLogRecords(settings.rejectionsTopic(), harness.rejectionRecords());
    }

    private static List<LogRecord> toLogRecords(String topic, List<TestRecord<String, byte[]>> records) {
        List<LogRecord> logRecords = new ArrayList<>(records.size());
        for (TestRecord<String, byte[]> record : records) {
            List<LogRecord.Header> headers = new ArrayList<>();
            if (record.headers() != null) {
                for (Header header : record.headers()) {
                    headers.add(new LogRecord.Header(header.key(), header.value()));
                }
            }
            logRecords.add(new LogRecord(
                    topic,
                    0,
                    LogRecord.NO_OFFSET,
                    record.timestamp(),
                    record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8),
                    record.value(),
                    headers));
        }
        return logRecords;
    }

    @Override
    public void close() {
        harness.close();
    }
}
