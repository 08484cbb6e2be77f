package io.jobline.cli;

import com.zaxxer.hikari.HikariDataSource;
import io.jobline.api.ApiServer;
import io.jobline.api.CommandGateway;
import io.jobline.api.JobQueries;
import io.jobline.api.JobReader;
import io.jobline.api.JobsApi;
import io.jobline.api.OutcomeTracker;
import io.jobline.api.PostgresJobQueries;
import io.jobline.api.PostgresJobReader;
import io.jobline.api.StoreJobReader;
import io.jobline.api.TenantAuth;
import io.jobline.config.ConfigException;
import io.jobline.config.JoblineConfig;
import io.jobline.sink.DataSources;
import io.jobline.sink.PostgresSink;
import io.jobline.sink.SinkMetrics;
import io.jobline.stream.LifecycleService;
import io.jobline.stream.TopicAdmin;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Everything jobline runs, wired by hand in one place: the processor, the sink and the API, any
 * combination, on one Prometheus registry. Started in dependency order, closed in reverse.
 */
final class JoblineRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JoblineRuntime.class);
    private static final Duration FAILURE_CHECK = Duration.ofSeconds(1);

    enum Role {
        PROCESSOR,
        SINK,
        API;

        static Set<Role> parse(String roles) {
            Set<Role> parsed = EnumSet.noneOf(Role.class);
            for (String role : roles.split(",")) {
                try {
                    parsed.add(Role.valueOf(role.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(
                            "--roles", roles, "roles are processor, sink and api, not '" + role.trim() + "'");
                }
            }
            return parsed;
        }
    }

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, BooleanSupplier> readiness = new LinkedHashMap<>();
    /** Per role part: why it stopped for good, or null while it runs. */
    private final Map<String, Supplier<String>> failures = new LinkedHashMap<>();

    private LifecycleService processor;
    private ApiServer api;

    private JoblineRuntime() {
        for (var binder : Arrays.asList(
                new ClassLoaderMetrics(),
                new JvmMemoryMetrics(),
                new JvmGcMetrics(),
                new JvmThreadMetrics(),
                new ProcessorMetrics(),
                new UptimeMetrics())) {
            binder.bindTo(registry);
        }
    }

    /**
     * Starts {@code roles} under {@code config}.
     *
     * @param allowOpenApi whether the API may run without tokens (dev, or run --insecure)
     */
    static JoblineRuntime start(JoblineConfig config, Set<Role> roles, boolean allowOpenApi) {
        JoblineRuntime runtime = new JoblineRuntime();
        try {
            runtime.startRoles(config, roles, allowOpenApi);
            return runtime;
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    private void startRoles(JoblineConfig config, Set<Role> roles, boolean allowOpenApi) {
        TenantAuth auth = new TenantAuth(config.tenantsByToken());
        if (roles.contains(Role.API) && auth.isOpen()) {
            if (!allowOpenApi) {
                throw new ConfigException(
                        JoblineConfig.API_TOKENS.name(),
                        "the API would run open: set" + " JOBLINE_API_TOKENS=tenant:token,... or pass --insecure");
            }
            LOG.warn("the HTTP API runs without authentication: every caller may act for every tenant"
                    + " (set JOBLINE_API_TOKENS=tenant:token,... to require bearer tokens)");
        }
        int apiPort = roles.contains(Role.API) ? resolvePort(config.get(JoblineConfig.API_PORT)) : -1;
        if (roles.contains(Role.PROCESSOR) || roles.contains(Role.API)) {
            TopicAdmin.ensureTopics(config);
        }
        if (roles.contains(Role.PROCESSOR)) {
            String applicationServer =
                    roles.contains(Role.API) ? config.get(JoblineConfig.API_ADVERTISED_HOST) + ":" + apiPort : null;
            processor = new LifecycleService(config, registry, applicationServer);
            processor.start();
            started.push(processor);
            readiness.put("processor", processor::isRunning);
            failures.put("processor", processor::failure);
        }
        DataSource database = null;
        if (roles.contains(Role.SINK) || roles.contains(Role.API)) {
            HikariDataSource pool = DataSources.create(config, "jobline-" + roleNames(roles));
            started.push(pool);
            database = pool;
        }
        if (roles.contains(Role.SINK)) {
            SinkMetrics sinkMetrics = new SinkMetrics();
            sinkMetrics.bindTo(registry);
            PostgresSink sink = new PostgresSink(config, database, sinkMetrics);
            sink.start();
            started.push(sink);
            readiness.put("sink", sink::isReady);
            failures.put("sink", sink::failure);
        }
        if (roles.contains(Role.API)) {
            Properties kafka = clientProperties(config);
            OutcomeTracker outcomes = new OutcomeTracker(
                    kafka, config.get(JoblineConfig.TIMELINE_TOPIC), config.get(JoblineConfig.REJECTIONS_TOPIC));
            outcomes.start();
            started.push(outcomes);
            readiness.put("outcomes", outcomes::isReady);
            failures.put("api", outcomes::failure);
            CommandGateway gateway = new CommandGateway(kafka, config.get(JoblineConfig.COMMANDS_TOPIC), outcomes);
            started.push(gateway);
            JobReader reader = processor != null
                    ? new StoreJobReader(
                            processor.streams(), new HostInfo(config.get(JoblineConfig.API_ADVERTISED_HOST), apiPort))
                    : new PostgresJobReader(database);
            JobQueries queries = new PostgresJobQueries(database);
            // Lists and histories come from PostgreSQL, whatever else this process runs.
            readiness.put("database", queries::isReachable);
            JobsApi jobs = new JobsApi(
                    gateway, reader, queries, auth, Duration.ofMillis(config.get(JoblineConfig.API_WAIT_MAX_MS)));
            api = new ApiServer(jobs, registry, readiness).start(config.get(JoblineConfig.API_BIND), apiPort);
            started.push(api);
        }
    }

    private static String roleNames(Set<Role> roles) {
        return String.join(
                "-", roles.stream().map(r -> r.name().toLowerCase(Locale.ROOT)).toList());
    }

    static Properties clientProperties(JoblineConfig config) {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.get(JoblineConfig.BOOTSTRAP_SERVERS));
        props.putAll(config.kafkaProperties());
        return props;
    }

    /** Port 0 means any free port, chosen now because the processor must advertise it. */
    private static int resolvePort(int configured) {
        if (configured != 0) {
            return configured;
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for the API", e);
        }
    }

    int apiPort() {
        return api == null ? -1 : api.port();
    }

    boolean isReady() {
        return readiness.values().stream().allMatch(BooleanSupplier::getAsBoolean);
    }

    /** Why {@link #awaitStop} returned: a signal, or a part that stopped for good. */
    record Stop(String reason, boolean failed) {

        /** Says why {@code command} stops: on its output after a signal, on its error stream after a failure. */
        void report(CommandLine cli, String command) {
            PrintWriter to = failed ? cli.getErr() : cli.getOut();
            to.printf("%s: %s; stopping ...%n", command, reason);
            to.flush();
        }

        int exitCode() {
            return failed ? 1 : 0;
        }
    }

    /**
     * Blocks until a signal arrives or one of the roles stops for good. A role that failed does not
     * start again by itself, and a process that went on without it would look alive while doing
     * nothing (the sink role alone serves no health endpoint): the caller stops the rest and exits
     * non-zero, so that whatever supervises the process (compose's restart policy, Kubernetes)
     * sees it.
     */
    Stop awaitStop(ShutdownSignal shutdown) throws InterruptedException {
        while (true) {
            String signal = shutdown.await(FAILURE_CHECK);
            if (signal != null) {
                return new Stop(signal + " received", false);
            }
            String failure = failure();
            if (failure != null) {
                return new Stop(failure, true);
            }
        }
    }

    /** The first role that stopped for good, and why; null while every role runs. */
    String failure() {
        for (var role : failures.entrySet()) {
            String failure = role.getValue().get();
            if (failure != null) {
                return "the " + role.getKey() + " role stopped: " + failure;
            }
        }
        return null;
    }

    /** The processor's Kafka Streams instance (null without the processor role), for tests and tools. */
    org.apache.kafka.streams.KafkaStreams streams() {
        return processor == null ? null : processor.streams();
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            AutoCloseable component = started.pop();
            try {
                component.close();
            } catch (Exception e) {
                LOG.warn("stopping {} failed", component.getClass().getSimpleName(), e);
            }
        }
        registry.close();
    }
}
