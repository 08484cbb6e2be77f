package io.jobline.api;

import com.fasterxml.jackson.core.JsonGenerator;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.jobline.wire.Json;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.server.handler.StatisticsHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: routes, problem rendering, metrics and health. The job endpoints themselves
 * live in {@link JobsApi}; this class only wires them to Javalin.
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    static final String PROBLEM_JSON = "application/problem+json";
    private static final long MAX_REQUEST_BYTES = 1_048_576L;

    /** How long a stop waits for the answers of requests in progress. */
    private static final long STOP_TIMEOUT_MS = 5_000;

    private final Javalin app;
    private final JobsApi jobs;
    private final Map<String, BooleanSupplier> readiness;

    /**
     * @param readiness named checks behind {@code /readyz} (streams running, sink connected, ...)
     */
    public ApiServer(JobsApi jobs, PrometheusMeterRegistry registry, Map<String, BooleanSupplier> readiness) {
        this.jobs = jobs;
        this.readiness = new LinkedHashMap<>(readiness);
        ApiMetrics metrics = new ApiMetrics();
        metrics.bindTo(registry);
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.http.maxRequestSize = MAX_REQUEST_BYTES;
            config.http.prefer405over404 = true;
            config.useVirtualThreads = false;
            // A stop lets the requests in progress finish (up to STOP_TIMEOUT_MS), as Jetty does
            // when it counts them; without it, it drops their connections.
            config.jetty.modifyServer(server -> {
                server.setStopTimeout(STOP_TIMEOUT_MS);
                server.setHandler(new StatisticsHandler());
            });
        });
        app.before(ctx -> ctx.attribute("jobline.start", System.nanoTime()));
        app.after(ctx -> {
            Long start = ctx.attribute("jobline.start");
            if (start != null) {
                metrics.record(
                        ctx.endpointHandlerPath(),
                        ctx.method().name(),
                        ctx.statusCode(),
                        Duration.ofNanos(System.nanoTime() - start));
            }
        });
        app.post("/v1/jobs", jobs::create);
        app.get("/v1/jobs", jobs::list);
        app.get("/v1/jobs/{id}", jobs::get);
        app.get("/v1/jobs/{id}/history", jobs::history);
        app.post("/v1/jobs/{id}/{action}", jobs::act);
        app.get("/healthz", ctx -> ctx.json(Map.of("status", "up")));
        app.get("/readyz", this::ready);
        app.get(
                "/metrics",
                ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                        .result(registry.scrape()));
        app.exception(Problem.ProblemException.class, (e, ctx) -> render(ctx, e.problem()));
        app.exception(Exception.class, (e, ctx) -> {
            // The cause stays in the log: its message may name hosts, users or internals.
            String errorId = UUID.randomUUID().toString();
            LOG.error("{} {} failed (error {})", ctx.method(), ctx.path(), errorId, e);
            render(
                    ctx,
                    Problem.of(
                            500,
                            "internal",
                            "Internal Server Error",
                            "the request failed; the server's log has the cause, as error " + errorId));
        });
        // Javalin's own refusals (no such route, a method the route lacks, a body over the limit)
        // are problems too, like every other error.
        app.exception(HttpResponseException.class, (e, ctx) -> {
            String title = HttpStatus.forStatus(e.getStatus()).getMessage();
            render(
                    ctx,
                    Problem.of(
                            e.getStatus(),
                            title.toLowerCase(Locale.ROOT).replace(' ', '-'),
                            title,
                            switch (e.getStatus()) {
                                case 404 -> "no such resource: " + ctx.path();
                                case 405 -> ctx.method() + " is not allowed on " + ctx.path();
                                case 413 -> "the body is larger than " + MAX_REQUEST_BYTES + " bytes";
                                default -> e.getMessage();
                            }));
        });
    }

    public ApiServer start(String host, int port) {
        app.start(host, port);
        return this;
    }

    public int port() {
        return app.port();
    }

    private void ready(Context ctx) {
        Map<String, String> checks = new LinkedHashMap<>();
        boolean ready = true;
        for (Map.Entry<String, BooleanSupplier> check : readiness.entrySet()) {
            boolean ok = check.getValue().getAsBoolean();
            checks.put(check.getKey(), ok ? "ready" : "not ready");
            ready &= ok;
        }
        ctx.status(ready ? 200 : 503).json(Map.of("status", ready ? "ready" : "not ready", "checks", checks));
    }

    static void render(Context ctx, Problem problem) {
        ctx.status(problem.status()).contentType(PROBLEM_JSON).result(Json.bytes(g -> write(g, problem, ctx.path())));
    }

    private static void write(JsonGenerator g, Problem problem, String instance) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", problem.type());
        g.writeStringField("title", problem.title());
        g.writeNumberField("status", problem.status());
        g.writeStringField("detail", problem.detail());
        g.writeStringField("instance", instance);
        if (problem.reason() != null) {
            g.writeStringField("reason", problem.reason());
        }
        if (!problem.errors().isEmpty()) {
            g.writeArrayFieldStart("errors");
            for (String error : problem.errors()) {
                g.writeString(error);
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    /**
     * Stops: the waits in progress are answered first (202, outcome pending, with the job's
     * location to poll), and the server then stops once their answers are written.
     */
    @Override
    public void close() {
        jobs.endWaits();
        app.stop();
    }
}
