package io.jobline.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.jobline.domain.Command;
import io.jobline.domain.CommandType;
import io.jobline.wire.CommandCodec;
import io.jobline.wire.CommandRead;
import io.jobline.wire.Json;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The job endpoints. Writes become commands on the commands topic (checked against the schema
 * first); with {@code ?wait=} a write waits for its outcome. Reads come from the processor's state
 * store (one job) or from PostgreSQL (lists, history). A token's tenant bounds everything: another
 * tenant's job is, to it, a job that does not exist.
 */
public final class JobsApi {

    private static final Set<String> ACTIONS = Set.of("start", "heartbeat", "complete", "fail", "cancel", "retry");
    private static final Pattern WAIT = Pattern.compile("(\\d+)(ms|s|m)?");
    private static final int DEFAULT_PAGE = 50;
    private static final int MAX_PAGE = 500;

    private final CommandGateway gateway;
    private final JobReader reader;
    private final JobQueries queries;
    private final TenantAuth auth;
    private final Duration maxWait;

    /** @param queries null when this instance has no database (GET list and history answer 503) */
    public JobsApi(CommandGateway gateway, JobReader reader, JobQueries queries, TenantAuth auth, Duration maxWait) {
        this.gateway = gateway;
        this.reader = reader;
        this.queries = queries;
        this.auth = auth;
        this.maxWait = maxWait;
    }

    void create(Context ctx) {
        String tenant = auth.tenantOf(ctx);
        ObjectNode body = body(ctx);
        if (!body.hasNonNull("jobId")) {
            body.put("jobId", newJobId(ctx, body, tenant));
        }
        submit(ctx, CommandType.CREATE, body, tenant, 201);
    }

