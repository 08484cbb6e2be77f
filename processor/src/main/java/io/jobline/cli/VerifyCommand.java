package io.jobline.cli;

import io.jobline.airgap.LogInput;
import io.jobline.airgap.Manifest;
import io.jobline.airgap.TimelineVerifier;
import io.jobline.airgap.TransferProgress;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = {
            "Checks a timeline for tampering, or against another timeline.",
            "",
            "Checks every job's hash chain: each event hashes to its hash, links to",
            "the job's previous event by prevhash, has the next sequence, and its",
            "record's key and timestamp match it. With --against, also compares it",
            "with a second timeline record by record per job (events, order, keys,",
            "headers, timestamps, partitions): a replayed timeline against an",
            "exported live one, say.",
            "",
            "Each input is a bundle (directory or .tar.gz: its timeline topic, after",
            "checking its digests) or an NDJSON file. Exit status 0 when all holds;",
            "1 otherwise, naming the first divergence of each job (changed, missing,",
            "reordered, extra). Progress (unpacking, digests, records) goes to",
            "stderr every 5 seconds."
        },
        footer = {
            "",
            "Examples:",
            "  jobline verify --timeline site-a.tar.gz",
            "  jobline verify --timeline replayed.ndjson --against site-a.tar.gz"
        })
final class VerifyCommand implements Callable<Integer> {

    @Option(names = "--timeline", required = true, paramLabel = "DIR|FILE", description = "The timeline to check.")
    Path timeline;

    @Option(names = "--against", paramLabel = "DIR|FILE", description = "The timeline it must equal.")
    Path against;

    @Option(
            names = "--topic",
            paramLabel = "NAME",
            description = "The timeline topic in a bundle (default: the one its manifest names).")
    String topic;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Function<Manifest, String> topicOf =
                manifest -> topic != null ? topic : manifest.processor().timelineTopic();
        TransferProgress.Listener progress =
                Progress.printedTo(spec.commandLine().getErr());
        try (LogInput actual = LogInput.open(timeline, topicOf, progress);
                LogInput expected = against == null ? null : LogInput.open(against, topicOf, progress)) {
            TimelineVerifier.Report report = expected == null
                    ? TimelineVerifier.verify(actual, progress)
                    : TimelineVerifier.verify(actual, expected, progress);
            String what = String.format("%,d records of %,d jobs in %s", report.records(), report.jobs(), timeline);
            if (report.holds()) {
                out.println("verified " + what
                        + (expected == null
                                ? ": every hash chain holds"
                                : ": every hash chain holds and it equals " + against));
                return 0;
            }
            out.printf("%s: %,d job(s) diverge%n", what, report.divergences().size());
            report.divergences().forEach(out::println);
            return 1;
        }
    }
}
