package io.jobline.airgap;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobline.config.JoblineConfig;
import io.jobline.wire.EventCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verify: hash chains catch a changed, removed, reordered or repeated event, and name the job. */
class TimelineVerifierTest {

    private static LiveSite live;

    @TempDir
    Path dir;

    @BeforeAll
    static void runTheLiveSite() {
        live = AirGapFixtures.runEverything(new LiveSite(JoblineConfig.defaults()));
    }

    @AfterAll
    static void closeTheLiveSite() {
        live.close();
    }

    @Test
    void shouldFindEveryChainOfAnUntouchedTimelineIntact() {
        TimelineVerifier.Report report = verify(live.timeline());

        assertThat(report.divergences()).isEmpty();
        assertThat(report.records()).isEqualTo(live.timeline().size());
        assertThat(report.jobs()).isGreaterThanOrEqualTo(8);
    }

    @Test
    void shouldReportTheRecordsAndBytesReadAsItGoes() {
        List<TransferProgress.Snapshot> reports = new ArrayList<>();
        TimelineVerifier.Report report;
        try (LogInput timeline =
                LogInput.open(AirGapFixtures.write(dir.resolve("timeline.ndjson"), live.timeline()), m -> null)) {
            report = TimelineVerifier.verify(timeline, reports::add, 0);
        }

        assertThat(reports).hasSize(live.timeline().size()); // every record, at no interval
        assertThat(reports).extracting(TransferProgress.Snapshot::count).isSorted();
        TransferProgress.Snapshot last = reports.get(reports.size() - 1);
        assertThat(last.count()).isEqualTo(report.records());
        assertThat(last.bytes())
                .isEqualTo(live.timeline().stream()
                        .mapToLong(LogRecord::payloadBytes)
                        .sum());
        assertThat(last.toString()).startsWith("verify: ");
    }

    @Test
    void shouldNameTheJobOfAChangedEvent() {
        List<LogRecord> timeline = change(live.timeline(), "a", 3, value -> value.replace("worker-1", "worker-2"));

        assertThat(onlyDivergence(verify(timeline), "a", TimelineVerifier.Kind.CHANGED)
                        .detail())
                .contains("event 3")
                .contains("does not match its hash");
    }

    @Test
    void shouldNameTheJobOfARemovedEvent() {
        List<LogRecord> timeline = new ArrayList<>(live.timeline());
        timeline.remove(indexOf(timeline, "b", 3));

        assertThat(onlyDivergence(verify(timeline), "b", TimelineVerifier.Kind.MISSING)
                        .detail())
                .contains("event 3 missing");
    }

    @Test
    void shouldNameTheJobOfTwoSwappedEvents() {
        List<LogRecord> timeline = new ArrayList<>(live.timeline());
        int third = indexOf(timeline, "zz", 3);
        int fourth = indexOf(timeline, "zz", 4);
        timeline.set(third, live.timeline().get(fourth));
        timeline.set(fourth, live.timeline().get(third));

        onlyDivergence(verify(timeline), "zz", TimelineVerifier.Kind.REORDERED);
    }

    @Test
    void shouldNameTheJobOfARepeatedEvent() {
        List<LogRecord> timeline = new ArrayList<>(live.timeline());
        int second = indexOf(timeline, "e", 2);
        timeline.add(second + 1, timeline.get(second));

        onlyDivergence(verify(timeline), "e", TimelineVerifier.Kind.EXTRA);
        // The chain alone finds the copy; the comparison must not rename it a reordering.
        onlyDivergence(verify(timeline, live.timeline()), "e", TimelineVerifier.Kind.EXTRA);
    }

    @Test
    void shouldCallAJobsEventsWrittenTwiceExtraNotReordered() {
        // A tail written twice (an import run twice by hand, say): 1..n, then 1..n again.
        List<LogRecord> timeline = new ArrayList<>(live.timeline());
        timeline.addAll(live.timeline().stream().filter(r -> isJob(r, "e")).toList());

        assertThat(onlyDivergence(verify(timeline), "e", TimelineVerifier.Kind.EXTRA)
                        .detail())
                .isEqualTo("event 1 appears twice");
    }

    @Test
    void shouldCallARecordInsertedBetweenEventsExtraNotReordered() {
        List<LogRecord> timeline = new ArrayList<>(live.timeline());
        int second = indexOf(timeline, "e", 2);
        LogRecord r = timeline.get(second);
        timeline.add(
                second + 1,
                new LogRecord(
                        r.topic(),
                        r.partition(),
                        r.offset(),
                        r.timestamp(),
                        r.key(),
                        "{\"not\":\"an event\"}".getBytes(StandardCharsets.UTF_8),
                        r.headers()));

        assertThat(onlyDivergence(verify(timeline, live.timeline()), "e", TimelineVerifier.Kind.EXTRA)
                        .detail())
                .contains("a record that is not an event");
    }

