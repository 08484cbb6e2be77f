package io.jobline.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobline.domain.Command;
import io.jobline.domain.JobStatus;
import io.jobline.domain.Lifecycle;
import io.jobline.domain.LifecyclePolicy;
import io.jobline.domain.MemoryStores;
import io.jobline.domain.RejectionReason;
import io.jobline.domain.TimelineEvent;
import io.jobline.testing.TestDatabase;
import io.jobline.wire.CommandHandler;
import io.jobline.wire.Json;
import io.jobline.wire.JsonBuffer;
import io.jobline.wire.RejectionCodec;
import io.jobline.wire.RejectionRecord;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The writer against a real PostgreSQL, without Kafka: idempotence, ordering, bad records, aborts. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SinkWriterIT {

    private static final String SINK = "test-sink";
    /** A job of the workload that failed once and was retried: seven events. */
    private static final String RETRIED_JOB = "job-00000010";

    private static final TimelineLog WORKLOAD = TimelineLog.ofWorkload(TimelineLog.ONE_WAVE);

    private TestDatabase database;
    private SinkWriter writer;

    @BeforeEach
    void createSchema() {
        database = TestDatabase.create();
        Migrations.apply(database.dataSource(), database.schema());
        writer = new SinkWriter(database.dataSource(), TimelineLog.TOPICS, SINK);
    }

    @AfterEach
    void dropSchema() {
        database.close();
    }

    @Test
    void shouldLeaveTheTablesUnchangedWhenTheSameBatchesAreWrittenTwice() throws SQLException {
        List<SinkRecord> records = WORKLOAD.records();
        writeInBatches(writer, records, 1_000, true);
        Map<String, List<List<Object>>> before = Tables.snapshot(database);

        WriteResult again = writeInBatches(writer, records, 1_000, true);

        assertThat(again.alreadyWritten()).isEqualTo(records.size());
        assertThat(again.events()).isZero();
        assertThat(Tables.snapshot(database)).isEqualTo(before);
    }

    @Test
    void shouldLeaveTheTablesUnchangedWhenReplayedFromTheStartWithoutOffsets() throws SQLException {
        List<SinkRecord> records = WORKLOAD.records();
        writeInBatches(writer, records, 1_000, true);
        Map<String, List<List<Object>>> before = Tables.snapshot(database);

        WriteResult replay = writeInBatches(writer, records, 777, false);

        assertThat(replay.events()).isZero();
        assertThat(replay.jobs()).isZero();
        assertThat(replay.duplicateRetries()).isPositive();
        assertThat(Tables.snapshot(database)).isEqualTo(before);
    }

    @Test
    void shouldAddOnlyTheMissingEventsWhenAReplayMeetsAPartlyFilledHistory() throws SQLException {
        List<SinkRecord> records = WORKLOAD.records();
        writeInBatches(writer, records.subList(0, records.size() / 2), 500, false);

        WriteResult rest = writeInBatches(writer, records, 1_000, false);

        assertThat(rest.events()).isEqualTo(records.size() - records.size() / 2);
        assertHistoryEqualsTimeline(records);
        assertJobsHoldTheLastEventOfEveryJob(records);
    }

    @Test
    void shouldNotMoveAJobBackWhenAnOlderEventArrivesAfterANewerOne() throws SQLException {
        List<SinkRecord> job = eventsOf(RETRIED_JOB);
        SinkRecord last = job.get(job.size() - 1);
        writer.write(List.of(last), Map.of());

        WriteResult older = writer.write(job.subList(0, job.size() - 1), Map.of());

        assertThat(older.events()).isEqualTo(job.size() - 1);
        assertThat(older.jobs()).isZero();
        assertThat(database.rows("SELECT sequence, status, snapshot::text FROM jobs"))
                .singleElement()
                .satisfies(row -> {
                    assertThat(row.get(0)).isEqualTo(sequenceOf(last));
                    assertThat(row.get(1)).isEqualTo("completed");
                    assertThat(tree((String) row.get(2)))
                            .isEqualTo(tree(last.value()).path("data").path("job"));
                });
    }

    @Test
    void shouldReturnAJobsHistoryInSequenceOrderWhateverTheOrderItWasWrittenIn() throws SQLException {
        List<List<SinkRecord>> batches = new ArrayList<>(TimelineLog.batches(WORKLOAD.records(), 250));
        Collections.reverse(batches);
        for (List<SinkRecord> batch : batches) {
            writer.write(batch, Map.of());
        }

        List<SinkRecord> expected = eventsOf(RETRIED_JOB);
        List<List<Object>> history = database.rows("SELECT sequence, envelope::text FROM job_history WHERE job_id = '"
                + RETRIED_JOB + "' ORDER BY sequence");
        assertThat(history).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(history.get(i).get(0)).isEqualTo((long) i + 1);
            assertThat(tree((String) history.get(i).get(1)))
                    .isEqualTo(tree(expected.get(i).value()));
        }
        assertHistoryEqualsTimeline(WORKLOAD.records());
        assertJobsHoldTheLastEventOfEveryJob(WORKLOAD.records());
    }

    @Test
    void shouldStoreMalformedTimelineValuesRawAndWriteTheRestOfTheBatch() throws SQLException {
        TimelineLog log = new TimelineLog(1);
        List<SinkRecord> good = eventsOf(RETRIED_JOB);
        byte[] notJson = "{\"specversion\":\"1.0\",".getBytes(StandardCharsets.UTF_8);
        byte[] withoutTenant = without(good.get(0).value(), "tenant");
        byte[] withNul = new String(good.get(1).value(), StandardCharsets.UTF_8)
                .replace("\"report\"", "\"re\\u0000port\"")
                .getBytes(StandardCharsets.UTF_8);
        List<SinkRecord> batch = new ArrayList<>();
        batch.add(log.timeline("job-bad-1", notJson));
        good.forEach(event -> batch.add(log.timeline(RETRIED_JOB, event.value())));
        batch.add(log.timeline("job-bad-2", withoutTenant));
        batch.add(log.timeline("job-bad-3", withNul));
        batch.add(log.timeline("job-bad-4", null));

        WriteResult result = writer.write(batch, TimelineLog.nextOffsets(batch));

        assertThat(result.events()).isEqualTo(good.size());
        assertThat(result.malformed()).isEqualTo(4);
        assertThat(database.rows("SELECT job_id, reason, message, encode(raw, 'hex'), record FROM job_rejections "
                        + "ORDER BY record_offset"))
                .satisfiesExactly(
                        row -> assertMalformed(row, "job-bad-1", notJson, "not valid JSON"),
                        row -> assertMalformed(row, "job-bad-2", withoutTenant, "tenant is missing"),
                        row -> assertMalformed(row, "job-bad-3", withNul, "\\u0000"),
                        row -> assertMalformed(row, "job-bad-4", new byte[0], "no value"));
        assertThat(database.value("SELECT next_offset FROM sink_offsets")).isEqualTo((long) batch.size());
    }

    @Test
    void shouldSetApartARecordThatOnlyPostgresRefusesAndWriteTheRest() throws SQLException {
        List<SinkRecord> records = new ArrayList<>(WORKLOAD.records().subList(0, 200));
        SinkRecord original = records.get(57);
        byte[] badDate = new String(original.value(), StandardCharsets.UTF_8)
                .replaceFirst("\"time\":\"[^\"]+\"", "\"time\":\"2025-13-45T10:00:00.000Z\"")
                .getBytes(StandardCharsets.UTF_8);
        records.set(
                57,
                new SinkRecord(
                        original.topic(),
                        original.partition(),
                        original.offset(),
                        original.key(),
                        badDate,
                        original.timestamp()));

        WriteResult result = writer.write(records, TimelineLog.nextOffsets(records));

        assertThat(result.unwritableRetries()).isPositive();
        assertThat(result.events()).isEqualTo(199);
        assertThat(result.malformed()).isEqualTo(1);
        assertThat(database.rows("SELECT record_offset, message, encode(raw, 'hex') FROM job_rejections"))
                .singleElement()
                .satisfies(row -> {
                    assertThat(row.get(0)).isEqualTo(original.offset());
                    assertThat((String) row.get(1)).contains("PostgreSQL refused it");
                    assertThat(row.get(2)).isEqualTo(HexFormat.of().formatHex(badDate));
                });
        assertThat(database.rows("SELECT partition, next_offset FROM sink_offsets ORDER BY partition"))
                .containsExactlyElementsOf(offsetRows(TimelineLog.nextOffsets(records)));
    }

    @Test
    void shouldWriteNothingWhenATransactionAbortsMidBatchAndEverythingOnceWhenRetried() throws SQLException {
        FaultyDataSource faulty = new FaultyDataSource(database.dataSource());
        SinkWriter failing = new SinkWriter(faulty, TimelineLog.TOPICS, SINK);
        List<SinkRecord> records = WORKLOAD.records();
        faulty.failStatements("INSERT INTO jobs", 1);

        assertThatThrownBy(() -> failing.write(records, TimelineLog.nextOffsets(records)))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("injected");
        assertThat(database.count("job_history")).isZero();
        assertThat(database.count("sink_offsets")).isZero();

        failing.write(records, TimelineLog.nextOffsets(records));

        assertHistoryEqualsTimeline(records);
        assertJobsHoldTheLastEventOfEveryJob(records);
    }

    @Test
    void shouldSkipRecordsBelowTheStoredOffsets() throws SQLException {
        List<SinkRecord> records = WORKLOAD.records().subList(0, 2_000);
        writer.write(records.subList(0, 1_000), TimelineLog.nextOffsets(records.subList(0, 1_000)));

        WriteResult overlapping =
                writer.write(records.subList(500, 2_000), TimelineLog.nextOffsets(records.subList(500, 2_000)));

        assertThat(overlapping.alreadyWritten()).isEqualTo(500);
        assertThat(overlapping.duplicateRetries()).isZero();
        assertHistoryEqualsTimeline(records);
    }

    @Test
    void shouldStoreEachRejectionOnceWithTheRecordItCameFrom() throws SQLException {
        TimelineLog log = new TimelineLog(1);
        byte[] value = RejectionCodec.write(new RejectionRecord(
                RejectionReason.INVALID_TRANSITION,
                "job.start is not allowed in status completed",
                JobStatus.COMPLETED,
                "job-7",
                "cmd-9",
                "job.start",
                tree("{\"type\":\"job.start\",\"commandId\":\"cmd-9\",\"jobId\":\"job-7\"}"),
                null,
                null,
                TimelineLog.T0));
        List<SinkRecord> batch = List.of(
                log.rejection("job-7", value), log.rejection(null, "not json".getBytes(StandardCharsets.UTF_8)));

        writer.write(batch, Map.of());
        WriteResult again = writer.write(batch, Map.of());

        assertThat(again.rejections()).isZero();
        assertThat(database.rows("SELECT reason, status, job_id, command_id, command_type, record::text "
                        + "FROM job_rejections ORDER BY record_offset"))
                .satisfiesExactly(
                        row -> {
                            assertThat(row.subList(0, 5))
                                    .containsExactly("invalid_transition", "completed", "job-7", "cmd-9", "job.start");
                            assertThat(tree((String) row.get(5))).isEqualTo(tree(value));
                        },
                        row -> assertThat(row.get(0)).isEqualTo("malformed"));
    }

    @Test
    void shouldStoreRejectionsThatNameNoJobOfIdLengthWithoutAJobId() throws SQLException {
        // An earlier jobline named the job of a rejected command whatever its length, and keyed
        // the record by it: past ~2.7 kB the index on job_id refused the row and the sink stalled.
        String longId = "j".repeat(4_000);
        TimelineLog log = new TimelineLog(1);
        byte[] value = RejectionCodec.write(new RejectionRecord(
                RejectionReason.SCHEMA_VIOLATION,
                "jobId: must be 1 to 200 characters long",
                null,
                longId,
                "cmd-1",
                "job.cancel",
                tree("{\"type\":\"job.cancel\",\"commandId\":\"cmd-1\",\"jobId\":\"" + longId + "\"}"),
                null,
                null,
                TimelineLog.T0));
        List<SinkRecord> batch = List.of(
                log.rejection(longId, value), log.rejection(longId, "not json".getBytes(StandardCharsets.UTF_8)));

        WriteResult result = writer.write(batch, TimelineLog.nextOffsets(batch));

        assertThat(result.unwritableRetries()).isZero();
        assertThat(database.rows("SELECT reason, job_id, command_id, record->'command'->>'jobId' "
                        + "FROM job_rejections ORDER BY record_offset"))
                .satisfiesExactly(
                        row -> assertThat(row).containsExactly("schema_violation", null, "cmd-1", longId),
                        row -> assertThat(row.subList(0, 2)).containsExactly("malformed", null));
    }

    /**
     * The processor refuses a command whose text holds U+0000 or half a surrogate pair, and its
     * rejection carries that command, so jsonb cannot hold the record. It is still a rejection the
     * sink can read: stored raw, it keeps its reason, message and names, and is not malformed.
     */
    @Test
    void shouldKeepTheReasonOfARejectionWhoseCommandJsonbCannotHold() throws SQLException {
        byte[] nul = rejectionOf(
                "{\"type\":\"job.create\",\"commandId\":\"c1\",\"jobId\":\"j1\",\"jobType\":\"a\\u0000b\"}");
        byte[] surrogate =
                rejectionOf("{\"type\":\"job.create\",\"commandId\":\"c2\",\"jobId\":\"j2\",\"jobType\":\"t\","
                        + "\"payload\":{\"x\":\"\\ud800\"}}");
        TimelineLog log = new TimelineLog(1);
        List<SinkRecord> batch = List.of(log.rejection("j1", nul), log.rejection("j2", surrogate));

        WriteResult result = writer.write(batch, TimelineLog.nextOffsets(batch));

        assertThat(result.malformed()).isZero();
        assertThat(database.rows("SELECT reason, job_id, command_id, command_type, record IS NULL, encode(raw, 'hex'),"
                        + " message FROM job_rejections ORDER BY record_offset"))
                .satisfiesExactly(
                        row -> {
                            assertThat(row.subList(0, 6))
                                    .containsExactly(
                                            "schema_violation",
                                            "j1",
                                            "c1",
                                            "job.create",
                                            true,
                                            HexFormat.of().formatHex(nul));
                            assertThat((String) row.get(6)).startsWith("jobType: holds \\u0000");
                        },
                        row -> {
                            assertThat(row.subList(0, 6))
                                    .containsExactly(
                                            "schema_violation",
                                            "j2",
                                            "c2",
                                            "job.create",
                                            true,
                                            HexFormat.of().formatHex(surrogate));
                            assertThat((String) row.get(6)).startsWith("payload: holds an unpaired surrogate");
                        });
    }

    /** The rejections topic's value for {@code command}, as the processor writes it. */
    private static byte[] rejectionOf(String command) {
        List<byte[]> rejections = new ArrayList<>();
        CommandHandler handler =
                new CommandHandler(new MemoryStores().engine(new Lifecycle(LifecyclePolicy.DEFAULT)), 262_144);
        handler.handle("job", command.getBytes(StandardCharsets.UTF_8), TimelineLog.T0, new CommandHandler.Output() {
            @Override
            public void event(TimelineEvent event, JsonBuffer json) {
                throw new AssertionError("an event for " + command);
            }

            @Override
            public void rejection(String key, RejectionRecord rejection, byte[] value) {
                rejections.add(value);
            }

            @Override
            public void command(Command recorded) {}
        });
        assertThat(rejections).hasSize(1);
        return rejections.get(0);
    }

    private static List<SinkRecord> eventsOf(String jobId) {
        return WORKLOAD.records().stream()
                .filter(record -> jobId.equals(new String(record.key(), StandardCharsets.UTF_8)))
                .toList();
    }

    static WriteResult writeInBatches(SinkWriter writer, List<SinkRecord> records, int size, boolean withOffsets)
            throws SQLException {
        WriteResult total = WriteResult.NOTHING;
        for (List<SinkRecord> batch : TimelineLog.batches(records, size)) {
            total = total.plus(writer.write(batch, withOffsets ? TimelineLog.nextOffsets(batch) : Map.of()));
        }
        return total;
    }

    private void assertHistoryEqualsTimeline(List<SinkRecord> timeline) {
        SinkAssertions.assertHistoryEqualsTimeline(database, timeline);
    }

    private void assertJobsHoldTheLastEventOfEveryJob(List<SinkRecord> timeline) {
        SinkAssertions.assertJobsHoldTheLastEventOfEveryJob(database, timeline);
    }

    private static void assertMalformed(List<Object> row, String jobId, byte[] raw, String why) {
        assertThat(row.get(0)).isEqualTo(jobId);
        assertThat(row.get(1)).isEqualTo("malformed");
        assertThat((String) row.get(2)).contains(why);
        assertThat(row.get(3)).isEqualTo(HexFormat.of().formatHex(raw));
        assertThat(row.get(4)).isNull();
    }

    private static List<List<Object>> offsetRows(Map<TopicPartition, Long> offsets) {
        Map<Integer, Long> byPartition = new TreeMap<>();
        offsets.forEach((partition, offset) -> byPartition.put(partition.partition(), offset));
        List<List<Object>> rows = new ArrayList<>();
        byPartition.forEach((partition, offset) -> rows.add(List.of(partition, offset)));
        return rows;
    }

    private static long sequenceOf(SinkRecord event) {
        return tree(event.value()).path("sequence").asLong();
    }

    private static byte[] without(byte[] envelope, String field) {
        ObjectNode tree = (ObjectNode) tree(envelope);
        tree.remove(field);
        return Json.compact(tree).getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode tree(byte[] json) {
        return SinkAssertions.tree(json);
    }

    private static JsonNode tree(String json) {
        return SinkAssertions.tree(json.getBytes(StandardCharsets.UTF_8));
    }
}