    /**
     * A job id for a create that names none. One sent with an Idempotency-Key may be a retry of
     * that request: its job id follows from the key and the tenant, so that the retry reaches the
     * same job and is a no-op there instead of creating a second one. A commandId in the body does
     * not count: it is unique only within its job, and a client may give every create the same.
     */
    private static String newJobId(Context ctx, ObjectNode body, String tenant) {
        String key = ctx.header("Idempotency-Key");
        if (key == null || key.isBlank()) {
            return UUID.randomUUID().toString();
        }
        String owner = tenant != null ? tenant : body.path("tenant").asText("");
        return UUID.nameUUIDFromBytes((owner + "\n" + key).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    void act(Context ctx) {
        String tenant = auth.tenantOf(ctx);
        String action = ctx.pathParam("action");
        if (!ACTIONS.contains(action)) {
            throw Problem.of(
                            404,
                            "not-found",
                            "Not Found",
                            "no action '" + action + "'; actions are "
                                    + String.join(
                                            ", ", ACTIONS.stream().sorted().toList()))
                    .exception();
        }
        String jobId = ctx.pathParam("id");
        ObjectNode body = ctx.body().isBlank() ? Json.MAPPER.createObjectNode() : body(ctx);
        body.put("jobId", jobId);
        if (tenant != null) {
            // Refuse before writing anything: another tenant's job does not exist for this token.
            // When the store cannot answer yet, the processor still refuses it (unknown_job).
            try {
                visibleJob(jobId, tenant, ctx);
            } catch (Problem.ProblemException e) {
                if (e.problem().status() != 503) {
                    throw e;
                }
            }
        }
        submit(ctx, CommandType.fromWire("job." + action), body, tenant, 200);
    }

    void get(Context ctx) {
        String tenant = auth.tenantOf(ctx);
        String jobId = ctx.pathParam("id");
        JobReader.Snapshot job = visibleJob(jobId, tenant, ctx).orElseThrow(() -> notFound(jobId));
        ctx.contentType("application/json").result(job.json());
    }

    void list(Context ctx) {
        String tenant = auth.tenantOf(ctx);
        if (tenant == null) {
            tenant = ctx.queryParam("tenant");
        }
        int limit = parseLimit(ctx.queryParam("limit"));
        JobQueries.Page page = database()
                .list(tenant, ctx.queryParam("status"), ctx.queryParam("type"), limit, ctx.queryParam("cursor"));
        ctx.contentType("application/json").result(Json.bytes(g -> {
            g.writeStartObject();
            writeArray(g, "jobs", page.jobs());
            Json.writeStringOrNull(g, "nextCursor", page.nextCursor());
            g.writeEndObject();
        }));
    }

    void history(Context ctx) {
        String tenant = auth.tenantOf(ctx);
        String jobId = ctx.pathParam("id");
        List<byte[]> events = database().history(jobId, tenant).orElseThrow(() -> notFound(jobId));
        ctx.contentType("application/json").result(Json.bytes(g -> {
            g.writeStartObject();
            writeArray(g, "events", events);
            g.writeEndObject();
        }));
    }

    private void submit(Context ctx, CommandType type, ObjectNode body, String tenant, int createdStatus) {
        body.put("type", type.wireName());
        JsonNode asked = body.get("tenant");
        // A null tenant is left for the codec to refuse, as it is without a token: null is no value.
        if (tenant != null && (asked == null || !asked.isNull())) {
            if (asked != null && !tenant.equals(asked.asText())) {
                throw Problem.of(
                                403,
                                "forbidden",
                                "Forbidden",
                                "this token acts for tenant " + tenant + ", not " + asked.asText())
                        .exception();
            }
            body.put("tenant", tenant);
        }
        if (!body.hasNonNull("commandId")) {
            String key = ctx.header("Idempotency-Key");
            body.put(
                    "commandId",
                    key != null && !key.isBlank() ? key : UUID.randomUUID().toString());
        }
        CommandRead read = CommandCodec.read(body);
        if (read instanceof CommandRead.Invalid invalid) {
            throw Problem.of(422, "schema-violation", "Unprocessable Content", "the command is not valid")
                    .withErrors(Arrays.asList(invalid.message().split("; ")))
                    .withReason(invalid.reason().wireName())
                    .exception();
        }
        Command command = ((CommandRead.Valid) read).command();
        ctx.header("Location", "/v1/jobs/" + command.jobId());
        Duration wait = parseWait(ctx.queryParam("wait"));
        if (wait.isZero()) {
            ctx.future(() -> gateway.send(command).thenRun(() -> accepted(ctx, command, "accepted")));
            return;
        }
        if (!gateway.canWait()) {
            throw Problem.of(
                            503,
                            "not-ready",
                            "Service Unavailable",
                            "outcomes cannot be followed yet; retry, or send without ?wait=")
                    .exception();
        }
        // The wait holds no server thread: the response is written when the outcome comes.
        String authorization = ctx.header("Authorization");
        ctx.future(() -> gateway.sendAndWait(command, wait, () -> applied(command, authorization))
                .thenAccept(outcome -> {
                    if (outcome.isEmpty()) {
                        accepted(ctx, command, "pending"); // written, but no event or rejection within the wait
                    } else if (outcome.get().rejection() != null) {
                        throw rejected(outcome.get().rejection());
                    } else {
                        ctx.status(createdStatus)
                                .contentType("application/json")
                                .result(Json.bytes(
                                        g -> g.writeTree(outcome.get().job())));
                    }
                }));
    }

    /** Answers every {@code ?wait=} in progress, and every one to come, as pending: the server stops. */
    void endWaits() {
        gateway.endWaits();
    }

    /**
     * The job once it has applied {@code command}: the outcome of a command that writes no event
     * (a heartbeat, or a command sent again, which the job ignores), and for the others the same
     * job their last event carries. Empty until then, and while the store cannot answer.
     */
    private Optional<OutcomeTracker.Outcome> applied(Command command, String authorization) {
        String tenant = command.header().tenant();
        try {
            return reader.findApplied(command.jobId(), command.commandId(), authorization, false)
                    .filter(job -> tenant == null || tenant.equals(job.tenant()))
                    .map(job -> new OutcomeTracker.Outcome(Json.tree(job.json()), null));
        } catch (RuntimeException e) {
            return Optional.empty(); // not answerable now (a rebalance, say): the events may still come
        }
    }

    private static void accepted(Context ctx, Command command, String outcome) {
        ctx.status(202).contentType("application/json").result(Json.bytes(g -> {
            g.writeStartObject();
            g.writeStringField("jobId", command.jobId());
            g.writeStringField("commandId", command.commandId());
            g.writeStringField("outcome", outcome);
            g.writeEndObject();
        }));
    }

    /** A rejection as a problem: 404 for a job that does not exist, 422 for an invalid command, else 409. */
    static Problem.ProblemException rejected(JsonNode rejection) {
        String reason = rejection.path("reason").asText();
        String message = rejection.path("message").asText();
        Problem problem = switch (reason) {
            case "unknown_job" -> Problem.of(404, "not-found", "Not Found", message);
            case "schema_violation", "malformed", "too_large" ->
                Problem.of(422, "schema-violation", "Unprocessable Content", message);
            default -> Problem.of(409, reason.replace('_', '-'), "Conflict", message);
        };
        return problem.withReason(reason).exception();
    }

    private Optional<JobReader.Snapshot> visibleJob(String jobId, String tenant, Context ctx) {
        if (!CommandCodec.JOB_ID.matches(jobId)) {
            throw notFound(jobId);
        }
        String authorization = ctx.header("Authorization");
        boolean forwarded = ctx.header(StoreJobReader.FORWARDED_HEADER) != null;
        String applied = forwarded ? ctx.queryParam(StoreJobReader.APPLIED_PARAMETER) : null;
        Optional<JobReader.Snapshot> job = applied == null
                ? reader.find(jobId, authorization, forwarded)
                : reader.findApplied(jobId, applied, authorization, true);
        if (job.isPresent() && tenant != null && !tenant.equals(job.get().tenant())) {
            throw notFound(jobId);
        }
        return job;
    }

    private JobQueries database() {
        if (queries == null) {
            throw Problem.of(
                            503,
                            "no-database",
                            "Service Unavailable",
                            "this instance has no PostgreSQL configured; lists and history come from the sink's tables")
                    .exception();
        }
        return queries;
    }

    private static ObjectNode body(Context ctx) {
        JsonNode node;
        try {
            node = Json.readCommandTree(ctx.bodyAsBytes());
        } catch (IOException e) {
            throw Problem.of(
                            400,
                            "malformed",
                            "Bad Request",
                            "the body is not JSON: "
                                    + e.getMessage().lines().findFirst().orElse(""))
                    .exception();
        }
        if (node == null || !node.isObject()) {
            throw Problem.of(400, "malformed", "Bad Request", "the body must be a JSON object")
                    .exception();
        }
        return (ObjectNode) node;
    }

    /** The wait a {@code ?wait=} asks for, capped at the configured maximum. */
    Duration parseWait(String value) {
        if (value == null || value.isBlank()) {
            return Duration.ZERO;
        }
        Matcher m = WAIT.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw Problem.of(
                            400,
                            "bad-parameter",
                            "Bad Request",
                            "wait is a duration like 10s, 500ms or 1m, not '" + value + "'")
                    .exception();
        }
        long millisPerUnit = switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> 1;
            case "m" -> 60_000;
            default -> 1_000;
        };
        // Any wait longer than the cap is the cap, however many digits it has.
        BigInteger millis = new BigInteger(m.group(1)).multiply(BigInteger.valueOf(millisPerUnit));
        return millis.compareTo(BigInteger.valueOf(maxWait.toMillis())) > 0
                ? maxWait
                : Duration.ofMillis(millis.longValueExact());
    }

    private static int parseLimit(String value) {
        if (value == null) {
            return DEFAULT_PAGE;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_PAGE) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw Problem.of(400, "bad-parameter", "Bad Request", "limit is 1 to " + MAX_PAGE + ", not '" + value + "'")
                .exception();
    }

    private static Problem.ProblemException notFound(String jobId) {
        return Problem.of(404, "not-found", "Not Found", "no job " + jobId).exception();
    }

    private static void writeArray(JsonGenerator g, String field, List<byte[]> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (byte[] value : values) {
            g.writeRawValue(new String(value, java.nio.charset.StandardCharsets.UTF_8));
        }
        g.writeEndArray();
    }
}
