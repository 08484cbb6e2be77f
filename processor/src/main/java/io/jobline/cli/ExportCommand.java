package io.jobline.cli;

import io.jobline.airgap.Exporter;
import io.jobline.airgap.Manifest;
import io.jobline.airgap.ProcessorPolicy;
import io.jobline.config.JoblineConfig;
import io.jobline.stream.TopicAdmin;
import io.jobline.wire.Timestamps;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = {
            "Exports topics into a bundle for the air gap.",
            "",
            "A bundle is one NDJSON file per topic partition (the DESIGN §7 record",
            "format) and manifest.json: offset ranges, record counts, the SHA-256 of",
            "every file, the jobline version, and the processor's policy as this",
            "command's configuration gives it (so give it the processor's).",
            "",
            "Reads with read_committed up to the end offsets taken when it starts: a",
            "consistent cut while the site keeps running. Progress goes to stderr",
            "every 5 seconds."
        },
        footer = {
            "",
            "Examples:",
            "  jobline export --out /media/usb/site-a-2026-11-29.tar.gz",
            "  jobline export --topics jobline.commands --out bundle/ \\",
            "      --bootstrap kafka-1:9092",
            "  jobline export --from-time 2026-11-29T00:00:00Z --out today.tar.gz \\",
            "      --config /etc/jobline.properties",
            "  jobline export --topics jobline.commands \\",
            "      --from-offsets jobline.commands:3=1041 --out part/"
        })
final class ExportCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions config;

    @Option(
            names = "--topics",
            split = ",",
            paramLabel = "TOPIC",
            description = "Topics to export (default: the commands, timeline and rejections topics).")
    List<String> topics;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR|FILE.tar.gz",
            description = "Where the bundle goes: a new (or empty) directory, or a .tar.gz file.")
    Path out;

    @Option(
            names = "--from-offsets",
            split = ",",
            paramLabel = "TOPIC:PARTITION=OFFSET",
            description = "Start these partitions at these offsets (the others at --from-time or the beginning).")
    List<String> fromOffsets;

    @Option(
            names = "--from-time",
            paramLabel = "TIME",
            description = "Start each partition at its first record at or after TIME (RFC 3339, or epoch ms).")
    String fromTime;

    @Option(
            names = "--idle-timeout",
            paramLabel = "SECONDS",
            defaultValue = "120",
            description = "Give up when a partition yields nothing for this long (default: ${DEFAULT-VALUE}).")
    long idleTimeoutSeconds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Flags.requireAtLeastOne(spec, "--idle-timeout", idleTimeoutSeconds);
        JoblineConfig joblineConfig = config.load();
        List<String> exported = topics != null
                ? topics
                : List.of(
                        joblineConfig.get(JoblineConfig.COMMANDS_TOPIC),
                        joblineConfig.get(JoblineConfig.TIMELINE_TOPIC),
                        joblineConfig.get(JoblineConfig.REJECTIONS_TOPIC));
        Manifest.Processor processor = new Manifest.Processor(
                joblineConfig.get(JoblineConfig.APPLICATION_ID),
                joblineConfig.get(JoblineConfig.COMMANDS_TOPIC),
                joblineConfig.get(JoblineConfig.TIMELINE_TOPIC),
                joblineConfig.get(JoblineConfig.REJECTIONS_TOPIC),
                ProcessorPolicy.from(joblineConfig));
        Exporter exporter = new Exporter(
                new Exporter.Settings(
                        TopicAdmin.adminProperties(joblineConfig),
                        JoblineCli.Version.current(),
                        processor,
                        Duration.ofSeconds(idleTimeoutSeconds)),
                Progress.printedTo(spec.commandLine().getErr()));
        Manifest manifest = exporter.export(new Exporter.Request(exported, parseOffsets(), parseTime(), out));
        spec.commandLine().getOut().printf("exported %,d records of %s to %s%n", manifest.records(), exported, out);
        return 0;
    }

    private Map<TopicPartition, Long> parseOffsets() {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        if (fromOffsets == null) {
            return offsets;
        }
        for (String entry : fromOffsets) {
            int colon = entry.lastIndexOf(':');
            int equals = entry.lastIndexOf('=');
            try {
                offsets.put(
                        new TopicPartition(
                                entry.substring(0, colon), Integer.parseInt(entry.substring(colon + 1, equals))),
                        Long.parseLong(entry.substring(equals + 1)));
            } catch (RuntimeException e) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--from-offsets: '" + entry + "' is not TOPIC:PARTITION=OFFSET");
            }
        }
        return offsets;
    }

    private Long parseTime() {
        if (fromTime == null) {
            return null;
        }
        try {
            if (!fromTime.isEmpty() && fromTime.chars().allMatch(Character::isDigit)) {
                return Long.parseLong(fromTime);
            }
            if (Timestamps.isValid(fromTime)) {
                return Timestamps.parse(fromTime);
            }
        } catch (NumberFormatException e) {
            // All digits, but more than a long holds: no epoch millisecond either.
        }
        throw new CommandLine.ParameterException(
                spec.commandLine(),
                "--from-time: '" + fromTime + "' is neither RFC 3339 (2026-11-29T00:00:00Z) nor epoch ms");
    }
}
