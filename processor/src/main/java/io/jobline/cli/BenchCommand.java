package io.jobline.cli;

import io.jobline.bench.AirGapBenchmarks;
import io.jobline.bench.Benchmarks;
import io.jobline.bench.SinkBench;
import io.jobline.config.JoblineConfig;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Measures jobline on this machine.",
            "",
            "A measurement, not a test: compare the figures of one run.",
            "",
            "Targets:",
            "  decision     the decision function alone, stores in memory, one thread",
            "  handler      decision plus JSON in and out, one thread",
            "  topology     the whole topology on Kafka's TopologyTestDriver (RocksDB, exactly-once)",
            "  state-codec  the job-state encoding: binary against JSON",
            "  processor    all four of the above",
            "  dag          DAG scheduling latency on an in-JVM broker: 12 partitions, 2 stream threads",
            "  api          POST /v1/jobs against a running jobline (start `jobline dev` first), with and without ?wait=",
            "  sink         the PostgreSQL sink against a raw COPY, and its lag at 20,000 events/s",
            "               (--commands is the number of timeline events; in-JVM broker; --db-url)",
            "  replay       offline replay of the commands log (plain NDJSON and bundle), --threads engines",
            "  export       export of the commands log from an in-JVM broker: records/s and MB/s",
            "  import       export, then import into a second in-JVM broker: records/s and MB/s"
        },
        footer = {
            "",
            "Examples:",
            "  jobline bench decision --commands 2000000",
            "  jobline bench processor --passes 3",
            "  jobline bench dag --fan-out 2000 --chain 200",
            "  jobline dev & jobline bench api --url http://127.0.0.1:8080 --requests 20000",
            "  jobline bench sink --db-url jdbc:postgresql://127.0.0.1:5432/test",
            "  jobline bench replay --commands 1000000",
            "  jobline bench import --commands 1000000"
        })
final class BenchCommand implements Callable<Integer> {

    enum Target {
        DECISION,
        HANDLER,
        TOPOLOGY,
        STATE_CODEC,
        PROCESSOR,
        DAG,
        API,
        SINK,
        REPLAY,
        EXPORT,
        IMPORT
    }

    @Parameters(
            index = "0",
            paramLabel = "TARGET",
            description = "What to measure: ${COMPLETION-CANDIDATES}.",
            converter = TargetConverter.class)
    Target target;

    @Option(
            names = "--commands",
            paramLabel = "N",
            description = "Commands per pass (default: ${DEFAULT-VALUE}); topology and state-codec take a tenth"
                    + " of it, sink as many timeline events; dag and api do not use it.",
            defaultValue = "1000000")
    int commands;

    @Option(
            names = "--passes",
            paramLabel = "N",
            description = "Timed passes after the warm-up, for decision, handler, topology, state-codec,"
                    + " processor and replay; the other targets do not use it (default: ${DEFAULT-VALUE}).",
            defaultValue = "5")
    int passes;

    @Option(
            names = "--fan-out",
            paramLabel = "N",
            description = "dag: dependents of the fan-out's root (default: ${DEFAULT-VALUE}).",
            defaultValue = "2000")
    int fanOut;

    @Option(
            names = "--chain",
            paramLabel = "N",
            description = "dag: length of the chain (default: ${DEFAULT-VALUE}).",
            defaultValue = "200")
    int chain;

    @Option(
            names = "--commit-interval-ms",
            paramLabel = "MS",
            description = "dag: the processor's commit interval (default: ${DEFAULT-VALUE}).",
            defaultValue = "100")
    long commitIntervalMs;

    @Option(
            names = "--url",
            paramLabel = "URL",
            description = "api: the API's base URL (default: ${DEFAULT-VALUE}).",
            defaultValue = "http://127.0.0.1:8080")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN", description = "api: a bearer token, when the API requires one.")
    String token;

    @Option(
            names = "--requests",
            paramLabel = "N",
            description = "api: requests per measurement (default: ${DEFAULT-VALUE}).",
            defaultValue = "20000")
    int requests;

    @Option(
            names = "--concurrency",
            paramLabel = "N",
            description = "api: requests in flight (default: ${DEFAULT-VALUE}).",
            defaultValue = "32")
    int concurrency;

    @Option(
            names = "--db-url",
            paramLabel = "JDBC_URL",
            description = "sink: the PostgreSQL to measure (default: jobline.db.url); it gets a schema of its own.")
    String dbUrl;

    @Option(names = "--threads", paramLabel = "N", description = "replay: engines at once (default: the cores).")
    Integer threads;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (commands < 1_000 || passes < 1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--commands must be >= 1000 and --passes >= 1");
        }
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true);
        out.printf(
                "jobline %s bench on %d cores, Java %s%n",
                JoblineCli.Version.current(),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        Benchmarks benchmarks = new Benchmarks(out);
        switch (target) {
            case DECISION -> benchmarks.decision(commands, passes);
            case HANDLER -> benchmarks.handler(commands, passes);
            case TOPOLOGY -> benchmarks.topology(Math.max(1_000, commands / 10), passes);
            case STATE_CODEC -> benchmarks.stateCodec(commands / 10, passes);
            case SINK ->
                new SinkBench(
                                out,
                                JoblineConfig.load(
                                        null,
                                        System.getenv(),
                                        dbUrl == null ? Map.of() : Map.of(JoblineConfig.DB_URL.name(), dbUrl)))
                        .run(commands);
            case PROCESSOR -> {
                benchmarks.decision(commands, passes);
                benchmarks.handler(commands, passes);
                benchmarks.stateCodec(commands / 10, passes);
                benchmarks.topology(Math.max(1_000, commands / 10), passes);
            }
            case DAG -> new io.jobline.bench.DagBenchmark(out).run(fanOut, chain, commitIntervalMs);
            case API -> new io.jobline.bench.ApiBenchmark(out).run(url, token, requests, concurrency);
            case REPLAY ->
                new AirGapBenchmarks(out)
                        .replay(
                                commands,
                                passes,
                                threads != null ? threads : Runtime.getRuntime().availableProcessors());
            case EXPORT -> new AirGapBenchmarks(out).exportImport(commands, false);
            case IMPORT -> new AirGapBenchmarks(out).exportImport(commands, true);
        }
        return 0;
    }

    /** Accepts {@code state-codec} as well as {@code STATE_CODEC}. */
    static final class TargetConverter implements CommandLine.ITypeConverter<Target> {
        @Override
        public Target convert(String value) {
            return Target.valueOf(
                    value.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        }
    }
}
