package io.jobline.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobline.domain.Command;
import io.jobline.domain.JobStatus;
import io.jobline.domain.Lifecycle;
import io.jobline.domain.LifecyclePolicy;
import io.jobline.domain.MemoryStores;
import io.jobline.domain.RejectionReason;
import io.jobline.domain.TimelineEvent;
import io.jobline.wire.CommandHandler;
import io.jobline.wire.Json;
import io.jobline.wire.JsonBuffer;
import io.jobline.wire.RejectionCodec;
import io.jobline.wire.RejectionRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading records into rows, and what makes a record malformed: no database, no broker. */
class RecordReaderTest {

    private static final SinkRecord EVENT =
            TimelineLog.ofWorkload(TimelineLog.ONE_WAVE).records().get(0);

    private final RecordReader reader = new RecordReader(TimelineLog.TOPICS);

    @Test
    void shouldReadTheHistoryColumnsOfARealEnvelope() {
        ObjectNode envelope = (ObjectNode) SinkAssertions.tree(EVENT.value());

        SinkRow row = reader.read(EVENT);

        assertThat(row).isInstanceOfSatisfying(EventRow.class, event -> {
            assertThat(event.jobId()).isEqualTo(envelope.path("subject").asText());
            assertThat(event.sequence()).isEqualTo(1);
            assertThat(event.eventId()).isEqualTo(event.jobId() + ":1");
            assertThat(event.type()).isEqualTo("job.created");
            assertThat(event.time()).isEqualTo(envelope.path("time").asText());
            assertThat(event.tenant()).isEqualTo("acme");
            assertThat(event.source()).isSameAs(EVENT);
        });
    }

    @Test
    void shouldCallANullValueMalformed() {
        assertMalformed(timeline(null), "no value");
    }

    @Test
    void shouldCallAValueThatIsNotJsonMalformed() {
        assertMalformed(timeline("{\"id\": ".getBytes(StandardCharsets.UTF_8)), "not valid JSON");
    }

    @Test
    void shouldCallJsonThatIsNotAnObjectMalformed() {
        assertMalformed(timeline("[1, 2]".getBytes(StandardCharsets.UTF_8)), "not a JSON object");
    }

    @Test
    void shouldCallContentAfterTheObjectMalformed() {
        assertMalformed(
                timeline((new String(EVENT.value(), StandardCharsets.UTF_8) + " {}").getBytes(StandardCharsets.UTF_8)),
                "content after");
    }

    @Test
    void shouldCallAnEnvelopeWithoutItsSequenceMalformed() {
        assertMalformed(timeline(edited(envelope -> envelope.remove("sequence"))), "sequence is missing");
    }

    @Test
    void shouldCallAnIdThatIsNotSubjectColonSequenceMalformed() {
        assertMalformed(timeline(edited(envelope -> envelope.put("id", "other:1"))), "id 'other:1'");
    }

    @Test
    void shouldCallASnapshotOfAnotherJobMalformed() {
        assertMalformed(timeline(edited(envelope -> job(envelope).put("jobId", "job-other"))), "data.job.jobId");
    }

    @Test
    void shouldCallASnapshotOfAnotherSequenceMalformed() {
        assertMalformed(timeline(edited(envelope -> job(envelope).put("sequence", 9))), "data.job.sequence 9");
    }

    @Test
    void shouldCallATimeThatPostgresWouldReadAsAnotherTimeMalformed() {
        assertMalformed(timeline(edited(envelope -> envelope.put("time", "now"))), "time 'now'");
    }

    @Test
    void shouldCallAWrongTypeMalformed() {
        assertMalformed(
                timeline(edited(envelope -> job(envelope).put("attempt", "one"))),
                "data.job.attempt must be an integer");
    }

    @Test
    void shouldCallANulEscapeMalformedButNotAnEscapedBackslashBeforeIt() {
        assertMalformed(timeline(edited(envelope -> envelope.put("tenant", "a\u0000b"))), "\\u0000");
        assertThat(reader.read(timeline(edited(envelope -> envelope.put("tenant", "a\\u0000b")))))
                .isInstanceOf(EventRow.class);
    }

    @Test
    void shouldCallAnUnpairedSurrogateEscapeMalformedButNotAPair() {
        assertMalformed(timeline(withTenantSpelled("a\\ud800b")), "unpaired surrogate (\\ud800)");
        assertMalformed(timeline(withTenantSpelled("a\\uDC00")), "unpaired surrogate (\\udc00)");
        assertMalformed(timeline(withTenantSpelled("\\ud800\\u0041")), "unpaired surrogate (\\ud800)");
        assertThat(reader.read(timeline(withTenantSpelled("a\\ud83d\\ude00b")))).isInstanceOf(EventRow.class);
        assertThat(reader.read(timeline(withTenantSpelled("a\\\\ud800b")))).isInstanceOf(EventRow.class);
    }

