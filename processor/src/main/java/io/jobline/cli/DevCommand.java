package io.jobline.cli;

import io.jobline.config.JoblineConfig;
import io.jobline.embedded.EmbeddedDatabase;
import io.jobline.embedded.EmbeddedKafka;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "dev",
        mixinStandardHelpOptions = true,
        description = {
            "Runs everything in one process for a first try: a single-node Kafka broker (KRaft) and, unless",
            "--db-url is given, a PostgreSQL, both with their data under --data-dir (a restart keeps the jobs),",
            "then the processor, the sink and the HTTP API. Ctrl-C or SIGTERM stops it cleanly.",
            "Not for production: one broker, replication factor one, the API open unless JOBLINE_API_TOKENS is set."
        },
        footer = {
            "",
            "Examples:",
            "  jobline dev",
            "  jobline dev --port 9090 --data-dir /tmp/jobline",
            "  jobline dev --db-url 'jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres'"
        })
final class DevCommand implements Callable<Integer> {

    @Option(
            names = "--port",
            paramLabel = "PORT",
            description = "HTTP API port (default: ${DEFAULT-VALUE}; 0: any free port).",
            defaultValue = "8080")
    int port;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description =
                    "Where the broker, PostgreSQL and state stores keep" + " their data (default: ${DEFAULT-VALUE}).",
            defaultValue = ".jobline/dev")
    Path dataDir;

    @Option(names = "--db-url", paramLabel = "JDBC_URL", description = "Use this PostgreSQL instead of starting one.")
    String dbUrl;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            description = "Partitions of the topics (default: ${DEFAULT-VALUE}).",
            defaultValue = "3")
    int partitions;

    @Mixin
    ConfigOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ShutdownSignal shutdown = new ShutdownSignal();
        long started = System.nanoTime();
        out.printf(
                "jobline dev: starting Kafka and %s under %s ...%n",
                dbUrl == null ? "PostgreSQL" : "the sink", dataDir.toAbsolutePath());
        out.flush();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"));
                EmbeddedDatabase database =
                        dbUrl == null ? EmbeddedDatabase.start(dataDir.resolve("postgres")) : null) {
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put(JoblineConfig.BOOTSTRAP_SERVERS.name(), kafka.bootstrapServers());
            settings.put(JoblineConfig.APPLICATION_ID.name(), "jobline-dev");
            settings.put(
                    JoblineConfig.STATE_DIR.name(), dataDir.resolve("state").toString());
            settings.put(JoblineConfig.TOPIC_PARTITIONS.name(), Integer.toString(partitions));
            settings.put(JoblineConfig.API_PORT.name(), Integer.toString(port));
            settings.put(JoblineConfig.DB_URL.name(), dbUrl != null ? dbUrl : database.jdbcUrl());
            JoblineConfig config = options.load(settings);
            try (JoblineRuntime runtime =
                    JoblineRuntime.start(config, EnumSet.allOf(JoblineRuntime.Role.class), true)) {
                String base = "http://localhost:" + runtime.apiPort();
                out.printf("%njobline dev is up in %.1f s%n", (System.nanoTime() - started) / 1e9);
                out.printf(
                        "  API      %s/v1/jobs%n  health   %s/healthz  %s/readyz%n  metrics  %s/metrics%n",
                        base, base, base, base);
                out.printf(
                        "  Kafka    %s (topics %s, %s, %s)%n",
                        kafka.bootstrapServers(),
                        config.get(JoblineConfig.COMMANDS_TOPIC),
                        config.get(JoblineConfig.TIMELINE_TOPIC),
                        config.get(JoblineConfig.REJECTIONS_TOPIC));
                out.printf("  Postgres %s%n", config.get(JoblineConfig.DB_URL));
                out.printf(
                        "%nTry:%n  curl -s -X POST '%s/v1/jobs?wait=10s' -H 'content-type: application/json' \\%n"
                                + "       -d '{\"jobId\":\"hello-1\",\"jobType\":\"report\",\"payload\":{\"day\":\"2026-11-29\"}}'%n"
                                + "  curl -s %s/v1/jobs/hello-1%n%nCtrl-C to stop.%n",
                        base, base);
                out.flush();
                String signal = shutdown.await();
                out.printf("jobline dev: %s received, stopping ...%n", signal);
                out.flush();
            }
        }
        out.println("jobline dev: stopped");
        out.flush();
        return 0;
    }
}
