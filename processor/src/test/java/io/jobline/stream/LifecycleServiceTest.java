package io.jobline.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobline.config.ConfigException;
import io.jobline.config.JoblineConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The processor refuses a producer that would refuse its largest records, before it starts. */
class LifecycleServiceTest {

    @Test
    void shouldTakeTheDefaultsAsTheyAre() {
        JoblineConfig defaults = JoblineConfig.defaults();

        assertThat(defaults.largestRecordBytes()).isLessThan(1_048_576);
        assertThatCode(() -> LifecycleService.streamsProperties(defaults)).doesNotThrowAnyException();
    }

    @Test
    void shouldMakeTheProducerTakeTheRecordsOfLargeCommands() {
        JoblineConfig config = JoblineConfig.of(Map.of("jobline.command.max.bytes", "1000000"));

        assertThat(LifecycleService.streamsProperties(config)).containsEntry("producer.max.request.size", 3_065_536);
    }

    @Test
    void shouldRefuseLargeCommandsWhenTheRequestSizeGivenIsSmallerThanTheirRecords() {
        JoblineConfig config =
                JoblineConfig.of(Map.of("jobline.command.max.bytes", "1000000", "kafka.max.request.size", "1048576"));

        assertThatThrownBy(() -> LifecycleService.streamsProperties(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.max.request.size")
                .hasMessageContaining("at most 1048576 bytes")
                .hasMessageContaining("jobline.command.max.bytes=1000000")
                .hasMessageContaining("records of 3065536");
    }

    @Test
    void shouldTakeLargeCommandsOnceTheProducerTakesTheirRecords() {
        for (String key : new String[] {"kafka.max.request.size", "kafka.producer.max.request.size"}) {
            JoblineConfig config = JoblineConfig.of(Map.of("jobline.command.max.bytes", "1000000", key, "3065536"));

            assertThatCode(() -> LifecycleService.streamsProperties(config))
                    .as(key)
                    .doesNotThrowAnyException();
        }
        JoblineConfig tooSmall = JoblineConfig.of(
                Map.of("jobline.command.max.bytes", "1000000", "kafka.producer.max.request.size", "3065535"));
        assertThatThrownBy(() -> LifecycleService.streamsProperties(tooSmall))
                .hasMessageContaining("kafka.producer.max.request.size");
    }
}
