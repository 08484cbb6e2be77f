package io.jobline.cli;

import io.jobline.config.JoblineConfig;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Runs jobline's roles against an existing Kafka and PostgreSQL.",
            "",
            "The roles are the processor (Kafka Streams), the sink (timeline to",
            "PostgreSQL) and the HTTP API, in any combination. Configuration comes from",
            "JOBLINE_* environment variables, an optional --config file and --set flags",
            "(the README lists every key); kafka.* keys pass through to the Kafka clients",
            "(TLS, SASL). Topics are created when missing. SIGTERM stops it cleanly (exit 0).",
            "",
            "A role that stops for good (Kafka Streams in ERROR, the sink on an error it",
            "cannot retry, the API's outcome tracker) stops the others, and jobline exits 1",
            "naming it: a supervisor (compose's restart policy, Kubernetes) sees it."
        },
        footer = {
            "",
            "Examples:",
            "  JOBLINE_BOOTSTRAP_SERVERS=kafka:9092 JOBLINE_API_TOKENS=acme:s3cret jobline run",
            "  jobline run --roles processor --config /etc/jobline.properties",
            "  jobline run --roles api,sink --set kafka.security.protocol=SSL --set jobline.api.port=9090"
        })
final class RunCommand implements Callable<Integer> {

    @Option(
            names = "--roles",
            paramLabel = "ROLES",
            description = "Comma-separated: processor, sink, api" + " (default: ${DEFAULT-VALUE}).",
            defaultValue = "processor,sink,api")
    String roles;

    @Option(names = "--insecure", description = "Allow the API to run without bearer tokens.")
    boolean insecure;

    @Mixin
    ConfigOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ShutdownSignal shutdown = new ShutdownSignal();
        JoblineRuntime.Stop stop;
        Set<JoblineRuntime.Role> parsed = JoblineRuntime.Role.parse(roles);
        JoblineConfig config = options.load(Map.of());
        try (JoblineRuntime runtime = JoblineRuntime.start(config, parsed, insecure)) {
            out.printf(
                    "jobline run: %s started against %s%s%n",
                    roles,
                    config.get(JoblineConfig.BOOTSTRAP_SERVERS),
                    runtime.apiPort() > 0 ? "; API on port " + runtime.apiPort() : "");
            out.flush();
            stop = runtime.awaitStop(shutdown);
            stop.report(spec.commandLine(), "jobline run");
        }
        out.println("jobline run: stopped");
        out.flush();
        return stop.exitCode();
    }
}
