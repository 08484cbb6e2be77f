package io.jobline.bench;

import io.jobline.config.JoblineConfig;
import io.jobline.domain.Decision;
import io.jobline.domain.Lifecycle;
import io.jobline.domain.LifecycleEngine;
import io.jobline.domain.LifecyclePolicy;
import io.jobline.domain.MemoryStores;
import io.jobline.domain.Outcome;
import io.jobline.domain.TimelineEvent;
import io.jobline.stream.JobStateStore;
import io.jobline.stream.JoblineTopology;
import io.jobline.stream.LifecycleMetrics;
import io.jobline.stream.LifecycleService;
import io.jobline.stream.TopologySettings;
import io.jobline.wire.CommandCodec;
import io.jobline.wire.CommandHandler;
import io.jobline.wire.JobJson;
import io.jobline.wire.Json;
import io.jobline.wire.JsonBuffer;
import io.jobline.wire.RejectionRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The processor's benchmarks: measurements, not tests. Each runs a warm-up pass, then the timed
 * passes, and prints the best and the median rate; compare figures from one run, not across runs.
 */
public final class Benchmarks {

    private static final long T0 = 1_764_000_000_000L;

    private final PrintStream out;

    public Benchmarks(PrintStream out) {
        this.out = out;
    }

    /** The decision function alone: commands through the engine, stores in memory, one thread. */
    public Result decision(int commands, int passes) {
        List<Workload.Entry> log = Workload.generate(commands, T0);
        Lifecycle lifecycle = new Lifecycle(LifecyclePolicy.DEFAULT);
        return measure("decision (engine, in-memory stores)", log.size(), passes, () -> {
            LifecycleEngine engine = new MemoryStores().engine(lifecycle);
            long events = 0;
            for (Workload.Entry entry : log) {
                Decision decision = engine.apply(entry.command(), entry.timestamp());
                if (decision.outcome() != Outcome.APPLIED) {
                    throw new IllegalStateException("workload command not applied: " + entry.command());
                }
                events += decision.events().size();
            }
            return events;
        });
    }

    /** The decision plus JSON in and out: what the processor does per record, minus Kafka. */
    public Result handler(int commands, int passes) {
        List<Workload.Entry> log = Workload.generate(commands, T0);
        Lifecycle lifecycle = new Lifecycle(LifecyclePolicy.DEFAULT);
        return measure("handler (JSON in, decision, JSON out)", log.size(), passes, () -> {
            CommandHandler handler = new CommandHandler(new MemoryStores().engine(lifecycle), 262_144);
            CountingOutput output = new CountingOutput();
            for (Workload.Entry entry : log) {
                handler.handle(entry.key(), entry.value(), entry.timestamp(), output);
            }
            return output.bytes;
        });
    }

    /** The whole topology on a TopologyTestDriver, RocksDB stores and exactly-once settings. */
    public Result topology(int commands, int passes) throws Exception {
        List<Workload.Entry> log = Workload.generate(commands, T0);
        TopologySettings settings = TopologySettings.from(JoblineConfig.defaults());
        return measure("topology (TopologyTestDriver, RocksDB)", log.size(), passes, () -> {
            Path stateDir = Files.createTempDirectory(Path.of(System.getProperty("user.dir")), ".jobline-bench");
            Properties props = LifecycleService.streamsProperties(JoblineConfig.of(
                    Map.of("jobline.application.id", "jobline-bench", "jobline.state.dir", stateDir.toString())));
            LifecycleMetrics metrics = new LifecycleMetrics();
            metrics.bindTo(new SimpleMeterRegistry());
            try (TopologyTestDriver driver =
                    new TopologyTestDriver(JoblineTopology.build(settings, metrics), props, Instant.ofEpochMilli(T0))) {
                TestInputTopic<String, byte[]> input = driver.createInputTopic(
                        settings.commandsTopic(), new StringSerializer(), new ByteArraySerializer());
                var timeline = driver.createOutputTopic(
                        settings.timelineTopic(),
                        JoblineTopology.KEY_SERDE.deserializer(),
                        JoblineTopology.VALUE_SERDE.deserializer());
                List<TestRecord<String, byte[]>> batch = new ArrayList<>(1_000);
                long events = 0;
                for (Workload.Entry entry : log) {
                    batch.add(new TestRecord<>(entry.key(), entry.value(), null, entry.timestamp()));
                    if (batch.size() == 1_000) {
                        input.pipeRecordList(batch);
                        batch.clear();
                        events += timeline.getQueueSize();
                        timeline.readRecordsToList();
                    }
                }
                input.pipeRecordList(batch);
                return events + timeline.readRecordsToList().size();
            } finally {
                deleteRecursively(stateDir);
            }
        });
    }

