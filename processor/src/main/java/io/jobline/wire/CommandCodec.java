package io.jobline.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobline.domain.Command;
import io.jobline.domain.CommandHeader;
import io.jobline.domain.CommandType;
import io.jobline.domain.EgressPolicy;
import io.jobline.domain.JobError;
import io.jobline.domain.JobStatus;
import io.jobline.domain.JsonText;
import io.jobline.domain.LifecyclePolicy;
import io.jobline.domain.RejectionReason;
import io.jobline.domain.RetryPolicy;
import io.jobline.domain.RetrySpec;
import io.jobline.domain.TimerKind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Commands to and from JSON, as {@code schemas/command.schema.json} defines them. Reading
 * validates fully and never throws: anything that is not a valid command comes back as
 * {@link CommandRead.Invalid} with the reason and every violation found (the first 20 listed).
 */
public final class CommandCodec {

    /** A job id: also a Kafka key and a URL path segment, so "." and ".." (which paths resolve away) are not ones. */
    public static final TextPattern JOB_ID = TextPattern.repeated("A-Za-z0-9._:@-", 200, ".", "..");

    static final TextPattern TENANT = TextPattern.repeated("A-Za-z0-9._-", 100);
    static final TextPattern TRACEPARENT = TextPattern.of("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
    static final TextPattern RFC3339 = TextPattern.of(
            "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})");

    static final long MAX_LEASE_MS = LifecyclePolicy.MAX_LEASE_MS;
    /** The most characters of a jobId, commandId or any other id. */
    public static final int ID_LENGTH = 200;
    /** The most characters of a recorded command's id: the longest prefix, {@code dependency.completed:}, and a job id. */
    public static final int RECORDED_ID_LENGTH = "dependency.completed:".length() + ID_LENGTH;
    /** The most digits a PostgreSQL numeric (so a jsonb number) holds before the decimal point. */
    static final int NUMERIC_INTEGER_DIGITS = 131_072;
    /** The most digits a PostgreSQL numeric holds after the decimal point. */
    static final int NUMERIC_FRACTION_DIGITS = 16_383;
    /** The most violations a rejection's message lists; the rest are counted. */
    static final int LISTED_VIOLATIONS = 20;

    private static final Set<String> HEADER_FIELDS =
            Set.of("type", "commandId", "jobId", "tenant", "correlationId", "actor", "expectedSequence", "traceparent");
    private static final Map<CommandType, Set<String>> OWN_FIELDS = Map.ofEntries(
            Map.entry(
                    CommandType.CREATE,
                    Set.of("jobType", "payload", "dependsOn", "retry", "leaseMs", "notBefore", "networkIntent")),
            Map.entry(CommandType.START, Set.of("workerId", "leaseId", "leaseMs")),
            Map.entry(CommandType.HEARTBEAT, Set.of("leaseId")),
            Map.entry(CommandType.COMPLETE, Set.of("leaseId", "result")),
            Map.entry(CommandType.FAIL, Set.of("leaseId", "error")),
            Map.entry(CommandType.CANCEL, Set.of("reason")),
            Map.entry(CommandType.RETRY, Set.of("reason")),
            Map.entry(CommandType.TIMER_FIRE, Set.of("timer")),
            Map.entry(CommandType.DEPENDENCY_WATCH, Set.of("dependent")),
            Map.entry(CommandType.DEPENDENCY_COMPLETED, Set.of("dependency", "status")),
            Map.entry(CommandType.DEPENDENCY_FAILED, Set.of("dependency", "status")));
    private static final Map<CommandType, Set<String>> ALLOWED_FIELDS = allowedFields();

    private CommandCodec() {}

    // ---- reading ----------------------------------------------------------------------------

    public static CommandRead read(byte[] bytes) {
        if (bytes == null) {
            return new CommandRead.Invalid(
                    RejectionReason.MALFORMED, "the record has no value", null, null, null, null);
        }
        JsonNode json;
        try {
            json = Json.readCommandTree(bytes);
        } catch (JsonProcessingException e) {
            return new CommandRead.Invalid(
                    RejectionReason.MALFORMED, "not JSON: " + e.getOriginalMessage(), null, null, null, null);
        } catch (IOException e) {
            return new CommandRead.Invalid(
                    RejectionReason.MALFORMED, "not JSON: " + e.getMessage(), null, null, null, null);
        }
        if (json == null || json.isMissingNode()) {
            return new CommandRead.Invalid(
                    RejectionReason.MALFORMED, "the record value is empty", null, null, null, null);
        }
        if (!json.isObject()) {
            return new CommandRead.Invalid(
                    RejectionReason.MALFORMED,
                    "a command is a JSON object, not "
                            + json.getNodeType().name().toLowerCase(java.util.Locale.ROOT),
                    null,
                    null,
                    null,
                    null);
        }
        return read((ObjectNode) json);
    }

    public static CommandRead read(ObjectNode json) {
        List<String> violations = new ArrayList<>();
        FieldReader fields = new FieldReader(json, "", violations);
        String typeName = fields.requiredText("type", ID_LENGTH);
        CommandType type = typeName == null ? null : CommandType.fromWire(typeName);
        // A recorded command's id is its type's prefix and a job id: checked with its own fields.
        String commandId =
                fields.requiredText("commandId", type != null && type.recorded() ? RECORDED_ID_LENGTH : ID_LENGTH);
        String jobId = fields.requiredText("jobId", ID_LENGTH, JOB_ID);
        if (typeName != null && type == null) {
            violations.add("type: unknown command type '" + typeName + "'");
        }
        CommandHeader header = new CommandHeader(
                commandId == null ? "" : commandId,
                jobId == null ? "" : jobId,
                fields.optionalText("tenant", 100, TENANT),
                fields.optionalText("correlationId", ID_LENGTH),
                fields.optionalText("actor", ID_LENGTH),
                fields.optionalLong("expectedSequence", 0, Long.MAX_VALUE),
                fields.optionalText("traceparent", 55, TRACEPARENT));
        Command command = null;
        if (type != null) {
            fields.rejectUnknown(ALLOWED_FIELDS.get(type));
            command = readOwnFields(type, header, fields);
        }
        String readJobId = idOrNull(json.path("jobId").textValue());
        String readCommandId = idOrNull(json.path("commandId").textValue());
        if (!violations.isEmpty() || command == null) {
            return new CommandRead.Invalid(
                    RejectionReason.SCHEMA_VIOLATION, summary(violations), json, readJobId, readCommandId, typeName);
        }
        return new CommandRead.Valid(command, json);
    }

    /**
     * The violations as a rejection's message: the first {@link #LISTED_VIOLATIONS}, then how many
     * more. Each names a field of the command, so listing them all could make the message many times
     * the command's size (a {@code dependsOn} of 60,000 bad ids, within the size limit, gave a 3.8 MB
     * rejection): a record over the producer's {@code max.request.size} stops the processor, and
     * every restart meets the same command again.
     */
    static String summary(List<String> violations) {
        if (violations.size() <= LISTED_VIOLATIONS) {
            return String.join("; ", violations);
        }
        return String.join("; ", violations.subList(0, LISTED_VIOLATIONS)) + "; and "
                + (violations.size() - LISTED_VIOLATIONS) + " more";
    }

    /**
     * An id as a rejection names it (and keys its record by): the text when it is no longer than
     * an id may be, else null. The rejected command keeps the whole text; the name is for finding
     * it, and a kilobytes-long one would break the sink's index on {@code job_rejections.job_id}.
     */
    public static String idOrNull(String text) {
        return text != null && FieldReader.fits(text, ID_LENGTH) ? text : null;
    }

    private static Command readOwnFields(CommandType type, CommandHeader header, FieldReader fields) {
        return switch (type) {
            case CREATE -> readCreate(header, fields);
            case START ->
                new Command.Start(
                        header,
                        fields.requiredText("workerId", ID_LENGTH),
                        fields.optionalText("leaseId", ID_LENGTH),
                        fields.optionalLong("leaseMs", 1, MAX_LEASE_MS));
            case HEARTBEAT -> new Command.Heartbeat(header, fields.requiredText("leaseId", ID_LENGTH));
            case COMPLETE ->
                new Command.Complete(
                        header,
                        fields.optionalText("leaseId", ID_LENGTH),
                        jsonText(fields, "result", fields.optionalObject("result")));
            case FAIL -> readFail(header, fields);
            case CANCEL -> new Command.Cancel(header, fields.optionalText("reason", 1000));
            case RETRY -> new Command.Retry(header, fields.optionalText("reason", 1000));
            case TIMER_FIRE -> readTimerFire(header, fields);
            case DEPENDENCY_WATCH -> {
                requireCommandId(header, fields, "dependency.watch:");
                yield new Command.DependencyWatch(header, fields.requiredText("dependent", ID_LENGTH, JOB_ID));
            }
            case DEPENDENCY_COMPLETED -> {
                requireCommandId(header, fields, "dependency.completed:");
                String dependency = fields.requiredText("dependency", ID_LENGTH, JOB_ID);
                fields.requiredEnum("status", List.of("completed"));
                yield new Command.DependencyCompleted(header, dependency, JobStatus.COMPLETED);
            }
            case DEPENDENCY_FAILED -> {
                requireCommandId(header, fields, "dependency.failed:");
                String dependency = fields.requiredText("dependency", ID_LENGTH, JOB_ID);
                String status = fields.requiredEnum("status", List.of("failed", "cancelled"));
                yield new Command.DependencyFailed(
                        header, dependency, status == null ? null : JobStatus.fromWire(status));
            }
        };
    }

    private static Command readCreate(CommandHeader header, FieldReader fields) {
        String jobType = fields.requiredText("jobType", ID_LENGTH);
        ObjectNode payload = fields.optionalObject("payload");
        List<String> dependsOn = fields.optionalTextArray("dependsOn", ID_LENGTH, JOB_ID);
        RetrySpec retry = RetrySpec.NONE;
        ObjectNode retryJson = fields.optionalObject("retry");
        if (retryJson != null) {
            FieldReader r = fields.nested(retryJson, "retry");
            r.rejectUnknown(Set.of("maxRetries", "initialDelayMs", "multiplier", "maxDelayMs", "jitter"));
            Long maxRetries = r.optionalLong("maxRetries", 0, RetryPolicy.MAX_RETRIES);
            retry = new RetrySpec(
                    maxRetries == null ? null : maxRetries.intValue(),
                    r.optionalLong("initialDelayMs", 0, RetryPolicy.MAX_DELAY_MS),
                    r.optionalNumber("multiplier", 1.0, Double.MAX_VALUE),
                    r.optionalLong("maxDelayMs", 0, RetryPolicy.MAX_DELAY_MS),
                    r.optionalNumber("jitter", 0.0, 1.0));
        }
        Long leaseMs = fields.optionalLong("leaseMs", 1, MAX_LEASE_MS);
        String notBeforeText = fields.optionalText("notBefore", 64, RFC3339);
        Long notBefore = null;
        if (notBeforeText != null) {
            if (Timestamps.isValid(notBeforeText.toUpperCase(java.util.Locale.ROOT))) {
                notBefore = Timestamps.parse(notBeforeText.toUpperCase(java.util.Locale.ROOT));
                if (!Timestamps.isWritable(notBefore)) {
                    // It is written back in UTC: in the job's snapshots, and by the API forwarding it.
                    fields.violations().add("notBefore: is outside the years 0000 to 9999 once in UTC");
                    notBefore = null;
                }
            } else {
                fields.violations().add("notBefore: is not a valid RFC 3339 date-time");
            }
        }
        List<String> egress = null;
        ObjectNode intent = fields.optionalObject("networkIntent");
        if (intent != null) {
            FieldReader n = fields.nested(intent, "networkIntent");
            n.rejectUnknown(Set.of("egress"));
            egress = n.optionalTextArray("egress", 500, null);
            if (egress == null) {
                egress = List.of();
            }
            for (int i = 0; i < egress.size(); i++) {
                String problem = EgressPolicy.problem(egress.get(i));
                if (problem != null) {
                    fields.violations().add("networkIntent.egress[" + i + "]: " + problem);
                }
            }
        }
        if (jobType == null) {
            return null;
        }
        return new Command.Create(
                header, jobType, jsonText(fields, "payload", payload), dependsOn, retry, leaseMs, notBefore, egress);
    }

    private static Command readFail(CommandHeader header, FieldReader fields) {
        String leaseId = fields.optionalText("leaseId", ID_LENGTH);
        ObjectNode errorJson = fields.requiredObject("error");
        if (errorJson == null) {
            return null;
        }
        FieldReader e = fields.nested(errorJson, "error");
        e.rejectUnknown(Set.of("code", "message", "retryable"));
        String code = e.requiredText("code", 100);
        String message = e.optionalText("message", 10_000);
        Boolean retryable = e.optionalBoolean("retryable");
        if (code == null) {
            return null;
        }
        return new Command.Fail(header, leaseId, new JobError(code, message, retryable == null || retryable));
    }

    private static Command readTimerFire(CommandHeader header, FieldReader fields) {
        ObjectNode timerJson = fields.requiredObject("timer");
        if (timerJson == null) {
            return null;
        }
        FieldReader t = fields.nested(timerJson, "timer");
        t.rejectUnknown(Set.of("kind", "due"));
        String kind = t.requiredEnum("kind", List.of("retry", "lease", "not_before"));
        Long due = t.requiredLong("due", 0, Long.MAX_VALUE);
        if (kind == null || due == null) {
            return null;
        }
        TimerKind timerKind = TimerKind.fromWire(kind);
        String expected = Command.TimerFire.commandIdFor(timerKind, due);
        if (!expected.equals(header.commandId())) {
            fields.violations().add("commandId: a timer.fire's commandId is '" + expected + "'");
        }
        return new Command.TimerFire(header, timerKind, due);
    }

    /** A dependency command's id: {@code prefix} and a job id. */
    private static void requireCommandId(CommandHeader header, FieldReader fields, String prefix) {
        String id = header.commandId();
        if (!id.startsWith(prefix) || !JOB_ID.matches(id.substring(prefix.length()))) {
            fields.violations().add("commandId: must be '" + prefix + "' and a job id");
        }
    }

    /**
     * A payload or result, carried as compact text. Its every event goes to PostgreSQL's jsonb, so
     * what jsonb cannot hold rejects the command rather than being changed: text (a value or a
     * key) holding U+0000 or one half of a UTF-16 surrogate pair without the other (no character
     * at all, nor UTF-8), or a number past what a numeric holds.
     */
    private static JsonText jsonText(FieldReader fields, String name, ObjectNode node) {
        if (node == null) {
            return null;
        }
        String refused = postgresqlRefuses(node, "");
        if (refused != null) {
            fields.violations().add(name + ": " + refused);
            return null;
        }
        return new JsonText(Json.compact(node));
    }

    /** Why jsonb could not hold {@code node}, which is at {@code pointer}: the first reason found, or null. */
    private static String postgresqlRefuses(JsonNode node, String pointer) {
        if (node.isTextual()) {
            return FieldReader.unstorable(node.textValue());
        }
        if (node.isBigDecimal()) {
            java.math.BigDecimal value = node.decimalValue();
            boolean fits = value.scale() <= NUMERIC_FRACTION_DIGITS
                    // In a long: 1e2147483647 has 2^31 digits before the point, which an int makes negative.
                    && (value.signum() == 0 || (long) value.precision() - value.scale() <= NUMERIC_INTEGER_DIGITS);
            return fits
                    ? null
                    : pointer + " is a number past what PostgreSQL stores (at most " + NUMERIC_INTEGER_DIGITS
                            + " digits before the point and " + NUMERIC_FRACTION_DIGITS
                            + " after), so no event of the job could be stored";
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = postgresqlRefuses(node.get(i), pointer + "/" + i);
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String found = FieldReader.unstorable(field.getKey());
                if (found == null) {
                    String key = field.getKey().replace("~", "~0").replace("/", "~1");
                    found = postgresqlRefuses(field.getValue(), pointer + "/" + key);
                }
                if (found != null) {
                    return found;
                }
            }
        }
        return null; // other numbers are within Jackson's length limit; floats are read as BigDecimal
    }

