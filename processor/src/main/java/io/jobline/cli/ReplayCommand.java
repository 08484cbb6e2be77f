package io.jobline.cli;

import com.zaxxer.hikari.HikariDataSource;
import io.jobline.airgap.AirGapException;
import io.jobline.airgap.LogInput;
import io.jobline.airgap.Manifest;
import io.jobline.airgap.PostgresProjection;
import io.jobline.airgap.ProcessorPolicy;
import io.jobline.airgap.Replayer;
import io.jobline.airgap.TransferProgress;
import io.jobline.config.JoblineConfig;
import io.jobline.domain.EgressPolicy;
import io.jobline.sink.DataSources;
import io.jobline.sink.Migrations;
import io.jobline.sink.SinkTopics;
import io.jobline.sink.SinkWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.flywaydb.core.api.FlywayException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = {
            "Replays a commands log offline, with no broker.",
            "",
            "Runs the processor's own decision code and writes the timeline and the",
            "rejections in the DESIGN §7 record format, each record on the partition",
            "the live processor wrote it to: byte for byte what it wrote (check with",
            "jobline verify). Recorded commands (timer.fire, dependency.*) are read",
            "from the log, never generated.",
            "",
            "The input is a bundle (its commands topic, partition by partition in",
            "offset order; digests checked first) or a plain NDJSON file of records",
            "(file order; a record without a partition goes where Kafka's default",
            "partitioner puts its key among --partitions).",
            "",
            "It decides under the policy in the bundle's manifest (sealed flag,",
            "allowlist, default retry and lease, limits), else the configuration's;",
            "--sealed and --egress-allow override the egress part. With --db-url it",
            "also fills PostgreSQL through the sink's own writer (migrations first).",
            "Progress (unpacking, digests, records) goes to stderr every 5 seconds."
        },
        footer = {
            "",
            "Examples:",
            "  jobline replay --input site-a.tar.gz \\",
            "      --timeline timeline.ndjson --rejections rejections.ndjson",
            "  jobline replay --input commands.ndjson --partitions 12 \\",
            "      --timeline t.ndjson --rejections r.ndjson",
            "  jobline replay --input site-a/ --sealed \\",
            "      --egress-allow https://api.internal,db.internal:5432 \\",
            "      --timeline t.ndjson --rejections r.ndjson",
            "  jobline replay --input site-a.tar.gz --timeline t.ndjson \\",
            "      --rejections r.ndjson --db-url jdbc:postgresql://127.0.0.1:5432/audit \\",
            "      --set jobline.db.schema=site_a"
        })
final class ReplayCommand implements Callable<Integer> {

    @Option(names = "--input", required = true, paramLabel = "DIR|FILE", description = "The commands log.")
    Path input;

    @Option(
            names = "--timeline",
            required = true,
            paramLabel = "OUT",
            description = "Where the timeline goes (NDJSON).")
    Path timeline;

    @Option(
            names = "--rejections",
            required = true,
            paramLabel = "OUT",
            description = "Where the rejections go (NDJSON).")
    Path rejections;

    @Option(
            names = "--sealed",
            arity = "0..1",
            fallbackValue = "true",
            paramLabel = "true|false",
            description = "Decide in sealed mode (or not), whatever the manifest says.")
    Boolean sealed;

