package io.jobline.cli;

import io.jobline.airgap.Bundle;
import io.jobline.airgap.Importer;
import io.jobline.airgap.TransferProgress;
import io.jobline.config.JoblineConfig;
import io.jobline.stream.TopicAdmin;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        description = {
            "Imports a bundle into this site's Kafka.",
            "",
            "Checks the SHA-256 of every file first and refuses a bundle that does",
            "not match, naming the file; then writes every record to the same topic",
            "and partition with its key, headers and timestamp. Missing topics are",
            "created with the bundle's partition counts.",
            "",
            "Resumable and idempotent: records and progress commit together in",
            "Kafka transactions; progress is kept on the target, in the compacted",
            "topic jobline.import-progress. Run it again after a failure, or twice",
            "with the same bundle: nothing is written twice. A bundle that would put",
            "records before those already imported, or leave a gap, is refused.",
            "",
            "Stop the target's processor while importing; start it afterwards.",
            "Progress (unpacking, digests, records) goes to stderr every 5 seconds."
        },
        footer = {
            "",
            "Examples:",
            "  jobline import --in /media/usb/site-a.tar.gz --bootstrap kafka-b:9092",
            "  jobline import --in bundle/ --topics jobline.commands \\",
            "      --config /etc/jobline.properties"
        })
final class ImportCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions config;

    @Option(names = "--in", required = true, paramLabel = "DIR|FILE.tar.gz", description = "The bundle to import.")
    Path in;

    @Option(
            names = "--topics",
            split = ",",
            paramLabel = "TOPIC",
            description = "Topics of the bundle to import (default: all of them). To rebuild a site from its log,"
                    + " import the commands topic only and let the processor write the rest.")
    List<String> topics;

    @Option(
            names = "--transaction-records",
            paramLabel = "N",
            defaultValue = "" + Importer.Settings.DEFAULT_RECORDS_PER_TRANSACTION,
            description = "Most records committed in one transaction (default: ${DEFAULT-VALUE}).")
    int recordsPerTransaction;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Flags.requireAtLeastOne(spec, "--transaction-records", recordsPerTransaction);
        TransferProgress.Listener progress =
                Progress.printedTo(spec.commandLine().getErr());
        try (Bundle bundle = Bundle.open(in, progress)) {
            JoblineConfig joblineConfig = config.load();
            Importer importer = new Importer(
                    new Importer.Settings(
                            TopicAdmin.adminProperties(joblineConfig),
                            joblineConfig.get(JoblineConfig.TOPIC_REPLICATION),
                            joblineConfig.get(JoblineConfig.APPLICATION_ID),
                            recordsPerTransaction),
                    progress);
            Importer.Result result = importer.importBundle(bundle, topics == null ? List.of() : topics);
            spec.commandLine()
                    .getOut()
                    .printf(
                            "imported %,d records from %s (%,d already there)%n",
                            result.written(), in, result.skipped());
            return 0;
        }
    }
}
