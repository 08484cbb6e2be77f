package io.jobline.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobline.config.JoblineConfig;
import io.jobline.testing.JobCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/** The log principle: the same commands log, recorded timers included, gives the same bytes. */
class DeterminismTest {

    private static final TopologySettings SETTINGS = TopologySettings.from(JoblineConfig.defaults());

    @Test
    void shouldProduceByteIdenticalTimelineAndRejectionsFromTheSameLog() {
        JobCommands commands = new JobCommands();
        try (TopologyHarness live = new TopologyHarness(SETTINGS)) {
            live.send(commands.create("a"))
                    .send(commands.create("b"))
                    .send(commands.createDependingOn("c", "a", "b"))
                    .send(commands.start("a", "L1"))
                    .send(commands.fail("a", "L1"))
                    .advance(Duration.ofSeconds(2))
                    .send(commands.start("a", "L2"))
                    .advance(Duration.ofSeconds(12)) // a's lease expires, a retry is armed and fires
                    .advance(Duration.ofSeconds(5))
                    .send(commands.start("a", "L3"))
                    .send(commands.complete("a", "L3"))
                    .send(commands.start("b", "L4"))
                    .send(commands.heartbeat("b", "L4"))
                    .send(commands.complete("b", "L4"))
                    .send(commands.start("c", "L5"))
                    .send(commands.complete("c", "wrong-lease"))
                    .sendRaw("a", "garbage".getBytes(StandardCharsets.UTF_8))
                    .send(commands.start("a", "L9"));

            assertThat(live.eventTypes("c")).contains("job.scheduled", "job.started");
            assertThat(live.recordedCommands()).isNotEmpty();
            assertThat(live.rejections()).hasSize(3);

            try (TopologyHarness first = new TopologyHarness(SETTINGS).replay(live);
                    TopologyHarness second = new TopologyHarness(SETTINGS).replay(live)) {
                assertThat(bytes(first.timelineRecords())).isEqualTo(bytes(live.timelineRecords()));
                assertThat(bytes(second.timelineRecords())).isEqualTo(bytes(first.timelineRecords()));
                assertThat(bytes(first.rejectionRecords())).isEqualTo(bytes(live.rejectionRecords()));
                assertThat(bytes(second.rejectionRecords())).isEqualTo(bytes(first.rejectionRecords()));
            }
        }
    }

    private static List<String> bytes(List<TestRecord<String, byte[]>> records) {
        return records.stream()
                .map(r -> r.key() + "|" + r.timestamp() + "|" + new String(r.value(), StandardCharsets.UTF_8))
                .toList();
    }
}