    @Test
    void shouldCatchAForgedEventWhoseHashWasRecomputed() {
        List<LogRecord> timeline = change(live.timeline(), "a", 4, value -> value.replace("\"boom\"", "\"fine\""));
        timeline = reseal(timeline, "a", 4);

        assertThat(onlyDivergence(verify(timeline), "a", TimelineVerifier.Kind.CHANGED)
                        .detail())
                .contains("event 5 does not link to event 4");
    }

    @Test
    void shouldCatchARecordTimestampThatIsNotTheEventsTime() {
        List<LogRecord> timeline = new ArrayList<>(live.timeline());
        int at = indexOf(timeline, "g", 1);
        LogRecord r = timeline.get(at);
        timeline.set(
                at,
                new LogRecord(
                        r.topic(), r.partition(), r.offset(), r.timestamp() + 1, r.key(), r.value(), r.headers()));

        assertThat(verify(timeline).divergences())
                .singleElement()
                .satisfies(d -> assertThat(d.jobId()).isEqualTo("g"))
                .satisfies(d -> assertThat(d.detail()).contains("record timestamp"));
    }

    @Test
    void shouldCompareTwoTimelinesRecordByRecordPerJob() {
        assertThat(verify(live.timeline(), live.timeline()).holds()).isTrue();

        // A removed last event leaves every chain intact: only the comparison sees it.
        List<LogRecord> truncated = new ArrayList<>(live.timeline());
        int last = lastIndexOf(truncated, "a");
        truncated.remove(last);
        assertThat(verify(truncated).holds()).isTrue();
        onlyDivergence(verify(truncated, live.timeline()), "a", TimelineVerifier.Kind.MISSING);

        List<LogRecord> extra = new ArrayList<>(live.timeline());
        extra.add(live.timeline().get(last));
        assertThat(verify(extra, truncated).divergences())
                .singleElement()
                .satisfies(d -> assertThat(d.kind()).isEqualTo(TimelineVerifier.Kind.EXTRA));

        List<LogRecord> moved = new ArrayList<>();
        live.timeline()
                .forEach(r -> moved.add(new LogRecord(
                        r.topic(),
                        r.partition() + (isJob(r, "f") ? 1 : 0),
                        r.offset(),
                        r.timestamp(),
                        r.key(),
                        r.value(),
                        r.headers())));
        assertThat(verify(moved, live.timeline()).divergences())
                .singleElement()
                .satisfies(d -> assertThat(d.jobId()).isEqualTo("f"))
                .satisfies(d -> assertThat(d.detail()).contains("partition 1 instead of 0"));
    }

    @Test
    void shouldTellAMissingJobFromAnExtraOne() {
        List<LogRecord> withoutG =
                live.timeline().stream().filter(r -> !isJob(r, "g")).toList();

        onlyDivergence(verify(withoutG, live.timeline()), "g", TimelineVerifier.Kind.MISSING);
        onlyDivergence(verify(live.timeline(), withoutG), "g", TimelineVerifier.Kind.EXTRA);
    }

    @Test
    void shouldVerifyABundlePartitionByPartitionAsTheSameRecordsInOneFile() {
        Path bundle = timelineBundle("bundle", live.timeline());
        List<LogRecord> inBundleOrder = read(bundle);
        assertThat(inBundleOrder).extracting(LogRecord::partition).containsAll(List.of(0, 1, 2));

        assertSameReport(bundle, inBundleOrder);
        assertThat(verify(bundle).holds()).isTrue();

        // A changed event, and one whose key was changed to another job's, which puts it on
        // another partition than the rest of its job: found in one pass as in parallel ones.
        List<LogRecord> tampered = change(inBundleOrder, "a", 3, value -> value.replace("worker-1", "worker-2"));
        LogRecord moved = tampered.get(indexOf(tampered, "e", 2));
        String otherKey = live.timeline().stream()
                .map(LogRecord::keyString)
                .filter(key -> Partitioning.forKey(key.getBytes(StandardCharsets.UTF_8), 3)
                        != Partitioning.forKey(moved.key(), 3))
                .findFirst()
                .orElseThrow();
        tampered.set(
                tampered.indexOf(moved),
                new LogRecord(
                        moved.topic(),
                        moved.partition(),
                        moved.offset(),
                        moved.timestamp(),
                        otherKey.getBytes(StandardCharsets.UTF_8),
                        moved.value(),
                        moved.headers()));
        Path tamperedBundle = timelineBundle("tampered", tampered);

        assertSameReport(tamperedBundle, read(tamperedBundle));
        assertThat(verify(tamperedBundle).divergences())
                .extracting(TimelineVerifier.Divergence::jobId)
                .containsExactly("a", "e");
    }

    /** The timeline as a bundle of three partitions, each record on the partition of its key. */
    private Path timelineBundle(String name, List<LogRecord> timeline) {
        List<LogRecord> byKey = timeline.stream()
                .map(r -> new LogRecord(
                        r.topic(),
                        LogRecord.NO_PARTITION,
                        LogRecord.NO_OFFSET,
                        r.timestamp(),
                        r.key(),
                        r.value(),
                        r.headers()))
                .toList();
        return AirGapFixtures.writeBundle(
                dir.resolve(name), "jobline.timeline", 3, byKey, ProcessorPolicy.from(JoblineConfig.defaults()));
    }

