package io.jobline.bench;

import io.jobline.domain.Command;
import io.jobline.domain.RetrySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * DAG workloads on a running processor: a fan-out (one job, many dependents) and a chain. The
 * dependents are created first, so they wait for a job that does not exist yet; then the root is
 * created and a {@link TimelineWorker} runs every job that becomes scheduled.
 */
public final class DagScenario {

    /**
     * What one scenario did.
     *
     * @param wallMillis from sending the root's create to seeing the last job complete
     * @param latenciesMs per dependent, from seeing its (last) dependency complete to seeing it scheduled
     */
    public record Result(
            String name,
            int jobs,
            boolean finished,
            long wallMillis,
            List<Long> latenciesMs,
            List<TimelineWorker.Seen> seen) {

        public long percentile(double p) {
            if (latenciesMs.isEmpty()) {
                return -1;
            }
            List<Long> sorted = latenciesMs.stream().sorted().toList();
            int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
        }
    }

    private DagScenario() {}

    /** The processor settings the DAG is measured and tested under: 12 partitions, 2 stream threads. */
    public static Map<String, String> settings(long commitIntervalMs) {
        return Map.of(
                "jobline.topic.partitions", "12",
                "jobline.stream.threads", "2",
                "jobline.commit.interval.ms", Long.toString(commitIntervalMs));
    }

    /** {@code root} and {@code width} jobs that depend on it. */
    public static Result fanOut(TimelineWorker worker, String prefix, int width, Duration timeout) {
        String root = prefix + "-root";
        Map<String, String> waitsFor = new HashMap<>();
        for (int i = 0; i < width; i++) {
            String dependent = String.format("%s-%05d", prefix, i);
            waitsFor.put(dependent, root);
            worker.send(create(dependent, List.of(root)));
        }
        return run("fan-out 1 -> " + width, worker, root, waitsFor, timeout);
    }

    /** {@code length} jobs, each depending on the one before it. */
    public static Result chain(TimelineWorker worker, String prefix, int length, Duration timeout) {
        String root = String.format("%s-%04d", prefix, 0);
        Map<String, String> waitsFor = new HashMap<>();
        for (int i = length - 1; i >= 1; i--) {
            String job = String.format("%s-%04d", prefix, i);
            String previous = String.format("%s-%04d", prefix, i - 1);
            waitsFor.put(job, previous);
            worker.send(create(job, List.of(previous)));
        }
        return run("chain of " + length, worker, root, waitsFor, timeout);
    }

    private static Result run(
            String name, TimelineWorker worker, String root, Map<String, String> waitsFor, Duration timeout) {
        int jobs = waitsFor.size() + 1;
        boolean created = worker.awaitUntil(seen -> count(seen, "job.created", waitsFor) >= waitsFor.size(), timeout);
        long start = System.currentTimeMillis();
        worker.send(create(root, List.of()));
        Map<String, String> all = new HashMap<>(waitsFor);
        all.put(root, null);
        boolean finished = created && worker.awaitUntil(seen -> count(seen, "job.completed", all) >= jobs, timeout);
        List<TimelineWorker.Seen> seen =
                worker.seen().stream().filter(s -> all.containsKey(s.jobId())).toList();
        long end = seen.stream()
                .filter(s -> s.type().equals("job.completed"))
                .mapToLong(TimelineWorker.Seen::seenAt)
                .max()
                .orElse(start);

        Map<String, Long> completedAt = new HashMap<>();
        Map<String, Long> scheduledAt = new HashMap<>();
        for (TimelineWorker.Seen s : seen) {
            if (s.type().equals("job.completed")) {
                completedAt.putIfAbsent(s.jobId(), s.seenAt());
            } else if (s.type().equals("job.scheduled")) {
                scheduledAt.putIfAbsent(s.jobId(), s.seenAt());
            }
        }
        List<Long> latencies = new ArrayList<>();
        waitsFor.forEach((job, dependency) -> {
            Long done = completedAt.get(dependency);
            Long ready = scheduledAt.get(job);
            if (done != null && ready != null) {
                latencies.add(ready - done);
            }
        });
        return new Result(name, jobs, finished, end - start, List.copyOf(latencies), seen);
    }

    private static long count(List<TimelineWorker.Seen> seen, String type, Map<String, String> jobs) {
        return seen.stream()
                .filter(s -> s.type().equals(type) && jobs.containsKey(s.jobId()))
                .count();
    }

    private static Command.Create create(String jobId, List<String> dependsOn) {
        return new Command.Create(
                TimelineWorker.header(jobId),
                "dag",
                null,
                dependsOn,
                new RetrySpec(0, null, null, null, null),
                60_000L,
                null,
                null);
    }
}
