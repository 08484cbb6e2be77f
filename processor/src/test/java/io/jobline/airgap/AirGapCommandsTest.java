package io.jobline.airgap;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobline.cli.JoblineCli;
import io.jobline.config.JoblineConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The launcher's air-gap commands: help, exit status, and what they print. */
class AirGapCommandsTest {

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {}

    @ParameterizedTest
    @ValueSource(strings = {"export", "import", "replay", "verify"})
    void shouldExplainEveryCommandWithExamples(String command) {
        Run run = run(command, "--help");

        assertThat(run.exit()).isZero();
        assertThat(run.out())
                .contains("Usage: jobline " + command)
                .contains("Examples:")
                .contains("jobline " + command);
    }

    @Test
    void shouldReplayAndVerifyAPlainLogThroughTheLauncher() {
        try (LiveSite live = AirGapFixtures.runEverything(new LiveSite(JoblineConfig.defaults()))) {
            Path commands = AirGapFixtures.writePlain(dir.resolve("commands.ndjson"), live.commandsLog());
            Path expected = AirGapFixtures.write(dir.resolve("live-timeline.ndjson"), live.timeline());

            Run replay = run(
                    "replay",
                    "--input",
                    commands.toString(),
                    "--partitions",
                    "1",
                    "--timeline",
                    dir.resolve("timeline.ndjson").toString(),
                    "--rejections",
                    dir.resolve("rejections.ndjson").toString());
            assertThat(replay.exit()).as(replay.err()).isZero();
            assertThat(replay.out()).contains("policy from the configuration: sealed=false");

            Run verified = run(
                    "verify",
                    "--timeline",
                    dir.resolve("timeline.ndjson").toString(),
                    "--against",
                    expected.toString());
            assertThat(verified.exit()).as(verified.out()).isZero();
            assertThat(verified.out()).contains("every hash chain holds and it equals");

            List<LogRecord> tampered = new ArrayList<>(live.timeline());
            tampered.remove(5);
            Run refused = run(
                    "verify",
                    "--timeline",
                    AirGapFixtures.write(dir.resolve("tampered.ndjson"), tampered)
                            .toString());
            assertThat(refused.exit()).isEqualTo(1);
            String job = new String(live.timeline().get(5).key(), StandardCharsets.UTF_8);
            assertThat(refused.out()).contains("1 job(s) diverge").contains(job + ": missing");
        }
    }

    @Test
    void shouldWarnWhenTheCommandsDoNotStartAtTheBeginningOfTheLog() {
        Path bundle = dir.resolve("from-offset-100");
        byte[] cancel =
                "{\"type\":\"job.cancel\",\"commandId\":\"c1\",\"jobId\":\"j1\"}".getBytes(StandardCharsets.UTF_8);
        try (BundleWriter writer = new BundleWriter(bundle)) {
            BundleWriter.PartitionWriter partition = writer.open("jobline.commands", 0);
            partition.write(new LogRecord(
                    "jobline.commands",
                    0,
                    100,
                    1_764_000_000_000L,
                    "j1".getBytes(StandardCharsets.UTF_8),
                    cancel,
                    List.of()));
            Manifest.PartitionFile file = partition.finish(100, 101);
            writer.finish(new Manifest(
                    "test",
                    "2026-11-29T00:00:00.000Z",
                    new Manifest.Source("test-cluster", "localhost:9092", "read_committed"),
                    new Manifest.Processor(
                            "jobline",
                            "jobline.commands",
                            "jobline.timeline",
                            "jobline.rejections",
                            ProcessorPolicy.from(JoblineConfig.defaults())),
                    List.of(new Manifest.Topic("jobline.commands", 1, List.of(file)))));
        }

        Run replay = replay(bundle);

        assertThat(replay.exit()).as(replay.err()).isZero();
        assertThat(replay.err())
                .contains("warning: the commands of partition(s) 0 (from offset 100) do not start at the beginning");
        assertThat(replay.out()).contains("1 rejections");
    }

    /** {@code jobline replay} of {@code input} into t.ndjson and r.ndjson of the test's directory. */
    private Run replay(Path input) {
        return replay(input, dir.resolve("t.ndjson"), dir.resolve("r.ndjson"));
    }

    private Run replay(Path input, Path timeline, Path rejections) {
        return run(
                "replay",
                "--input",
                input.toString(),
                "--timeline",
                timeline.toString(),
                "--rejections",
                rejections.toString());
    }