    /**
     * The job-state store's value encoding: the binary codec against JSON (the snapshot written
     * with Jackson and read back as a tree), encode plus decode of the jobs of a workload.
     */
    public List<Result> stateCodec(int commands, int passes) {
        MemoryStores stores = new MemoryStores();
        LifecycleEngine engine = stores.engine(new Lifecycle(LifecyclePolicy.DEFAULT));
        List<io.jobline.domain.Job> jobs = new ArrayList<>();
        for (Workload.Entry entry : Workload.generate(commands, T0)) {
            Decision decision = engine.apply(entry.command(), entry.timestamp());
            jobs.add(decision.after());
        }
        Result binary = measure("job-state codec: binary (chosen)", jobs.size(), passes, () -> {
            long size = 0;
            for (io.jobline.domain.Job job : jobs) {
                byte[] bytes = JobStateStore.encode(job);
                size += bytes.length + JobStateStore.decode(bytes).sequence();
            }
            return size;
        });
        Result json = measure("job-state codec: JSON (Jackson)", jobs.size(), passes, () -> {
            long size = 0;
            for (io.jobline.domain.Job job : jobs) {
                byte[] bytes = JobJson.write(job);
                size += bytes.length + Json.readTree(bytes).path("sequence").asLong();
            }
            return size;
        });
        return List.of(binary, json);
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** A timed task that returns a checksum, so the work cannot be optimised away. */
    @FunctionalInterface
    interface Pass {
        long run() throws Exception;
    }

    /** Rates of one benchmark, in commands per second. */
    public record Result(String name, int commands, double bestPerSecond, double medianPerSecond) {}

    private Result measure(String name, int commands, int passes, Pass pass) {
        try {
            long checksum = pass.run(); // warm-up
            List<Double> rates = new ArrayList<>();
            for (int i = 0; i < passes; i++) {
                long start = System.nanoTime();
                long again = pass.run();
                double seconds = (System.nanoTime() - start) / 1e9;
                if (again != checksum) {
                    throw new IllegalStateException(name + ": pass " + i + " gave " + again + ", not " + checksum);
                }
                rates.add(commands / seconds);
            }
            rates.sort(Double::compare);
            Result result = new Result(name, commands, rates.get(rates.size() - 1), rates.get(rates.size() / 2));
            out.printf(
                    "%-42s %,10d commands  best %,12.0f/s  median %,12.0f/s%n",
                    name, commands, result.bestPerSecond(), result.medianPerSecond());
            return result;
        } catch (Exception e) {
            throw new IllegalStateException("benchmark " + name + " failed", e);
        }
    }

    private static final class CountingOutput implements CommandHandler.Output {
        private long bytes;

        @Override
        public void event(TimelineEvent event, JsonBuffer json) {
            bytes += json.toByteArray().length; // the copy the processor makes to forward it
        }

        @Override
        public void rejection(String key, RejectionRecord rejection, byte[] value) {
            throw new IllegalStateException("workload command rejected: " + rejection.message());
        }

        @Override
        public void command(io.jobline.domain.Command command) {
            bytes += CommandCodec.write(command).length;
        }
    }
}
