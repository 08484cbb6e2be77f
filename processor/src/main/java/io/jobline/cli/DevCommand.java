package io.jobline.cli;

import io.jobline.config.ConfigException;
import io.jobline.config.ConfigKey;
import io.jobline.config.JoblineConfig;
import io.jobline.embedded.EmbeddedDatabase;
import io.jobline.embedded.EmbeddedKafka;
import io.jobline.sink.DataSources;
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
            "Runs Kafka, PostgreSQL and jobline in one process, for a first try.",
            "",
            "Starts a single-node Kafka broker (KRaft) and, unless --db-url is given, a",
            "PostgreSQL, both with their data under --data-dir (a restart keeps the jobs),",
            "then the processor, the sink and the HTTP API. Ctrl-C or SIGTERM stops it",
            "cleanly; a role that stops for good stops it with exit 1, naming the role.",
            "Not for production: one broker, replication factor one, the API open unless",
            "JOBLINE_API_TOKENS is set.",
            "",
            "What you set (its flags, --set, --config, JOBLINE_*) wins over dev's defaults:",
            "application id jobline-dev, 3 partitions, state under --data-dir, and its own",
            "PostgreSQL unless jobline.db.url is set. The broker is always dev's own, so",
            "jobline.bootstrap.servers (--bootstrap) is refused."
        },
        footer = {
            "",
            "Examples:",
            "  jobline dev",
            "  jobline dev --port 9090 --data-dir /tmp/jobline",
            "  jobline dev --partitions 12 --set jobline.application.id=jobline-try",
            "  jobline dev --db-url 'jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres'"
        })
final class DevCommand implements Callable<Integer> {

    /** Dev's own defaults, below whatever the user sets. */
    static final String APPLICATION_ID = "jobline-dev";

    static final int PARTITIONS = 3;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            description = "HTTP API port, as jobline.api.port (default: 8080; 0: any free port).")
    Integer port;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description =
                    "Where the broker, PostgreSQL and state stores keep" + " their data (default: ${DEFAULT-VALUE}).",
            defaultValue = ".jobline/dev")
    Path dataDir;

    @Option(
            names = "--db-url",
            paramLabel = "JDBC_URL",
            description = "Use this PostgreSQL instead of starting one, as jobline.db.url.")
    String dbUrl;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            description = "Partitions of the topics, as jobline.topic.partitions (default: " + PARTITIONS + ").")
    Integer partitions;

    @Mixin
    ConfigOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        JoblineConfig given = givenConfig();
        boolean ownDatabase = !given.isGiven(JoblineConfig.DB_URL);
        ShutdownSignal shutdown = new ShutdownSignal();
        JoblineRuntime.Stop stop;
        long started = System.nanoTime();
        out.printf(
                "jobline dev: starting Kafka and %s under %s ...%n",
                ownDatabase ? "PostgreSQL" : "the sink", dataDir.toAbsolutePath());
        out.flush();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"));
                EmbeddedDatabase database = ownDatabase ? EmbeddedDatabase.start(dataDir.resolve("postgres")) : null) {
            JoblineConfig config =
                    withDevDefaults(given, kafka.bootstrapServers(), database == null ? null : database.jdbcUrl());
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
                out.printf("  Postgres %s%n", DataSources.describe(config.get(JoblineConfig.DB_URL)));
                out.printf(
                        "%nTry:%n  curl -s -X POST '%s/v1/jobs?wait=10s' -H 'content-type: application/json' \\%n"
                                + "       -d '{\"jobId\":\"hello-1\",\"jobType\":\"report\",\"payload\":{\"day\":\"2026-11-29\"}}'%n"
                                + "  curl -s %s/v1/jobs/hello-1%n%nCtrl-C to stop.%n",
                        base, base);
                out.flush();
                stop = runtime.awaitStop(shutdown);
                stop.report(spec.commandLine(), "jobline dev");
            }
        }
        out.println("jobline dev: stopped");
        out.flush();
        return stop.exitCode();
    }

    /**
     * What the user set: the file, JOBLINE_*, --set, and dev's own flags, which are the same keys.
     *
     * @throws ConfigException for a key dev cannot honour, or a key given by two flags
     */
    JoblineConfig givenConfig() {
        Map<String, String> flags = new LinkedHashMap<>();
        putFlag(flags, "--port", JoblineConfig.API_PORT, port);
        putFlag(flags, "--partitions", JoblineConfig.TOPIC_PARTITIONS, partitions);
        putFlag(flags, "--db-url", JoblineConfig.DB_URL, dbUrl);
        JoblineConfig given = options.load(flags);
        if (given.isGiven(JoblineConfig.BOOTSTRAP_SERVERS)) {
            throw brokerRefused(JoblineConfig.BOOTSTRAP_SERVERS.name());
        }
        if (given.kafkaProperties().containsKey("bootstrap.servers")) { // the Kafka clients' own key names one too
            throw brokerRefused(JoblineConfig.KAFKA_PREFIX + "bootstrap.servers");
        }
        return given;
    }

    private static ConfigException brokerRefused(String key) {
        return new ConfigException(
                key,
                "jobline dev runs its own Kafka broker; drop --bootstrap (or " + key + " from --set, --config or"
                        + " the environment), or use jobline run against your broker");
    }

    private void putFlag(Map<String, String> flags, String flag, ConfigKey<?> key, Object value) {
        if (value == null) {
            return;
        }
        if (options.settings.containsKey(key.name())) {
            throw new ConfigException(key.name(), "given twice, by " + flag + " and by --set: give one");
        }
        flags.put(key.name(), value.toString());
    }

    /** {@code given} with dev's defaults for what the user did not set; the broker is dev's own. */
    JoblineConfig withDevDefaults(JoblineConfig given, String bootstrapServers, String databaseUrl) {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put(JoblineConfig.BOOTSTRAP_SERVERS.name(), bootstrapServers);
        defaults.put(JoblineConfig.APPLICATION_ID.name(), APPLICATION_ID);
        defaults.put(JoblineConfig.STATE_DIR.name(), dataDir.resolve("state").toString());
        defaults.put(JoblineConfig.TOPIC_PARTITIONS.name(), Integer.toString(PARTITIONS));
        if (databaseUrl != null) {
            defaults.put(JoblineConfig.DB_URL.name(), databaseUrl);
        }
        return given.withDefaults(defaults);
    }
}