    @Test
    void shouldFailInOneLineWithStatusOneWhenTheWorkCannotBeDone() {
        Path nowhere = dir.resolve("no-such-bundle");
        for (String[] command : List.of(
                new String[] {"verify", "--timeline", nowhere.toString()},
                new String[] {
                    "replay",
                    "--input",
                    nowhere.toString(),
                    "--timeline",
                    dir.resolve("t").toString(),
                    "--rejections",
                    dir.resolve("r").toString()
                },
                new String[] {"import", "--in", nowhere.toString(), "--bootstrap", "127.0.0.1:1"})) {
            Run failed = run(command);
            assertThat(failed.exit()).as(String.join(" ", command)).isEqualTo(1);
            assertThat(failed.err().strip())
                    .startsWith("jobline " + command[0] + ": " + nowhere + " ")
                    .containsAnyOf("is neither a bundle nor an NDJSON file", "does not exist")
                    .doesNotContain("\n\tat ");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"--threads=0", "--partitions=0", "--threads=-2"})
    void shouldRefuseAReplayWithNoThreadOrPartitionAsABadFlag(String flag) throws Exception {
        Path commands = Files.writeString(dir.resolve("commands.ndjson"), "");

        Run run = run(
                "replay",
                "--input",
                commands.toString(),
                flag,
                "--timeline",
                dir.resolve("t.ndjson").toString(),
                "--rejections",
                dir.resolve("r.ndjson").toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err())
                .startsWith(flag.substring(0, flag.indexOf('=')) + " must be at least 1")
                .doesNotContain("\tat ");
        assertThat(dir.resolve("t.ndjson")).doesNotExist();
    }

    @Test
    void shouldRefuseToReplayOverItsInputOrIntoOneFileTwice() throws Exception {
        Path commands = AirGapFixtures.writePlain(
                dir.resolve("commands.ndjson"),
                List.of(RecordLinesTest.record(
                        "j1", "{\"type\":\"job.create\",\"commandId\":\"c1\",\"jobId\":\"j1\",\"jobType\":\"r\"}")));
        byte[] log = Files.readAllBytes(commands);

        Run overInput = replay(commands, dir.resolve(".").resolve("commands.ndjson"), dir.resolve("r.ndjson"));
        Run oneFile = replay(commands, dir.resolve("out.ndjson"), dir.resolve("out.ndjson"));

        assertThat(overInput.exit()).isEqualTo(2);
        assertThat(overInput.err()).startsWith("--timeline is the --input");
        assertThat(commands).hasBinaryContent(log);
        assertThat(oneFile.exit()).isEqualTo(2);
        assertThat(oneFile.err()).startsWith("--timeline and --rejections are one file");
        assertThat(dir.resolve("out.ndjson")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999999999999", ""})
    void shouldRefuseAnExportFromATimeThatIsNoEpochMillisecondAsABadFlag(String time) {
        Run run = run(
                "export", "--out", dir.resolve("bundle").toString(), "--bootstrap", "127.0.0.1:1", "--from-time", time);

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err())
                .startsWith("--from-time: '" + time + "' is neither RFC 3339")
                .doesNotContain("\tat ");
    }

    /** A limit of zero or less would stop the export at once, or commit an import record by record. */
    @ParameterizedTest
    @ValueSource(strings = {"export --idle-timeout=0", "export --idle-timeout=-5", "import --transaction-records=0"})
    void shouldRefuseAnExportOrImportLimitBelowOneAsABadFlag(String line) {
        String[] words = line.split(" ");
        String[] command = words[0].equals("export")
                ? new String[] {
                    "export", "--out", dir.resolve("bundle").toString(), "--bootstrap", "127.0.0.1:1", words[1]
                }
                : new String[] {
                    "import", "--in", dir.resolve("bundle").toString(), "--bootstrap", "127.0.0.1:1", words[1]
                };

        Run run = run(command);

        assertThat(run.exit()).as(line).isEqualTo(2);
        assertThat(run.err())
                .startsWith(words[1].substring(0, words[1].indexOf('=')) + " must be at least 1")
                .doesNotContain("\tat ");
    }

    /** A taken --out is refused before Kafka is asked anything: it took the 30 s of an absent broker first. */
    @Test
    void shouldRefuseATakenOutputBeforeAskingKafka() throws IOException {
        Path taken = Files.writeString(dir.resolve("bundle.tar.gz"), "an earlier export");
        long start = System.nanoTime();

        Run run = run("export", "--out", taken.toString(), "--bootstrap", "127.0.0.1:1");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("already exists; export will not overwrite a bundle");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void shouldNameAnInputThatIsNotThere() {
        Run run = run("verify", "--timeline", dir.resolve("nothing.ndjson").toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("nothing.ndjson").contains("neither a bundle nor an NDJSON file");
    }

    @Test
    void shouldRefuseABundleWithAChangedByteBeforeReplaying() throws Exception {
        Path bundle = AirGapFixtures.writeBundle(
                dir.resolve("bundle"),
                "jobline.commands",
                2,
                List.of(RecordLinesTest.record("job-1", "{}"), RecordLinesTest.record("job-2", "{}")),
                ProcessorPolicy.from(JoblineConfig.defaults()));
        Path file = bundle.resolve("jobline.commands-0.ndjson");
        byte[] bytes = Files.readAllBytes(file);
        bytes[2] ^= 0x01;
        Files.write(file, bytes);

        Run run = replay(bundle);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("jobline.commands-0.ndjson does not match its SHA-256");
        assertThat(dir.resolve("t.ndjson")).doesNotExist();
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = JoblineCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
