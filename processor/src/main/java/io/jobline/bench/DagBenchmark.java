package io.jobline.bench;

import io.jobline.config.JoblineConfig;
import io.jobline.embedded.EmbeddedKafka;
import io.jobline.stream.LifecycleService;
import io.jobline.stream.TopicAdmin;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * DAG latency on a real (in-JVM, single-node) broker: 12 partitions, 2 stream threads,
 * exactly-once. Reports the wall time of a fan-out and of a chain, and the time from seeing a
 * dependency complete to seeing its dependent scheduled, both read from the timeline.
 */
public final class DagBenchmark {

    private final PrintStream out;

    public DagBenchmark(PrintStream out) {
        this.out = out;
    }

    public void run(int fanOut, int chain, long commitIntervalMs) throws Exception {
        Path stateDir = Files.createTempDirectory("jobline-dag-bench");
        try (EmbeddedKafka broker = EmbeddedKafka.start()) {
            Map<String, String> settings = new java.util.HashMap<>(DagScenario.settings(commitIntervalMs));
            settings.put("jobline.bootstrap.servers", broker.bootstrapServers());
            settings.put("jobline.application.id", "jobline-dag-bench");
            settings.put("jobline.state.dir", stateDir.toString());
            JoblineConfig config = JoblineConfig.of(settings);
            TopicAdmin.ensureTopics(config);
            try (LifecycleService service = new LifecycleService(config, new SimpleMeterRegistry());
                    TimelineWorker worker = new TimelineWorker(
                                    broker.bootstrapServers(),
                                    config.get(JoblineConfig.COMMANDS_TOPIC),
                                    config.get(JoblineConfig.TIMELINE_TOPIC))
                            .completeScheduledJobs()) {
                service.start();
                out.printf("broker up; 12 partitions, 2 stream threads, commit interval %d ms%n", commitIntervalMs);
                report(DagScenario.fanOut(worker, "fan", fanOut, Duration.ofMinutes(5)));
                report(DagScenario.chain(worker, "chain", chain, Duration.ofMinutes(10)));
            }
        }
    }

    private void report(DagScenario.Result result) {
        out.printf(
                "%-20s %6d jobs  %s  wall %,8d ms  dependency completed -> dependent scheduled:"
                        + " p50 %d ms, p99 %d ms, max %d ms%n",
                result.name(),
                result.jobs(),
                result.finished() ? "finished" : "TIMED OUT",
                result.wallMillis(),
                result.percentile(50),
                result.percentile(99),
                result.percentile(100));
    }
}