    @Option(
            names = "--egress-allow",
            split = ",",
            paramLabel = "ENTRY",
            description = "The egress allowlist to decide under, instead of the manifest's.")
    List<String> egressAllow;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            description = "Partitions of the commands topic, for a plain file (default: jobline.topic.partitions, 12).")
    Integer partitions;

    @Option(names = "--threads", paramLabel = "N", description = "Partitions replayed at once (default: the cores).")
    Integer threads;

    @Mixin
    ConfigOptions config;

    @Option(
            names = "--db-url",
            paramLabel = "JDBC-URL",
            description = "Also fill PostgreSQL (jobline.db.*: user, schema...) through the sink's writer.")
    String dbUrl;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Flags.requireAtLeastOne(spec, "--partitions", partitions);
        Flags.requireAtLeastOne(spec, "--threads", threads);
        // Each output replaces its file once complete: over the input, it would replace the log
        // itself; the two outputs in one file, the second would replace the first.
        requireDistinct("--timeline is the --input file", timeline, input);
        requireDistinct("--rejections is the --input file", rejections, input);
        requireDistinct("--timeline and --rejections are one file", timeline, rejections);
        PrintWriter out = spec.commandLine().getOut();
        JoblineConfig joblineConfig =
                config.load(dbUrl == null ? Map.of() : Map.of(JoblineConfig.DB_URL.name(), dbUrl));
        Replayer.Settings settings;
        TransferProgress.Listener progress =
                Progress.printedTo(spec.commandLine().getErr());
        try (LogInput commands =
                LogInput.open(input, manifest -> manifest.processor().commandsTopic(), progress)) {
            settings = settings(joblineConfig, commands);
            warnOfMissingStart(commands);
            Replayer.Result result = new Replayer(settings, progress).replay(commands, timeline, rejections);
            EgressPolicy egress = settings.policy().egress();
            out.printf(
                    "replayed %,d commands of %d partitions in %.2f s (%,.0f commands/s): %,d events to %s,"
                            + " %,d rejections to %s; policy from %s: sealed=%s%s%n",
                    result.commands(),
                    result.partitions(),
                    result.nanos() / 1e9,
                    result.commandsPerSecond(),
                    result.events(),
                    timeline,
                    result.rejections(),
                    rejections,
                    policySource(commands),
                    egress.sealed(),
                    egress.sealed() ? " allowlist=" + egress.allowlist() : "");
        }
        if (dbUrl != null) {
            PostgresProjection.Result written = project(joblineConfig, settings);
            // Not the URL: it may hold a password.
            out.printf(
                    "wrote %,d records to PostgreSQL (schema %s): %,d history rows, %,d job rows,"
                            + " %,d rejection rows added%n",
                    written.records(),
                    joblineConfig.get(JoblineConfig.DB_SCHEMA),
                    written.events(),
                    written.jobs(),
                    written.rejections());
        }
        return 0;
    }

    /**
     * Says so when a bundle's commands do not start at the beginning of their log: an export from
     * a later offset or time, or one made after retention deleted the first records. The jobs
     * created before are unknown to the replay, and their later commands become rejections.
     */
    private void warnOfMissingStart(LogInput commands) {
        List<String> late = commands.parts().stream()
                .filter(part -> part.file().startOffset() > 0)
                .map(part -> part.partition() + " (from offset " + part.file().startOffset() + ")")
                .toList();
        if (!late.isEmpty()) {
            spec.commandLine()
                    .getErr()
                    .println("jobline replay: warning: the commands of partition(s) " + String.join(", ", late)
                            + " do not start at the beginning of the log; commands for jobs created before will be"
                            + " rejected as unknown_job, and the timeline is not the live one");
        }
    }

    /** The replayed files into PostgreSQL, as the live sink would write them (migrations first, as it does). */
    private PostgresProjection.Result project(JoblineConfig joblineConfig, Replayer.Settings settings) {
        try (HikariDataSource dataSource = DataSources.create(joblineConfig, "jobline-replay")) {
            Migrations.apply(dataSource, joblineConfig.get(JoblineConfig.DB_SCHEMA));
            SinkWriter writer = new SinkWriter(
                    dataSource, new SinkTopics(settings.timelineTopic(), settings.rejectionsTopic()), "jobline-replay");
            return new PostgresProjection(writer, joblineConfig.get(JoblineConfig.SINK_MAX_POLL_RECORDS))
                    .write(List.of(timeline, rejections));
        } catch (FlywayException e) {
            throw new AirGapException(
                    "cannot prepare PostgreSQL (schema " + joblineConfig.get(JoblineConfig.DB_SCHEMA) + "): "
                            + e.getMessage(),
                    e);
        }
    }

    private Replayer.Settings settings(JoblineConfig config, LogInput commands) {
        Optional<Manifest> manifest = commands.manifest();
        ProcessorPolicy policy =
                manifest.map(m -> m.processor().policy()).orElseGet(() -> ProcessorPolicy.from(config));
        if (sealed != null || egressAllow != null) {
            EgressPolicy base = policy.egress();
            policy = policy.withEgress(
                    sealed != null ? sealed : base.sealed(), egressAllow != null ? egressAllow : base.allowlist());
        }
        String timelineTopic =
                manifest.map(m -> m.processor().timelineTopic()).orElse(config.get(JoblineConfig.TIMELINE_TOPIC));
        String rejectionsTopic =
                manifest.map(m -> m.processor().rejectionsTopic()).orElse(config.get(JoblineConfig.REJECTIONS_TOPIC));
        int commandPartitions = commands.partitions()
                .orElse(partitions != null ? partitions : config.get(JoblineConfig.TOPIC_PARTITIONS));
        // The processor writes a job's events to the partition of its id among the output topic's partitions.
        int timelinePartitions = manifest.flatMap(m -> m.topic(timelineTopic))
                .map(Manifest.Topic::partitions)
                .orElse(commandPartitions);
        int rejectionsPartitions = manifest.flatMap(m -> m.topic(rejectionsTopic))
                .map(Manifest.Topic::partitions)
                .orElse(commandPartitions);
        return new Replayer.Settings(
                policy,
                timelineTopic,
                rejectionsTopic,
                commandPartitions,
                timelinePartitions,
                rejectionsPartitions,
                threads != null ? threads : Runtime.getRuntime().availableProcessors());
    }

    private void requireDistinct(String problem, Path output, Path other) {
        if (sameFile(output, other)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), problem + " (" + output + "): give each output a file of its own");
        }
    }

    private static boolean sameFile(Path a, Path b) {
        if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
            return true;
        }
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    private String policySource(LogInput commands) {
        String base = commands.manifest().isPresent() ? "the manifest" : "the configuration";
        return sealed != null || egressAllow != null ? base + " and the command line" : base;
    }
}
