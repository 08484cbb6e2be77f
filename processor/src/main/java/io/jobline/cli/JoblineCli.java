package io.jobline.cli;

import io.jobline.airgap.AirGapException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jobline} launcher: one executable, one subcommand per job to do. */
@Command(
        name = "jobline",
        mixinStandardHelpOptions = true,
        versionProvider = JoblineCli.Version.class,
        description = "A Kafka-native job lifecycle processor.",
        subcommands = {
            DevCommand.class,
            RunCommand.class,
            ProduceCommand.class,
            TailCommand.class,
            MigrateCommand.class,
            ExportCommand.class,
            ImportCommand.class,
            ReplayCommand.class,
            VerifyCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {"", "Run 'jobline COMMAND --help' for a command's options and examples."})
public final class JoblineCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with every subcommand wired; tests run it in-process. */
    public static CommandLine commandLine() {
        return new CommandLine(new JoblineCli())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, commandLine, parseResult) -> {
                    // For people: one line, no stack trace. 2: the command could not start as
                    // configured; 1: its work failed (a damaged bundle, a refused import, Kafka, disk).
                    int status = e instanceof io.jobline.config.ConfigException || e instanceof IllegalStateException
                            ? 2
                            : e instanceof AirGapException
                                            || e instanceof KafkaException
                                            || e instanceof UncheckedIOException
                                    ? 1
                                    : 0;
                    if (status == 0) {
                        throw e;
                    }
                    commandLine.getErr().println("jobline " + commandLine.getCommandName() + ": " + Failure.message(e));
                    return status;
                });
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version from the jar's manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        static String current() {
            String version = JoblineCli.class.getPackage().getImplementationVersion();
            return version == null ? "development" : version;
        }

        @Override
        public String[] getVersion() {
            return new String[] {"jobline " + current()};
        }
    }
}