    /** The event with its tenant written as {@code json} (a JSON string's content, escapes and all). */
    private static byte[] withTenantSpelled(String json) {
        String event = new String(EVENT.value(), StandardCharsets.UTF_8);
        assertThat(event).contains("\"tenant\":\"acme\"");
        return event.replace("\"tenant\":\"acme\"", "\"tenant\":\"" + json + "\"")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldReadTheEventAndRejectionOfTheDeepestCommandTheProcessorAccepts() {
        CommandHandler handler =
                new CommandHandler(new MemoryStores().engine(new Lifecycle(LifecyclePolicy.DEFAULT)), 262_144);
        List<byte[]> events = new ArrayList<>();
        List<byte[]> rejections = new ArrayList<>();
        CommandHandler.Output out = new CommandHandler.Output() {
            @Override
            public void event(TimelineEvent event, JsonBuffer json) {
                events.add(json.toByteArray());
            }

            @Override
            public void rejection(String key, RejectionRecord rejection, byte[] value) {
                rejections.add(value);
            }

            @Override
            public void command(Command command) {}
        };
        // The command is an object around the payload: 199 levels of payload make it 200 deep.
        String payload = "{\"a\":".repeat(198) + "{}" + "}".repeat(198);
        handler.handle("deep", create("c1", payload), TimelineLog.T0, out);
        handler.handle("deep", create("c2", payload), TimelineLog.T0, out);

        assertThat(events).hasSize(2); // created, scheduled
        assertThat(rejections).hasSize(1); // already_exists, with the command in it
        for (byte[] event : events) {
            assertThat(reader.read(timeline(event))).isInstanceOf(EventRow.class);
        }
        assertThat(reader.read(new TimelineLog(1).rejection("deep", rejections.get(0))))
                .isInstanceOfSatisfying(
                        RejectionRow.class, row -> assertThat(row.reason()).isEqualTo("already_exists"));
    }

    @Test
    void shouldCallARecordNestedBeyondWhatTheParserTakesMalformedRatherThanFail() {
        byte[] deep = ("{\"a\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}").getBytes(StandardCharsets.UTF_8);
        assertMalformed(timeline(deep), "nesting depth");
    }

    private static byte[] create(String commandId, String payload) {
        return ("{\"type\":\"job.create\",\"commandId\":\"" + commandId + "\",\"jobId\":\"deep\","
                        + "\"jobType\":\"t\",\"payload\":" + payload + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldReadARejectionWithTheCommandItRefused() {
        byte[] value = RejectionCodec.write(new RejectionRecord(
                RejectionReason.UNKNOWN_JOB,
                "no job job-9",
                JobStatus.FAILED,
                "job-9",
                "cmd-1",
                "job.start",
                null,
                new byte[] {1, 2},
                null,
                TimelineLog.T0));

        SinkRow row = reader.read(new TimelineLog(1).rejection("job-9", value));

        assertThat(row).isInstanceOfSatisfying(RejectionRow.class, rejection -> {
            assertThat(rejection.reason()).isEqualTo("unknown_job");
            assertThat(rejection.message()).isEqualTo("no job job-9");
            assertThat(rejection.status()).isEqualTo("failed");
            assertThat(rejection.jobId()).isEqualTo("job-9");
            assertThat(rejection.commandId()).isEqualTo("cmd-1");
            assertThat(rejection.commandType()).isEqualTo("job.start");
            assertThat(rejection.readable()).isTrue();
        });
    }

    @Test
    void shouldCallARecordOfAnotherTopicMalformed() {
        assertThat(reader.read(new SinkRecord("elsewhere", 0, 0, null, EVENT.value(), 0L)))
                .isInstanceOfSatisfying(
                        RejectionRow.class, row -> assertThat(row.message()).contains("elsewhere"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2026-11-29T10:00:00Z",
                "2026-11-29T10:00:00.123Z",
                "2026-11-29t10:00:00.1+01:00",
                "2026-11-29T10:00:00-05:30"
            })
    void shouldTakeRfc3339Times(String time) {
        assertThat(Rfc3339.hasShape(time)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "now",
                "epoch",
                "2026-11-29",
                "2026-11-29 10:00:00Z",
                "2026-11-29T10:00:00",
                "2026-11-29T10:00:00.Z",
                "2026-11-29T10:00:00+0100",
                "2026-11-29T10:00:00Zjunk"
            })
    void shouldRefuseWhatIsNotAnRfc3339Time(String time) {
        assertThat(Rfc3339.hasShape(time)).isFalse();
    }

    private void assertMalformed(SinkRecord record, String why) {
        assertThat(reader.read(record)).isInstanceOfSatisfying(RejectionRow.class, row -> {
            assertThat(row.reason()).isEqualTo("malformed");
            assertThat(row.readable()).isFalse();
            assertThat(row.message()).startsWith(record.position()).contains(why);
            assertThat(row.value()).isEqualTo(record.value() == null ? new byte[0] : record.value());
        });
    }

    private static SinkRecord timeline(byte[] value) {
        return new SinkRecord(
                TimelineLog.TOPICS.timeline(), 0, 42, "job-1".getBytes(StandardCharsets.UTF_8), value, TimelineLog.T0);
    }

    private static byte[] edited(Consumer<ObjectNode> edit) {
        ObjectNode envelope = (ObjectNode) SinkAssertions.tree(EVENT.value());
        edit.accept(envelope);
        return Json.compact(envelope).getBytes(StandardCharsets.UTF_8);
    }

    private static ObjectNode job(ObjectNode envelope) {
        return (ObjectNode) envelope.path("data").path("job");
    }
}
