package io.jobline.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobline.bench.DagScenario;
import io.jobline.bench.TimelineWorker;
import io.jobline.config.JoblineConfig;
import io.jobline.testing.KafkaBrokerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The DAG across partitions and stream tasks on a real broker: 12 partitions, 2 stream threads,
 * exactly-once. Dependencies and dependents live on different tasks; only recorded commands on
 * the commands topic connect them.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class DependencyIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void shouldRunAFanOutOfTwoThousandAndAChainOfTwoHundredInOrderExactlyOnce() throws Exception {
        JoblineConfig config = KAFKA.config("dag", DagScenario.settings(50));
        TopicAdmin.ensureTopics(config);
        try (LifecycleService service = new LifecycleService(config, new SimpleMeterRegistry());
                TimelineWorker worker = new TimelineWorker(
                                KAFKA.bootstrapServers(),
                                config.get(JoblineConfig.COMMANDS_TOPIC),
                                config.get(JoblineConfig.TIMELINE_TOPIC))
                        .completeScheduledJobs()) {
            service.start();

            DagScenario.Result fanOut = DagScenario.fanOut(worker, "fan", 2_000, Duration.ofMinutes(2));
            assertThat(fanOut.finished())
                    .as("every job of the fan-out completed")
                    .isTrue();
            assertExactlyOnceLifecycle(fanOut, 2_001);
            assertThat(fanOut.seen())
                    .filteredOn(
                            s -> s.type().equals("job.scheduled") && !s.jobId().equals("fan-root"))
                    .hasSize(2_000)
                    .allSatisfy(s -> assertThat(s.event().path("causationid").asText())
                            .isEqualTo("dependency.completed:fan-root"));

            DagScenario.Result chain = DagScenario.chain(worker, "chain", 200, Duration.ofMinutes(3));
            assertThat(chain.finished()).as("every job of the chain completed").isTrue();
            assertExactlyOnceLifecycle(chain, 200);
            List<String> completionOrder = chain.seen().stream()
                    .filter(s -> s.type().equals("job.completed"))
                    .map(TimelineWorker.Seen::jobId)
                    .toList();
            assertThat(completionOrder).isSorted().hasSize(200);
            assertThat(chain.seen())
                    .filteredOn(
                            s -> s.type().equals("job.scheduled") && !s.jobId().equals("chain-0000"))
                    .allSatisfy(s -> {
                        int index = Integer.parseInt(s.jobId().substring("chain-".length()));
                        assertThat(s.event().path("causationid").asText())
                                .isEqualTo(String.format("dependency.completed:chain-%04d", index - 1));
                    });
            System.out.printf(
                    "DAG on 12 partitions, 2 threads: %s in %d ms (scheduling latency p50 %d ms, p99 %d ms);"
                            + " %s in %d ms (p50 %d ms, p99 %d ms)%n",
                    fanOut.name(),
                    fanOut.wallMillis(),
                    fanOut.percentile(50),
                    fanOut.percentile(99),
                    chain.name(),
                    chain.wallMillis(),
                    chain.percentile(50),
                    chain.percentile(99));
        }
    }

    /** Every job: created, scheduled, started, completed, with sequences 1 to 4 and nothing twice. */
    private static void assertExactlyOnceLifecycle(DagScenario.Result result, int jobs) {
        Map<String, List<TimelineWorker.Seen>> byJob = result.seen().stream()
                .collect(Collectors.groupingBy(TimelineWorker.Seen::jobId, HashMap::new, Collectors.toList()));
        assertThat(byJob).hasSize(jobs);
        byJob.forEach((job, events) -> {
            assertThat(events)
                    .extracting(TimelineWorker.Seen::type)
                    .as(job)
                    .containsExactly("job.created", "job.scheduled", "job.started", "job.completed");
            assertThat(events).extracting(TimelineWorker.Seen::sequence).as(job).containsExactly(1L, 2L, 3L, 4L);
        });
    }
}
