package io.jobline.stream;

import static io.jobline.stream.TopologyHarness.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobline.config.JoblineConfig;
import io.jobline.domain.EgressPolicy;
import io.jobline.domain.JobStatus;
import io.jobline.domain.LifecyclePolicy;
import io.jobline.domain.RetrySpec;
import io.jobline.testing.JobCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JoblineTopologyTest {

    private static final TopologySettings SETTINGS = TopologySettings.from(JoblineConfig.defaults());

    private final JobCommands commands = new JobCommands();
    private TopologyHarness harness = new TopologyHarness(SETTINGS);

    @AfterEach
    void tearDown() {
        harness.close();
    }

    @Test
    void shouldPinTheNamesOfEveryNodeAndStore() {
        TopologyDescription description =
                JoblineTopology.build(SETTINGS, new LifecycleMetrics()).describe();
        assertThat(description.toString()).doesNotContain("KSTREAM-", "KTABLE-");
        assertThat(description.subtopologies()).singleElement().satisfies(sub -> {
            assertThat(sub.nodes())
                    .extracting(TopologyDescription.Node::name)
                    .containsExactlyInAnyOrder(
                            "commands-source",
                            "lifecycle-processor",
                            "timeline-sink",
                            "rejections-sink",
                            "recorded-commands-sink");
            TopologyDescription.Processor processor = sub.nodes().stream()
                    .filter(TopologyDescription.Processor.class::isInstance)
                    .map(TopologyDescription.Processor.class::cast)
                    .findFirst()
                    .orElseThrow();
            assertThat(processor.stores()).containsExactlyInAnyOrder("job-state", "job-dependents", "job-timers");
        });
    }

    @Test
    void shouldRunTheSeedLifecycleFromCreateToCompleted() {
        harness.send(commands.create("job-1"));
        List<JsonNode> created = harness.events("job-1");
        assertThat(created).hasSize(2);
        assertThat(created.get(0).path("type").asText()).isEqualTo("job.created");
        assertThat(created.get(0).path("sequence").asLong()).isEqualTo(1);
        assertThat(created.get(0).at("/data/job/status").asText()).isEqualTo("pending");
        assertThat(created.get(0).at("/data/transition/from").isNull()).isTrue();
        assertThat(created.get(1).path("type").asText()).isEqualTo("job.scheduled");
        assertThat(created.get(1).path("id").asText()).isEqualTo("job-1:2");

        harness.advance(Duration.ofSeconds(1)).send(commands.start("job-1", "L1"));
        JsonNode started = last("job-1");
        assertThat(started.at("/data/job/status").asText()).isEqualTo("running");
        assertThat(started.at("/data/lease/leaseId").asText()).isEqualTo("L1");
        assertThat(started.at("/data/attempt").asInt()).isEqualTo(1);

        harness.advance(Duration.ofSeconds(2)).send(commands.complete("job-1", "L1"));
        JsonNode completed = last("job-1");
        assertThat(completed.path("type").asText()).isEqualTo("job.completed");
        assertThat(completed.path("time").asText()).isEqualTo("2025-11-24T16:00:03.000Z");
        assertThat(completed.at("/data/job/completedAt").asText())
                .isEqualTo(completed.path("time").asText());
        assertThat(completed.at("/data/job/result/rows").asInt()).isEqualTo(42);
        assertThat(harness.eventTypes("job-1"))
                .containsExactly("job.created", "job.scheduled", "job.started", "job.completed");
        assertThat(harness.events("job-1"))
                .extracting(e -> e.path("sequence").asLong())
                .containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void shouldLinkEachJobsEventsIntoAHashChain() {
        harness.send(commands.create("a"))
                .send(commands.create("b"))
                .send(commands.start("a", "L1"))
                .send(commands.complete("a", "L1"));
        List<org.apache.kafka.streams.test.TestRecord<String, byte[]>> records = harness.timelineRecords();
        String previous = null;
        for (var record : records.stream().filter(r -> r.key().equals("a")).toList()) {
            JsonNode event = TopologyHarness.parse(record.value());
            String hash = event.path("hash").asText();
            assertThat(io.jobline.wire.EventCodec.recomputeHash(record.value())).isEqualTo(hash);
            if (previous == null) {
                assertThat(event.has("prevhash")).isFalse();
            } else {
                assertThat(event.path("prevhash").asText()).isEqualTo(previous);
            }
            previous = hash;
        }
        assertThat(harness.job("a").eventHash()).isEqualTo(previous);
        byte[] tampered = records.get(0).value().clone();
        tampered[20] ^= 1;
        assertThat(io.jobline.wire.EventCodec.recomputeHash(tampered))
                .isNotEqualTo(TopologyHarness.parse(records.get(0).value())
                        .path("hash")
                        .asText());
    }

    @Test
    void shouldMarkTheTimelineRecordsAsCloudEvents() {
        harness.send(commands.create("job-1"));
        assertThat(harness.timelineRecords()).allSatisfy(record -> {
            assertThat(record.key()).isEqualTo("job-1");
            assertThat(record.timestamp()).isEqualTo(T0);
            assertThat(new String(record.headers().lastHeader("content-type").value(), StandardCharsets.UTF_8))
                    .isEqualTo("application/cloudevents+json; charset=UTF-8");
        });
    }

    @Test
    void shouldRescheduleExactlyMaxRetriesTimesThroughRecordedTimersAndFailTheFourthTime() {
        harness.send(commands.create("job-r", new RetrySpec(3, 1_000L, 2.0, 60_000L, 0.2)));
        for (int attempt = 1; attempt <= 4; attempt++) {
            String lease = "L" + attempt;
            harness.send(commands.start("job-r", lease)).send(commands.fail("job-r", lease));
            JsonNode failed = last("job-r");
            assertThat(failed.path("type").asText()).isEqualTo("job.failed");
            assertThat(failed.at("/data/failures").asInt()).isEqualTo(attempt);
            if (attempt <= 3) {
                long retryAt = harness.job("job-r").retryAt();
                assertThat(failed.at("/data/retry/retriesRemaining").asInt()).isEqualTo(3 - attempt);
                // Not yet: one tick before the backoff ends nothing happens.
                harness.advance(Duration.ofMillis(retryAt - harness.now() - 1));
                assertThat(last("job-r").path("type").asText()).isEqualTo("job.failed");
                harness.advance(Duration.ofMillis(300));
                JsonNode rescheduled = last("job-r");
                assertThat(rescheduled.path("type").asText()).isEqualTo("job.scheduled");
                assertThat(rescheduled.at("/data/transition/reason").asText()).isEqualTo("retry");
                assertThat(rescheduled.path("causationid").asText()).isEqualTo("timer:retry:" + retryAt);
            } else {
                assertThat(failed.at("/data/retry").isMissingNode()).isTrue();
                assertThat(harness.job("job-r").isTerminal()).isTrue();
            }
        }
        long retries = harness.events("job-r").stream()
                .filter(e -> e.at("/data/transition/reason").asText().equals("retry"))
                .count();
        assertThat(retries).isEqualTo(3);
        assertThat(harness.recordedCommands())
                .hasSize(3)
                .allSatisfy(r -> assertThat(new String(r.value(), StandardCharsets.UTF_8))
                        .contains("\"timer.fire\""));
        harness.advance(Duration.ofMinutes(10));
        assertThat(harness.eventTypes("job-r")).last().isEqualTo("job.failed");
    }

    @Test
    void shouldRejectAnInvalidTransitionAndChangeNothing() {
        harness.send(commands.create("job-1"))
                .send(commands.start("job-1", "L1"))
                .send(commands.complete("job-1", "L1"));
        int events = harness.events().size();
        harness.send(commands.start("job-1", "L2"));
        assertThat(harness.events()).hasSize(events);
        assertThat(harness.job("job-1").status()).isEqualTo(JobStatus.COMPLETED);
        JsonNode rejection = harness.rejections().get(0);
        assertThat(rejection.path("reason").asText()).isEqualTo("invalid_transition");
        assertThat(rejection.path("status").asText()).isEqualTo("completed");
        assertThat(rejection.at("/command/type").asText()).isEqualTo("job.start");
        assertThat(harness.rejectionRecords().get(0).key()).isEqualTo("job-1");
    }

    @Test
    void shouldNeverScheduleAJobWhoseEgressIsNotAllowlistedInSealedMode() {
        harness.close();
        harness = new TopologyHarness(SETTINGS.withPolicy(
                LifecyclePolicy.DEFAULT.withEgress(new EgressPolicy(true, List.of("https://mirror.internal")))));
        harness.send(commands.createWithEgress("job-out", "https://mirror.internal", "https://pypi.org"));
        harness.send(commands.createWithEgress("job-in", "mirror.internal:443"));
        assertThat(harness.eventTypes("job-out")).containsExactly("job.created", "job.failed");
        JsonNode failed = last("job-out");
        assertThat(failed.at("/data/error/code").asText()).isEqualTo("AIRGAP_EGRESS_BLOCKED");
        assertThat(failed.at("/data/error/retryable").asBoolean()).isFalse();
        assertThat(failed.at("/data/error/message").asText()).contains("https://pypi.org");
        assertThat(failed.at("/data/job/admission/sealed").asBoolean()).isTrue();
        assertThat(failed.at("/data/job/admission/allowlistDigest").asText()).startsWith("sha256:");
        assertThat(harness.eventTypes("job-in")).containsExactly("job.created", "job.scheduled");
        harness.send(commands.start("job-out", "L1"));
        assertThat(harness.rejections())
                .singleElement()
                .satisfies(r -> assertThat(r.path("reason").asText()).isEqualTo("invalid_transition"));
    }

    @Test
    void shouldFailAndRetryARunningJobWhoseLeaseExpires() {
        harness.send(commands.create("job-l")).send(commands.start("job-l", "L1"));
        harness.advance(Duration.ofSeconds(11));
        JsonNode failed = last("job-l");
        assertThat(failed.path("type").asText()).isEqualTo("job.failed");
        assertThat(failed.at("/data/error/code").asText()).isEqualTo("lease_expired");
        assertThat(failed.at("/data/error/retryable").asBoolean()).isTrue();
        assertThat(failed.at("/data/retry/retryAt").isTextual()).isTrue();
        harness.advance(Duration.ofSeconds(5));
        assertThat(last("job-l").at("/data/transition/reason").asText()).isEqualTo("retry");
    }

    @Test
    void shouldKeepAJobRunningWhileItHeartbeats() {
        harness.send(commands.create("job-h")).send(commands.start("job-h", "L1"));
        for (int i = 0; i < 6; i++) {
            harness.advance(Duration.ofSeconds(5)).send(commands.heartbeat("job-h", "L1"));
        }
        assertThat(harness.job("job-h").status()).isEqualTo(JobStatus.RUNNING);
        assertThat(harness.eventTypes("job-h")).containsExactly("job.created", "job.scheduled", "job.started");
        harness.send(commands.heartbeat("job-h", "L-other"));
        assertThat(harness.rejections())
                .singleElement()
                .satisfies(r -> assertThat(r.path("reason").asText()).isEqualTo("lease_mismatch"));
        harness.send(commands.complete("job-h", "L-other"));
        assertThat(harness.rejections())
                .hasSize(2)
                .last()
                .satisfies(r -> assertThat(r.path("reason").asText()).isEqualTo("lease_mismatch"));
    }

    @Test
    void shouldGiveTheSameTimelineWhenEveryCommandIsSentTwice() {
        List<io.jobline.domain.Command> script = List.of(
                commands.create("a"),
                commands.create("b"),
                commands.start("a", "L1"),
                commands.fail("a", "L1"),
                commands.start("b", "L2"),
                commands.heartbeat("b", "L2"),
                commands.complete("b", "L2"),
                commands.cancel("a"),
                commands.retry("b"));
        for (io.jobline.domain.Command command : script) {
            harness.send(command);
        }
        List<String> once = values(harness.timelineRecords());
        List<String> onceRejected = values(harness.rejectionRecords());

        try (TopologyHarness twice = new TopologyHarness(SETTINGS)) {
            for (io.jobline.domain.Command command : script) {
                twice.send(command).send(command);
            }
            assertThat(values(twice.timelineRecords())).isEqualTo(once);
            // A rejected command is not applied, so its second copy is rejected again.
            assertThat(twice.rejectionRecords()).hasSize(2 * onceRejected.size());
            assertThat(twice.counter(LifecycleMetrics.COMMANDS, "type", "job.create", "outcome", "duplicate"))
                    .isEqualTo(2);
        }
    }

    @Test
    void shouldTurnUnreadableAndInvalidRecordsIntoRejectionsAndGoOn() {
        harness.sendRaw("job-x", "{not json".getBytes(StandardCharsets.UTF_8));
        harness.sendRaw(null, "[1,2]".getBytes(StandardCharsets.UTF_8));
        harness.sendRaw(
                "job-x",
                "{\"type\":\"job.explode\",\"commandId\":\"c1\",\"jobId\":\"job-x\"}".getBytes(StandardCharsets.UTF_8));
        harness.sendRaw(
                "job-x",
                "{\"type\":\"job.start\",\"commandId\":\"c2\",\"jobId\":\"job-x\",\"workerID\":\"w\"}"
                        .getBytes(StandardCharsets.UTF_8));
        harness.sendRaw("job-x", new byte[SETTINGS.maxCommandBytes() + 1]);
        harness.sendRaw("job-y", io.jobline.wire.CommandCodec.write(commands.create("job-x")));
        harness.send(commands.create("job-ok"));

        List<JsonNode> rejections = harness.rejections();
        assertThat(rejections)
                .extracting(r -> r.path("reason").asText())
                .containsExactly(
                        "malformed",
                        "malformed",
                        "schema_violation",
                        "schema_violation",
                        "too_large",
                        "schema_violation");
        assertThat(rejections.get(0).path("rawBase64").asText())
                .isEqualTo(java.util.Base64.getEncoder().encodeToString("{not json".getBytes(StandardCharsets.UTF_8)));
        assertThat(harness.rejectionRecords().get(1).key()).isNull();
        assertThat(rejections.get(2).path("message").asText()).contains("job.explode");
        assertThat(rejections.get(3).path("message").asText())
                .contains("workerID: is not a known field", "workerId: is required");
        assertThat(rejections.get(3).at("/command/workerID").asText()).isEqualTo("w");
        assertThat(rejections.get(4).path("rawSize").asInt()).isEqualTo(SETTINGS.maxCommandBytes() + 1);
        assertThat(rejections.get(5).path("message").asText()).contains("record key 'job-y'");
        assertThat(harness.eventTypes("job-ok")).containsExactly("job.created", "job.scheduled");
        assertThat(harness.counter(LifecycleMetrics.REJECTIONS, "reason", "malformed"))
                .isEqualTo(2);
        assertThat(harness.counter(LifecycleMetrics.COMMANDS, "type", "unknown", "outcome", "rejected"))
                .isEqualTo(4);
    }

    /**
     * A command within the size limit can hold tens of thousands of bad fields. Its rejection must
     * still fit in a Kafka record (the producer's default max.request.size is 1 MiB): one that
     * does not stops the processor, and every restart meets the same command again.
     */
    @Test
    void shouldKeepTheRejectionOfACommandWithEveryFieldWrongWithinAKafkaRecord() {
        StringBuilder create = new StringBuilder(
                "{\"type\":\"job.create\",\"commandId\":\"c1\",\"jobId\":\"job-x\",\"jobType\":\"t\",\"dependsOn\":[\"!\"");
        while (create.length() < SETTINGS.maxCommandBytes() - 10) {
            create.append(",\"!\"");
        }
        byte[] value = create.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        assertThat(value.length).isLessThanOrEqualTo(SETTINGS.maxCommandBytes());

        harness.sendRaw("job-x", value);

        assertThat(harness.rejections()).singleElement().satisfies(rejection -> {
            assertThat(rejection.path("reason").asText()).isEqualTo("schema_violation");
            assertThat(rejection.path("message").asText())
                    .startsWith("dependsOn[0]: must match")
                    .endsWith(" more");
        });
        assertThat(harness.rejectionRecords().get(0).value().length)
                .isLessThan(2 * SETTINGS.maxCommandBytes())
                .isLessThan(1_048_576);
    }

    /**
     * A retry policy may allow delays up to a quarter of a long, tens of millions of years. A retry
     * due after the year 9999 has no RFC 3339 time, so it is due at the latest one there is: the
     * event stays readable against its schema, and the job can still be cancelled.
     */
    @Test
    void shouldArmARetryDueAfterTheYear9999AtTheLatestTimeATimestampCanWrite() {
        long thirtyThousandYears = 1_000_000_000_000_000L;
        harness.send(commands.create("far", new RetrySpec(3, thirtyThousandYears, 2.0, thirtyThousandYears, 0.0)))
                .send(commands.start("far", "L1"))
                .send(commands.fail("far", "L1"));

        JsonNode failed = last("far");
        assertThat(failed.path("type").asText()).isEqualTo("job.failed");
        assertThat(failed.at("/data/retry/retryAt").asText()).isEqualTo("9999-12-31T23:59:59.999Z");
        assertThat(failed.at("/data/job/retryAt").asText()).isEqualTo("9999-12-31T23:59:59.999Z");

        harness.send(commands.cancel("far"));
        assertThat(last("far").path("type").asText()).isEqualTo("job.cancelled");
    }

    /**
     * A recorded command's id may be 221 characters, a rejection's commandId at most 200 (longer
     * ones are null, the command keeps them). One sent from outside on the wrong key is rejected.
     */
    @Test
    void shouldRejectARecordedCommandWithTheLongestIdOnTheWrongKeyWithinTheRejectionSchema() {
        String dependency = "a".repeat(200);
        String recorded = "{\"type\":\"dependency.completed\",\"commandId\":\"dependency.completed:" + dependency
                + "\",\"jobId\":\"job-b\",\"dependency\":\"" + dependency + "\",\"status\":\"completed\"}";

        harness.sendRaw("job-x", recorded.getBytes(StandardCharsets.UTF_8));

        assertThat(harness.rejections()).singleElement().satisfies(rejection -> {
            assertThat(rejection.path("reason").asText()).isEqualTo("schema_violation");
            assertThat(rejection.path("jobId").asText()).isEqualTo("job-b");
            assertThat(rejection.path("commandId").isNull()).isTrue();
            assertThat(rejection.at("/command/commandId").asText()).isEqualTo("dependency.completed:" + dependency);
        });
    }

    @Test
    void shouldCountCommandsTransitionsAndTimers() {
        harness.send(commands.create("a")).send(commands.start("a", "L1")).advance(Duration.ofSeconds(11));
        assertThat(harness.counter(LifecycleMetrics.COMMANDS, "type", "job.create", "outcome", "applied"))
                .isEqualTo(1);
        assertThat(harness.counter(LifecycleMetrics.TRANSITIONS, "from", "none", "to", "pending"))
                .isEqualTo(1);
        assertThat(harness.counter(LifecycleMetrics.TRANSITIONS, "from", "running", "to", "failed"))
                .isEqualTo(1);
        assertThat(harness.counter(LifecycleMetrics.TIMERS_FIRED, "kind", "lease"))
                .isEqualTo(1);
        assertThat(harness.registry.find(LifecycleMetrics.END_TO_END).timer().count())
                .isEqualTo(4);
    }

    @Test
    void shouldReadConfigurationForTheTopologyFromKeys() {
        TopologySettings custom = TopologySettings.from(JoblineConfig.of(
                Map.of("jobline.topic.commands", "c", "jobline.sealed", "true", "jobline.egress.allow", "a:1, b:2")));
        assertThat(custom.commandsTopic()).isEqualTo("c");
        assertThat(custom.policy().egress().allowlist()).containsExactly("a:1", "b:2");
    }

    private JsonNode last(String jobId) {
        List<JsonNode> events = harness.events(jobId);
        return events.get(events.size() - 1);
    }

    private static List<String> values(List<org.apache.kafka.streams.test.TestRecord<String, byte[]>> records) {
        return records.stream()
                .map(r -> r.key() + "@" + r.timestamp() + " " + new String(r.value(), StandardCharsets.UTF_8))
                .toList();
    }
}