    private static Map<CommandType, Set<String>> allowedFields() {
        Map<CommandType, Set<String>> allowed = new java.util.EnumMap<>(CommandType.class);
        OWN_FIELDS.forEach((type, own) -> {
            Set<String> all = new HashSet<>(HEADER_FIELDS);
            all.addAll(own);
            allowed.put(type, Set.copyOf(all));
        });
        return allowed;
    }

    // ---- writing ----------------------------------------------------------------------------

    public static byte[] write(Command command) {
        return Json.bytes(generator -> write(generator, command));
    }

    public static void write(JsonGenerator g, Command command) throws IOException {
        CommandHeader header = command.header();
        g.writeStartObject();
        g.writeStringField("type", command.type().wireName());
        g.writeStringField("commandId", header.commandId());
        g.writeStringField("jobId", header.jobId());
        optional(g, "tenant", header.tenant());
        optional(g, "correlationId", header.correlationId());
        optional(g, "actor", header.actor());
        optional(g, "expectedSequence", header.expectedSequence());
        optional(g, "traceparent", header.traceparent());
        writeOwnFields(g, command);
        g.writeEndObject();
    }

    private static void writeOwnFields(JsonGenerator g, Command command) throws IOException {
        if (command instanceof Command.Create c) {
            g.writeStringField("jobType", c.jobType());
            if (c.payload() != null) {
                g.writeFieldName("payload");
                g.writeRawValue(c.payload().json());
            }
            if (!c.dependsOn().isEmpty()) {
                writeStrings(g, "dependsOn", c.dependsOn());
            }
            RetrySpec r = c.retry();
            if (!RetrySpec.NONE.equals(r)) {
                g.writeObjectFieldStart("retry");
                optional(
                        g,
                        "maxRetries",
                        r.maxRetries() == null ? null : r.maxRetries().longValue());
                optional(g, "initialDelayMs", r.initialDelayMs());
                if (r.multiplier() != null) {
                    g.writeNumberField("multiplier", r.multiplier());
                }
                optional(g, "maxDelayMs", r.maxDelayMs());
                if (r.jitter() != null) {
                    g.writeNumberField("jitter", r.jitter());
                }
                g.writeEndObject();
            }
            optional(g, "leaseMs", c.leaseMs());
            if (c.notBefore() != null) {
                g.writeStringField("notBefore", Timestamps.format(c.notBefore()));
            }
            if (c.egress() != null) {
                g.writeObjectFieldStart("networkIntent");
                writeStrings(g, "egress", c.egress());
                g.writeEndObject();
            }
        } else if (command instanceof Command.Start s) {
            g.writeStringField("workerId", s.workerId());
            optional(g, "leaseId", s.leaseId());
            optional(g, "leaseMs", s.leaseMs());
        } else if (command instanceof Command.Heartbeat h) {
            g.writeStringField("leaseId", h.leaseId());
        } else if (command instanceof Command.Complete c) {
            optional(g, "leaseId", c.leaseId());
            if (c.result() != null) {
                g.writeFieldName("result");
                g.writeRawValue(c.result().json());
            }
        } else if (command instanceof Command.Fail f) {
            optional(g, "leaseId", f.leaseId());
            g.writeObjectFieldStart("error");
            g.writeStringField("code", f.error().code());
            optional(g, "message", f.error().message());
            g.writeBooleanField("retryable", f.error().retryable());
            g.writeEndObject();
        } else if (command instanceof Command.Cancel c) {
            optional(g, "reason", c.reason());
        } else if (command instanceof Command.Retry r) {
            optional(g, "reason", r.reason());
        } else if (command instanceof Command.TimerFire t) {
            g.writeObjectFieldStart("timer");
            g.writeStringField("kind", t.kind().wireName());
            g.writeNumberField("due", t.due());
            g.writeEndObject();
        } else if (command instanceof Command.DependencyWatch w) {
            g.writeStringField("dependent", w.dependent());
        } else if (command instanceof Command.DependencyCompleted d) {
            g.writeStringField("dependency", d.dependency());
            g.writeStringField("status", d.status().wireName());
        } else if (command instanceof Command.DependencyFailed d) {
            g.writeStringField("dependency", d.dependency());
            g.writeStringField("status", d.status().wireName());
        }
    }

    private static void writeStrings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String value : values) {
            g.writeString(value);
        }
        g.writeEndArray();
    }

    private static void optional(JsonGenerator g, String field, String value) throws IOException {
        if (value != null) {
            g.writeStringField(field, value);
        }
    }

    private static void optional(JsonGenerator g, String field, Long value) throws IOException {
        if (value != null) {
            g.writeNumberField(field, value);
        }
    }
}