    private static List<LogRecord> read(Path bundle) {
        List<LogRecord> records = new ArrayList<>();
        try (LogInput input = LogInput.open(bundle, m -> "jobline.timeline")) {
            input.forEach(records::add);
        }
        return records;
    }

    private static TimelineVerifier.Report verify(Path bundle) {
        try (LogInput input = LogInput.open(bundle, m -> "jobline.timeline")) {
            return TimelineVerifier.verify(input);
        }
    }

    /** The bundle, read on both cores, gives what the same records in one file give, read in one pass. */
    private void assertSameReport(Path bundle, List<LogRecord> inBundleOrder) {
        TimelineVerifier.Report inOneFile = verify(inBundleOrder);
        assertThat(verify(bundle)).isEqualTo(inOneFile);
        try (LogInput actual = LogInput.open(bundle, m -> "jobline.timeline");
                LogInput expected = LogInput.open(bundle, m -> "jobline.timeline")) {
            assertThat(TimelineVerifier.verify(actual, expected).records()).isEqualTo(inOneFile.records());
        }
    }

    /** The one divergence of {@code report}, which must be of {@code kind}, in job {@code job}. */
    private static TimelineVerifier.Divergence onlyDivergence(
            TimelineVerifier.Report report, String job, TimelineVerifier.Kind kind) {
        assertThat(report.divergences()).hasSize(1);
        TimelineVerifier.Divergence divergence = report.divergences().get(0);
        assertThat(divergence.jobId()).isEqualTo(job);
        assertThat(divergence.kind()).isEqualTo(kind);
        return divergence;
    }

    private TimelineVerifier.Report verify(List<LogRecord> timeline) {
        try (LogInput input =
                LogInput.open(AirGapFixtures.write(dir.resolve("timeline.ndjson"), timeline), m -> null)) {
            return TimelineVerifier.verify(input);
        }
    }

    private TimelineVerifier.Report verify(List<LogRecord> timeline, List<LogRecord> expected) {
        try (LogInput actual = LogInput.open(AirGapFixtures.write(dir.resolve("actual.ndjson"), timeline), m -> null);
                LogInput reference =
                        LogInput.open(AirGapFixtures.write(dir.resolve("expected.ndjson"), expected), m -> null)) {
            return TimelineVerifier.verify(actual, reference);
        }
    }

    private static List<LogRecord> change(
            List<LogRecord> timeline, String job, long sequence, UnaryOperator<String> edit) {
        List<LogRecord> changed = new ArrayList<>(timeline);
        int at = indexOf(changed, job, sequence);
        LogRecord r = changed.get(at);
        String before = new String(r.value(), StandardCharsets.UTF_8);
        String after = edit.apply(before);
        assertThat(after).as("the edit changes event %d of %s", sequence, job).isNotEqualTo(before);
        changed.set(
                at,
                new LogRecord(
                        r.topic(),
                        r.partition(),
                        r.offset(),
                        r.timestamp(),
                        r.key(),
                        after.getBytes(StandardCharsets.UTF_8),
                        r.headers()));
        return changed;
    }

    /** What a forger would do: give the changed event a hash that matches its new bytes. */
    private static List<LogRecord> reseal(List<LogRecord> timeline, String job, long sequence) {
        List<LogRecord> resealed = new ArrayList<>(timeline);
        int at = indexOf(resealed, job, sequence);
        LogRecord r = resealed.get(at);
        String value = new String(r.value(), StandardCharsets.UTF_8);
        String body = value.substring(0, value.length() - EventCodec.HASH_SUFFIX_LENGTH) + "}";
        String hash = "sha256:"
                + HexFormat.of().formatHex(Bundle.Digests.sha256().digest(body.getBytes(StandardCharsets.UTF_8)));
        String sealed = body.substring(0, body.length() - 1) + ",\"hash\":\"" + hash + "\"}";
        resealed.set(
                at,
                new LogRecord(
                        r.topic(),
                        r.partition(),
                        r.offset(),
                        r.timestamp(),
                        r.key(),
                        sealed.getBytes(StandardCharsets.UTF_8),
                        r.headers()));
        assertThat(EventCodec.recomputeHash(resealed.get(at).value())).isEqualTo(hash);
        return resealed;
    }

    private static int indexOf(List<LogRecord> timeline, String job, long sequence) {
        for (int i = 0; i < timeline.size(); i++) {
            if (isJob(timeline.get(i), job)
                    && new String(timeline.get(i).value(), StandardCharsets.UTF_8)
                            .contains("\"sequence\":" + sequence + ",")) {
                return i;
            }
        }
        throw new AssertionError("no event " + sequence + " of " + job);
    }

    private static int lastIndexOf(List<LogRecord> timeline, String job) {
        for (int i = timeline.size() - 1; i >= 0; i--) {
            if (isJob(timeline.get(i), job)) {
                return i;
            }
        }
        throw new AssertionError("no event of " + job);
    }

    private static boolean isJob(LogRecord record, String job) {
        return job.equals(record.keyString());
    }
}
