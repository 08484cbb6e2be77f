package io.jobline.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SinkMetricsTest {

    private static final TopicPartition TIMELINE_0 = new TopicPartition("jobline.timeline", 0);
    private static final TopicPartition TIMELINE_1 = new TopicPartition("jobline.timeline", 1);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SinkMetrics metrics = new SinkMetrics();

    @BeforeEach
    void bind() {
        metrics.bindTo(registry);
    }

    @Test
    void shouldCountRowsPerTableAndRecordTheBatch() {
        metrics.written(new WriteResult(100, 10, 85, 20, 5, 2, 1, 0), Duration.ofMillis(40));
        metrics.written(new WriteResult(50, 0, 50, 12, 0, 0, 0, 3), Duration.ofMillis(20));

        assertThat(rows("job_history")).isEqualTo(135);
        assertThat(rows("jobs")).isEqualTo(32);
        assertThat(rows("job_rejections")).isEqualTo(5);
        assertThat(registry.get(SinkMetrics.MALFORMED).counter().count()).isEqualTo(2);
        assertThat(registry.get(SinkMetrics.SKIPPED).counter().count()).isEqualTo(10);
        assertThat(retries("duplicate")).isEqualTo(1);
        assertThat(retries("unwritable")).isEqualTo(3);
        assertThat(registry.get(SinkMetrics.BATCH_SIZE).summary().totalAmount()).isEqualTo(150);
        assertThat(registry.get(SinkMetrics.BATCH_LATENCY).timer().totalTime(TimeUnit.MILLISECONDS))
                .isEqualTo(60);
    }

    @Test
    void shouldCountRetriesWhilePostgresIsUnavailable() {
        metrics.retried(SinkMetrics.RetryCause.UNAVAILABLE);
        metrics.retried(SinkMetrics.RetryCause.UNAVAILABLE);

        assertThat(retries("unavailable")).isEqualTo(2);
    }

    @Test
    void shouldGaugeTheLagOfEachHeldPartitionAndDropItWhenThePartitionGoes() {
        metrics.lag(TIMELINE_0, 120);
        metrics.lag(TIMELINE_1, 7);
        metrics.lag(TIMELINE_0, 30);

        assertThat(lag(TIMELINE_0)).isEqualTo(30);
        assertThat(lag(TIMELINE_1)).isEqualTo(7);

        metrics.forget(List.of(TIMELINE_0));

        assertThat(registry.find(SinkMetrics.LAG).gauges())
                .singleElement()
                .satisfies(
                        gauge -> assertThat(gauge.getId().getTag("partition")).isEqualTo("1"));
    }

    @Test
    void shouldDescribeEveryMeterItDeclares() {
        metrics.lag(TIMELINE_0, 1);
        List<String> declared = List.of(
                SinkMetrics.ROWS,
                SinkMetrics.MALFORMED,
                SinkMetrics.SKIPPED,
                SinkMetrics.BATCH_SIZE,
                SinkMetrics.BATCH_LATENCY,
                SinkMetrics.LAG,
                SinkMetrics.RETRIES);

        assertThat(registry.getMeters())
                .extracting(Meter::getId)
                .filteredOn(id -> declared.contains(id.getName()))
                .hasSize(3 + 1 + 1 + 1 + 1 + 1 + 3)
                .allSatisfy(id -> assertThat(id.getDescription()).isNotBlank());
        assertThat(declared).allSatisfy(name -> assertThat(name).startsWith("jobline.sink."));
    }

    private double rows(String table) {
        return registry.get(SinkMetrics.ROWS).tag("table", table).counter().count();
    }

    private double retries(String cause) {
        return registry.get(SinkMetrics.RETRIES).tag("cause", cause).counter().count();
    }

    private double lag(TopicPartition partition) {
        return registry.get(SinkMetrics.LAG)
                .tag("topic", partition.topic())
                .tag("partition", String.valueOf(partition.partition()))
                .gauge()
                .value();
    }
}
