package io.jobline.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobline.domain.Command;
import io.jobline.domain.RejectionReason;
import io.jobline.schema.SchemaName;
import io.jobline.schema.Schemas;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class CommandCodecTest {

    @Test
    void shouldRejectAPayloadWithAnUnpairedSurrogate() {
        CommandRead read = read("{\"type\":\"job.create\",\"commandId\":\"c1\",\"jobId\":\"j\",\"jobType\":\"t\","
                + "\"payload\":{\"x\":\"a\\ud800b\"}}");

        assertThat(read).isInstanceOfSatisfying(CommandRead.Invalid.class, invalid -> {
            assertThat(invalid.reason()).isEqualTo(RejectionReason.SCHEMA_VIOLATION);
            assertThat(invalid.message())
                    .isEqualTo("payload: holds an unpaired surrogate (\\ud800), which is not Unicode text");
        });
    }

    /**
     * The sink stores every event as jsonb, and jsonb holds neither U+0000 nor half a surrogate
     * pair. A command that puts one into a job's events (its jobType, workerId, commandId, error
     * message, payload...) would leave every such event of the job out of PostgreSQL, stored only
     * as a malformed record, so it is refused instead, as an unstorable number is.
     */
    @Test
    void shouldRejectATextThatPostgresqlCannotStoreInAnyFieldOfACommand() {
        for (String text : List.of("a\\u0000b", "\\u0000", "a\\ud800", "\\udc00b")) {
            List<String> commands = List.of(
                    "{\"type\":\"job.create\",\"commandId\":\"c1\",\"jobId\":\"j\",\"jobType\":\"" + text + "\"}",
                    "{\"type\":\"job.create\",\"commandId\":\"" + text + "\",\"jobId\":\"j\",\"jobType\":\"t\"}",
                    "{\"type\":\"job.create\",\"commandId\":\"c1\",\"jobId\":\"j\",\"jobType\":\"t\","
                            + "\"correlationId\":\"" + text + "\"}",
                    "{\"type\":\"job.create\",\"commandId\":\"c1\",\"jobId\":\"j\",\"jobType\":\"t\","
                            + "\"payload\":{\"x\":\"" + text + "\"}}",
                    "{\"type\":\"job.create\",\"commandId\":\"c1\",\"jobId\":\"j\",\"jobType\":\"t\","
                            + "\"payload\":{\"" + text + "\":1}}",
                    "{\"type\":\"job.start\",\"commandId\":\"c1\",\"jobId\":\"j\",\"workerId\":\"" + text + "\"}",
                    "{\"type\":\"job.complete\",\"commandId\":\"c1\",\"jobId\":\"j\",\"result\":{\"x\":[\"" + text
                            + "\"]}}",
                    "{\"type\":\"job.fail\",\"commandId\":\"c1\",\"jobId\":\"j\",\"error\":{\"code\":\"e\","
                            + "\"message\":\"" + text + "\"}}",
                    "{\"type\":\"job.cancel\",\"commandId\":\"c1\",\"jobId\":\"j\",\"reason\":\"" + text + "\"}");
            for (String command : commands) {
                assertThat(read(command)).as(command).isInstanceOfSatisfying(CommandRead.Invalid.class, invalid -> {
                    // Jackson itself refuses half a pair in a field name: the command is then malformed.
                    assertThat(invalid.reason())
                            .as(invalid.message())
                            .isIn(RejectionReason.SCHEMA_VIOLATION, RejectionReason.MALFORMED);
                    assertThat(invalid.message()).containsAnyOf("\\u0000", "surrogate");
                });
            }
        }
    }

    @Test
    void shouldKeepAnEscapedBackslashBeforeU0000AsText() {
        CommandRead read =
                read("{\"type\":\"job.create\",\"commandId\":\"c1\",\"jobId\":\"j\",\"jobType\":\"a\\\\u0000\","
                        + "\"payload\":{\"x\":\"\\\\u0000\"}}");

        assertThat(read).isInstanceOf(CommandRead.Valid.class);
    }

    @Test
    void shouldKeepAResultWithASurrogatePair() {
        CommandRead read = read("{\"type\":\"job.complete\",\"commandId\":\"c1\",\"jobId\":\"j\","
                + "\"result\":{\"x\":\"\\ud83d\\ude00\"}}");

        assertThat(read)
                .isInstanceOfSatisfying(
                        CommandRead.Valid.class,
                        valid -> assertThat(valid.command().toString()).contains("{\"x\":\"\uD83D\uDE00\"}"));
    }

    @Test
    void shouldCarryAPayloadsDecimalsAsWritten() {
        CommandRead read = read("{\"type\":\"job.create\",\"commandId\":\"c1\",\"jobId\":\"j\",\"jobType\":\"t\","
                + "\"payload\":{\"rows\":100.0,\"ratio\":1.50,\"zero\":0.000,\"n\":7,\"big\":12345678901234567890.5}}");

        assertThat(read)
                .isInstanceOfSatisfying(
                        CommandRead.Valid.class,
                        valid -> assertThat(((Command.Create) valid.command())
                                        .payload()
                                        .json())
                                .isEqualTo("{\"rows\":100.0,\"ratio\":1.50,\"zero\":0.000,\"n\":7,"
                                        + "\"big\":12345678901234567890.5}"));
    }

    @Test
    void shouldNameAllowedValuesInOneOrderInEveryJvm() {
        // A Set.of would list them in an order seeded per JVM, and live and replay would differ.
        CommandRead status = read("{\"type\":\"dependency.failed\",\"commandId\":\"dependency.failed:a\","
                + "\"jobId\":\"b\",\"dependency\":\"a\",\"status\":\"done\"}");
        CommandRead kind = read("{\"type\":\"timer.fire\",\"commandId\":\"timer:soon:5\",\"jobId\":\"b\","
                + "\"timer\":{\"kind\":\"soon\",\"due\":5}}");

        assertThat(((CommandRead.Invalid) status).message()).contains("status: must be one of [failed, cancelled]");
        assertThat(((CommandRead.Invalid) kind).message())
                .contains("timer.kind: must be one of [retry, lease, not_before]");
    }

    @Test
    void shouldTakeACommandNested200DeepAndCallADeeperOneMalformed() {
        String deepest = "{\"a\":".repeat(198) + "{}" + "}".repeat(198);
        String tooDeep = "{\"a\":".repeat(199) + "{}" + "}".repeat(199);
        String create = "{\"type\":\"job.create\",\"commandId\":\"c1\",\"jobId\":\"j\",\"jobType\":\"t\",\"payload\":";

        assertThat(read(create + deepest + "}")).isInstanceOf(CommandRead.Valid.class);
        assertThat(read(create + tooDeep + "}")).isInstanceOfSatisfying(CommandRead.Invalid.class, invalid -> {
            assertThat(invalid.reason()).isEqualTo(RejectionReason.MALFORMED);
            assertThat(invalid.message()).contains("nesting depth (201)");
        });
    }

    @Test
    void shouldNameNoJobInTheRejectionOfACommandWhoseJobIdIsLongerThanAnId() {
        String longId = "j".repeat(CommandCodec.ID_LENGTH + 1);
        CommandRead read = read("{\"type\":\"job.cancel\",\"commandId\":\"c1\",\"jobId\":\"" + longId + "\"}");

        assertThat(read).isInstanceOfSatisfying(CommandRead.Invalid.class, invalid -> {
            assertThat(invalid.jobId()).isNull();
            assertThat(invalid.commandId()).isEqualTo("c1");
            assertThat(invalid.json().path("jobId").textValue()).isEqualTo(longId); // the command keeps it
        });
        assertThat(((CommandRead.Invalid) read("{\"type\":\"job.cancel\",\"commandId\":\"c1\",\"jobId\":\"a b\"}"))
                        .jobId())
                .isEqualTo("a b");
    }

    @Test
    void shouldCountTheLengthOfATextInCodePointsAsTheSchemaDoes() {
        String emoji = "\uD83D\uDE00"; // one code point, two UTF-16 units
        String longest = createOfType(emoji.repeat(200));
        String tooLong = createOfType(emoji.repeat(201));
        String longestReason = "{\"type\":\"job.cancel\",\"commandId\":\"c1\",\"jobId\":\"j\",\"reason\":\""
                + emoji.repeat(1000) + "\"}";

        assertAgreesWithTheSchema(longest, true);
        assertAgreesWithTheSchema(longestReason, true);
        assertAgreesWithTheSchema(tooLong, false);
        assertThat(((CommandRead.Invalid) read(tooLong)).message())
                .isEqualTo("jobType: must be 1 to 200 characters long");
    }

    @Test
    void shouldNameTheCommandOfARejectionByAnIdOf200CodePoints() {
        String commandId = "\uD83D\uDE00".repeat(CommandCodec.ID_LENGTH);
        CommandRead read = read("{\"type\":\"job.cancel\",\"commandId\":\"" + commandId + "\",\"jobId\":\"a b\"}");

        assertThat(read)
                .isInstanceOfSatisfying(
                        CommandRead.Invalid.class,
                        invalid -> assertThat(invalid.commandId()).isEqualTo(commandId));
    }

    @Test
    void shouldRejectAnEmptyErrorMessageAsTheSchemaDoes() {
        String emptyMessage = "{\"type\":\"job.fail\",\"commandId\":\"c1\",\"jobId\":\"j\","
                + "\"error\":{\"code\":\"E\",\"message\":\"\"}}";

        assertAgreesWithTheSchema(emptyMessage, false);
    }

    @Test
    void shouldRejectAnEgressEntryThatIsNotHostAndPortOrAnHttpUrl() {
        CommandRead read = read("{\"type\":\"job.create\",\"commandId\":\"c1\",\"jobId\":\"j\",\"jobType\":\"t\","
                + "\"networkIntent\":{\"egress\":[\"db.internal:5432\",\"https://user@evil.com/.mirror.local\"]}}");

        assertThat(read).isInstanceOfSatisfying(CommandRead.Invalid.class, invalid -> {
            assertThat(invalid.reason()).isEqualTo(RejectionReason.SCHEMA_VIOLATION);
            assertThat(invalid.message()).startsWith("networkIntent.egress[1]: 'https://user@evil.com/.mirror.local'");
        });
    }

    /** A recorded command's id is its prefix and a job id, and a job id is never . or .. */
    @Test
    void shouldRefuseARecordedCommandIdEndingInADotJobIdAsTheSchemaDoes() {
        for (String type : List.of("dependency.watch", "dependency.completed", "dependency.failed")) {
            String own = type.equals("dependency.watch")
                    ? "\"dependent\":\"d\""
                    : "\"dependency\":\"d\",\"status\":\""
                            + (type.equals("dependency.completed") ? "completed" : "failed") + "\"";
            for (String jobIdPart : List.of(".", "..")) {
                assertAgreesWithTheSchema(
                        "{\"type\":\"" + type + "\",\"commandId\":\"" + type + ":" + jobIdPart + "\",\"jobId\":\"j\","
                                + own + "}",
                        false);
            }
        }
    }

    private static String createOfType(String jobType) {
        return "{\"type\":\"job.create\",\"commandId\":\"c1\",\"jobId\":\"j\",\"jobType\":\"" + jobType + "\"}";
    }

    /** The codec and {@code schemas/command.schema.json} take or refuse the command alike. */
    private static void assertAgreesWithTheSchema(String json, boolean valid) {
        List<String> schemaErrors =
                Schemas.errors(SchemaName.COMMAND, Json.tree(json.getBytes(StandardCharsets.UTF_8)));
        assertThat(schemaErrors.isEmpty())
                .as("the schema takes %s: %s", json, schemaErrors)
                .isEqualTo(valid);
        assertThat(read(json))
                .as("codec reads %s", json)
                .isInstanceOf(valid ? CommandRead.Valid.class : CommandRead.Invalid.class);
    }

    /**
     * A notBefore is written back in UTC, in the job's every snapshot and whenever the API forwards
     * the command. One that only an offset keeps within the years 0000-9999 has no UTC form there.
     */
    @Test
    void shouldRejectANotBeforeOutsideTheYears0000To9999InUtc() {
        for (String notBefore : List.of("9999-12-31T23:00:00-05:00", "0000-01-01T00:00:00+01:00")) {
            assertThat(createWithNotBefore(notBefore))
                    .as(notBefore)
                    .isInstanceOfSatisfying(
                            CommandRead.Invalid.class,
                            invalid -> assertThat(invalid.message()).startsWith("notBefore: "));
        }
    }

    @Test
    void shouldReadBackANotBeforeAtEitherEndOfTheYears0000To9999() {
        for (String notBefore :
                List.of("9999-12-31T23:59:59.999Z", "0000-01-01T00:00:00Z", "9999-12-31T18:00:00-05:00")) {
            assertThat(createWithNotBefore(notBefore))
                    .as(notBefore)
                    .isInstanceOfSatisfying(
                            CommandRead.Valid.class,
                            valid -> assertThat(CommandCodec.read(CommandCodec.write(valid.command())))
                                    .isInstanceOf(CommandRead.Valid.class));
        }
    }

    private static CommandRead createWithNotBefore(String notBefore) {
        return readCreateWith("\"notBefore\":\"" + notBefore + "\"");
    }

    /** A job.create of job j with {@code members} (JSON members, without braces) after its jobType. */
    private static CommandRead readCreateWith(String members) {
        return read("{\"type\":\"job.create\",\"commandId\":\"c1\",\"jobId\":\"j\",\"jobType\":\"t\"," + members + "}");
    }

    /**
     * The sink stores every event, and so the job's payload and result, as jsonb, whose numbers are
     * PostgreSQL numerics: at most 131072 digits before the point and 16383 after. A number past that
     * is refused ("value overflows numeric format"), so no event of the job could ever be stored.
     */
    @Test
    void shouldRejectAPayloadOrResultNumberThatPostgresqlCannotStore() {
        for (String number : List.of("1e131072", "-9.9e131072", "1e-16384", "1.50e-16382", "0e-20000")) {
            CommandRead create = readCreateWith("\"payload\":{\"a\":[1," + number + "]}");
            CommandRead complete =
                    read("{\"type\":\"job.complete\",\"commandId\":\"c1\",\"jobId\":\"j\",\"result\":{\"x\":" + number
                            + "}}");

            assertThat(create)
                    .as(number)
                    .isInstanceOfSatisfying(
                            CommandRead.Invalid.class,
                            invalid -> assertThat(invalid.message()).startsWith("payload: /a/1 "));
            assertThat(complete)
                    .as(number)
                    .isInstanceOfSatisfying(
                            CommandRead.Invalid.class,
                            invalid -> assertThat(invalid.message()).startsWith("result: /x "));
        }
    }

    /** Digits before the point of 1e2147483647 are 2^31: counted in an int, they came out negative. */
    @Test
    void shouldRejectAPayloadNumberWhoseDigitsBeforeThePointOverflowAnInt() {
        for (String number : List.of("1e2147483647", "-10e2147483646", "123e2147483645")) {
            CommandRead create = readCreateWith("\"payload\":{\"a\":" + number + "}");

            assertThat(create)
                    .as(number)
                    .isInstanceOfSatisfying(
                            CommandRead.Invalid.class,
                            invalid -> assertThat(invalid.message()).startsWith("payload: /a "));
        }
    }

    @Test
    void shouldKeepAPayloadNumberAtTheEdgeOfWhatPostgresqlStores() {
        for (String number : List.of("1e131071", "-9.9e131071", "1e-16383", "1.5e-16382", "0e200000", "0.0")) {
            CommandRead create = readCreateWith("\"payload\":{\"a\":" + number + "}");

            assertThat(create).as(number).isInstanceOf(CommandRead.Valid.class);
        }
    }

    /**
     * A number whose exponent a BigDecimal cannot hold is valid JSON, but Jackson cannot read it:
     * it throws a NumberFormatException, not a JSON error. Thrown out of the codec, it would stop the
     * processor on that record, and on every restart.
     */
    @Test
    void shouldCallANumberWithAnExponentPastWhatJavaReadsMalformed() {
        for (String number : List.of("1e-2147483648", "1.0e-2147483647", "1e99999999999")) {
            CommandRead create = readCreateWith("\"payload\":{\"a\":" + number + "}");

            assertThat(create)
                    .as(number)
                    .isInstanceOfSatisfying(
                            CommandRead.Invalid.class,
                            invalid -> assertThat(invalid.reason()).isEqualTo(RejectionReason.MALFORMED));
        }
    }

    private static CommandRead read(String json) {
        return CommandCodec.read(json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A recorded command's id is its type's prefix and a job id: longer than an id from outside
     * may be when the job id is long. The processor must read back every command it writes.
     */
    @Test
    void shouldReadBackTheRecordedCommandsOfJobsWhoseIdsAreAsLongAsAnIdMayBe() {
        String longest = "d".repeat(CommandCodec.ID_LENGTH);
        String other = "u".repeat(CommandCodec.ID_LENGTH);
        for (Command recorded : List.of(
                Command.DependencyWatch.of(other, longest),
                io.jobline.domain.Lifecycle.notification(longest, other, io.jobline.domain.JobStatus.COMPLETED),
                io.jobline.domain.Lifecycle.notification(longest, other, io.jobline.domain.JobStatus.CANCELLED))) {
            byte[] written = CommandCodec.write(recorded);

            assertThat(CommandCodec.read(written))
                    .as(recorded.type().wireName())
                    .isInstanceOfSatisfying(
                            CommandRead.Valid.class,
                            valid -> assertThat(valid.command()).isEqualTo(recorded));
            assertThat(Schemas.errors(SchemaName.COMMAND, Json.tree(written)))
                    .as(recorded.type().wireName())
                    .isEmpty();
        }
    }

    /** They are path segments in the API's URLs, which resolve them away: no such job could be read. */
    @Test
    void shouldRefuseDotAndDotDotAsJobIdsButNotOtherDots() {
        for (String id : List.of(".", "..")) {
            String json = "{\"type\":\"job.create\",\"commandId\":\"c1\",\"jobId\":\"" + id + "\",\"jobType\":\"t\"}";
            assertThat(read(json))
                    .as(id)
                    .isInstanceOfSatisfying(
                            CommandRead.Invalid.class,
                            invalid -> assertThat(invalid.message())
                                    .isEqualTo("jobId: must match (?!(\\.|\\.\\.)$)[A-Za-z0-9._:@-]{1,200}"));
            assertThat(Schemas.errors(SchemaName.COMMAND, Json.tree(json.getBytes(StandardCharsets.UTF_8))))
                    .as(id)
                    .isNotEmpty();
        }
        for (String id : List.of("...", ".a", "a..")) {
            assertThat(read("{\"type\":\"job.create\",\"commandId\":\"c1\",\"jobId\":\"" + id
                            + "\",\"jobType\":\"t\"}"))
                    .as(id)
                    .isInstanceOf(CommandRead.Valid.class);
        }
    }

    /**
     * The codec and the schema agree on every command example: a client that validates with the
     * schema is refused for nothing it accepted, and refused for everything it would be.
     */
    @Test
    void shouldJudgeEveryCommandExampleAsTheSchemaDoes() throws IOException {
        Path examples = Schemas.directory().resolve("examples").resolve("command");
        List<String> disagreements = new ArrayList<>();
        for (String kind : List.of("valid", "invalid")) {
            try (Stream<Path> files = Files.list(examples.resolve(kind))) {
                for (Path file : files.sorted().toList()) {
                    CommandRead read = CommandCodec.read(Files.readAllBytes(file));
                    if ((read instanceof CommandRead.Valid) != kind.equals("valid")) {
                        disagreements.add(kind + "/" + file.getFileName() + " read as " + read);
                    }
                }
            }
        }
        assertThat(disagreements).isEmpty();
    }

    /** Bounds hold exactly, as in the schema: these round to 1.0 as doubles, and were taken as 1.0. */
    @Test
    void shouldRefuseANumberJustPastItsBoundThoughItRoundsOntoIt() {
        for (String retry : List.of("{\"jitter\":1.00000000000000000001}", "{\"multiplier\":0.99999999999999999999}")) {
            CommandRead read = readCreateWith("\"retry\":" + retry);

            assertThat(read)
                    .as(retry)
                    .isInstanceOfSatisfying(
                            CommandRead.Invalid.class,
                            invalid -> assertThat(invalid.message()).contains("must be between"));
        }
    }
}
