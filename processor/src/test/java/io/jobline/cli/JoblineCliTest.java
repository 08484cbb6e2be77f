package io.jobline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

class JoblineCliTest {

    record Run(int exitCode, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = JoblineCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static List<String> subcommands() {
        return List.copyOf(JoblineCli.commandLine().getSubcommands().keySet()).stream()
                .filter(name -> !name.equals("help"))
                .toList();
    }

    @Test
    void shouldListEverySubcommandInTheTopLevelHelp() {
        Run help = run("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Usage: jobline");
        assertThat(subcommands())
                .isNotEmpty()
                .allSatisfy(name -> assertThat(help.out()).contains(name));
    }

    @Test
    void shouldPrintTheUsageWhenRunWithoutASubcommand() {
        assertThat(run().out()).contains("Usage: jobline", "Commands:");
    }

    @ParameterizedTest
    @MethodSource("subcommands")
    void shouldDescribeEachSubcommandWithExamples(String name) {
        Run help = run(name, "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Usage: jobline " + name).contains("Examples:");
    }

    /** The top-level help shows only the first line of each description: it must be a whole sentence. */
    @ParameterizedTest
    @MethodSource("subcommands")
    void shouldOpenEachDescriptionWithOneShortSentence(String name) {
        String first = JoblineCli.commandLine()
                .getSubcommands()
                .get(name)
                .getCommandSpec()
                .usageMessage()
                .description()[0];
        Run help = run("--help");

        assertThat(first).endsWith(".").doesNotContain(". ");
        assertThat(help.out()).as("the top-level help shows it on one line").contains(first + System.lineSeparator());
    }

    @Test
    void shouldRejectAnUnknownSubcommandOrOption() {
        assertThat(run("launch").exitCode()).isEqualTo(2);
        Run bad = run("bench", "decision", "--comands", "5");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--comands");
    }

    @Test
    void shouldNameTheKeyOfBadConfigurationAtStart() {
        Run run = run("run", "--roles", "processor", "--set", "jobline.topic.partitions=none");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("jobline.topic.partitions").contains("none");
        Run roles = run("run", "--roles", "processor,scheduler");
        assertThat(roles.err()).contains("scheduler");
    }

    @Test
    void shouldRefuseToRunTheApiOpenUnlessInsecure() {
        Run run = run("run", "--roles", "api", "--bootstrap", "127.0.0.1:1");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("jobline.api.tokens").contains("--insecure");
    }

    @Test
    void shouldRefuseABadTokenEntryInOneLineWithoutEchoingIt() {
        Run run = run("run", "--roles", "api", "--set", "jobline.api.tokens=badtoken");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .isEqualTo("jobline run: invalid configuration jobline.api.tokens: entry 1 is not tenant:token"
                        + System.lineSeparator());
    }

    @Test
    void shouldNameAProduceFileThatIsNotThereInOneLineWithStatusOne(@TempDir Path dir) {
        Path missing = dir.resolve("commands.ndjson");

        Run run = run("produce", "--file", missing.toString(), "--bootstrap", "127.0.0.1:1");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("jobline produce: " + missing + " does not exist" + System.lineSeparator());
    }

    @Test
    void shouldReportALineThatIsNotUtf8AsMalformedAndGoOn(@TempDir Path dir) throws Exception {
        Path commands = dir.resolve("latin1.ndjson");
        byte[] latin1 = "{\"type\":\"job.cancel\",\"commandId\":\"caf\u00e9\",\"jobId\":\"j1\"}\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] notJson = "{not json}\r\n".getBytes(StandardCharsets.UTF_8);
        Files.write(
                commands,
                ByteBuffer.allocate(latin1.length + notJson.length)
                        .put(latin1)
                        .put(notJson)
                        .array());

        Run run = run("produce", "--file", commands.toString(), "--bootstrap", "127.0.0.1:1");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .contains("line 1: malformed: not JSON: Invalid UTF-8")
                .contains("line 2: malformed: not JSON")
                .contains("produce: 0 sent to jobline.commands, 2 invalid (not sent), 2 lines read")
                .doesNotContain("\tat ");
    }

    @Test
    void shouldSayWhyDevCannotStartItsBroker(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "");

        Run run = run("dev", "--data-dir", file.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip())
                .startsWith("jobline dev: cannot start the in-JVM Kafka broker under " + file.resolve("kafka"))
                .endsWith("Not a directory")
                .doesNotContain("\n");
    }

    @Test
    void shouldSayKafkaDidNotAnswerWhenNoBrokerIsThereOnceItsWaitEnds() {
        // jobline waits 30 s for an answer; the admin client's own calls last 60 s, and closing it
        // used to wait them out, so the command failed after a minute.
        long start = System.nanoTime();
        Run run = run("run", "--roles", "processor", "--bootstrap", "127.0.0.1:1");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip())
                .isEqualTo("jobline run: cannot reach Kafka at 127.0.0.1:1 to check the topics: no answer within 30 s");
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .as("failed once jobline's 30 s wait ended, not the client's 60 s")
                .isLessThan(Duration.ofSeconds(50));
    }

    @Test
    void shouldNotPrintThePasswordOfAJdbcUrlWhenMigrationsCannotConnect() {
        Run run = run("migrate", "--db-url", "jdbc:postgresql://127.0.0.1:1/jobline?user=owner&password=s3cret");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err())
                .contains("cannot migrate schema public at jdbc:postgresql://127.0.0.1:1/jobline?…")
                .doesNotContain("s3cret");
    }

    @Test
    void shouldPrintTheVersion() {
        assertThat(run("--version").out()).startsWith("jobline ");
    }
}
