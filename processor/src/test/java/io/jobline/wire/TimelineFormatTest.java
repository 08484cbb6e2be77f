package io.jobline.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobline.bench.Workload;
import io.jobline.domain.Command;
import io.jobline.domain.Job;
import io.jobline.domain.Lifecycle;
import io.jobline.domain.LifecyclePolicy;
import io.jobline.domain.MemoryStores;
import io.jobline.domain.TimelineEvent;
import io.jobline.domain.TimerKind;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pins the bytes of everything {@link CommandHandler} writes. An exported log must replay to the
 * identical timeline on a later jobline too, so the format changes only on purpose, and then this
 * digest with it. The log covers every event kind, rejections, DAG notifications and strings that
 * need escaping: quotes, controls, non-ASCII, surrogate pairs.
 */
class TimelineFormatTest {

    private static final long T0 = 1_764_000_000_000L;

    /**
     * SHA-256 over every output record (kind, key, value), in order. The log includes the bench's
     * {@link Workload}, so a change to that workload moves this digest too, without any change of format.
     */
    private static final String PINNED = "d014ce698fbce472b8c892437a51753f078075dcdfec37a9a231fee2745cd6de";

    private final MemoryStores stores = new MemoryStores();
    private final CommandHandler handler =
            new CommandHandler(stores.engine(new Lifecycle(LifecyclePolicy.DEFAULT)), 4_096);
    private final List<String> outputs = new ArrayList<>();
    private final Deque<Command> followUps = new ArrayDeque<>();
    private final MessageDigest digest = sha256();
    private long time = T0;

    @Test
    void shouldRenderTheTimelineExactlyAsPinned() {
        unusualJobs();
        for (Workload.Entry entry : Workload.generate(5_000, T0 + 1_000_000)) {
            handle(entry.key(), entry.value(), entry.timestamp());
        }

        assertThat(outputs).hasSizeGreaterThan(5_000);
        assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(PINNED);
    }

    @Test
    void shouldEscapeStringsAsJsonAndKeepNonAsciiText() {
        unusualJobs();

        assertThat(outputs.get(0))
                .startsWith("event g-1 {\"specversion\":\"1.0\",\"id\":\"g-1:1\"")
                .contains("\"jobType\":\"rapport-é\"")
                .contains("\"correlationid\":\"corr-ü\"")
                .contains("\"payload\":{\"emoji\":\"\uD83D\uDE00\",\"ctl\":\"\\u0001\",\"q\":\"\\\"\\\\/\"}");
        assertThat(outputs)
                .anySatisfy(
                        o -> assertThat(o).contains("\"code\":\"E\\t1\",\"message\":\"boom \\uD83D\\uDCA5 \\u0007\""))
                .anySatisfy(o -> assertThat(o).contains("\"reason\":\"stop\u2028now\""));
    }

    @Test
    void shouldNumberTheEventsOfOneCommandFromOneInTheIdempotencyKey() {
        unusualJobs();

        // The create of g-1 is admitted at once: job.created, then job.scheduled, from command c1.
        assertThat(outputs.get(0)).contains("\"type\":\"job.created\"").contains("\"idempotencykey\":\"g-1/c1/1\"");
        assertThat(outputs.get(1)).contains("\"type\":\"job.scheduled\"").contains("\"idempotencykey\":\"g-1/c1/2\"");
    }

    private void unusualJobs() {
        handle(
                "g-1",
                "{\"type\":\"job.create\",\"commandId\":\"c1\",\"jobId\":\"g-1\",\"tenant\":\"acme\","
                        + "\"correlationId\":\"corr-ü\","
                        + "\"traceparent\":\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\","
                        + "\"jobType\":\"rapport-é\","
                        + "\"payload\":{\"emoji\":\"\\ud83d\\ude00\",\"ctl\":\"\\u0001\",\"q\":\"\\\"\\\\/\"},"
                        + "\"retry\":{\"maxRetries\":2,\"initialDelayMs\":100,\"multiplier\":1.5,\"jitter\":0.3},"
                        + "\"leaseMs\":5000}");
        handle(
                "g-1",
                "{\"type\":\"job.start\",\"commandId\":\"c2\",\"jobId\":\"g-1\",\"workerId\":\"w-ø\",\"leaseId\":\"L1\"}");
        handle(
                "g-1",
                "{\"type\":\"job.fail\",\"commandId\":\"c3\",\"jobId\":\"g-1\",\"leaseId\":\"L1\","
                        + "\"error\":{\"code\":\"E\\t1\",\"message\":\"boom \\ud83d\\udca5 \\u0007\"}}");
        Job failed = stores.get("g-1");
        fire(Command.TimerFire.of("g-1", TimerKind.RETRY, failed.retryAt()));
        handle("g-1", "{\"type\":\"job.start\",\"commandId\":\"c4\",\"jobId\":\"g-1\",\"workerId\":\"w-2\"}");
        handle(
                "g-1",
                "{\"type\":\"job.heartbeat\",\"commandId\":\"c5\",\"jobId\":\"g-1\",\"leaseId\":\""
                        + stores.get("g-1").lease().leaseId() + "\"}");
        Job running = stores.get("g-1");
        fire(Command.TimerFire.of("g-1", TimerKind.LEASE, running.lease().expiresAt()));

        handle(
                "g-2",
                "{\"type\":\"job.create\",\"commandId\":\"c6\",\"jobId\":\"g-2\",\"jobType\":\"t\",\"dependsOn\":[\"g-3\"]}");
        handle(
                "g-3",
                "{\"type\":\"job.create\",\"commandId\":\"c7\",\"jobId\":\"g-3\",\"jobType\":\"t\","
                        + "\"notBefore\":\"2025-11-25T00:00:00+01:00\"}");
        fire(Command.TimerFire.of("g-3", TimerKind.NOT_BEFORE, stores.get("g-3").notBeforeDue()));
        handle(
                "g-3",
                "{\"type\":\"job.start\",\"commandId\":\"c8\",\"jobId\":\"g-3\",\"workerId\":\"w\",\"leaseId\":\"L\"}");
        handle(
                "g-3",
                "{\"type\":\"job.complete\",\"commandId\":\"c9\",\"jobId\":\"g-3\",\"leaseId\":\"L\","
                        + "\"result\":{\"ok\":\"✓\",\"n\":[1,2.5e3,null]}}");

        handle("g-4", "{\"type\":\"job.create\",\"commandId\":\"c10\",\"jobId\":\"g-4\",\"jobType\":\"t\"}");
        handle(
                "g-4",
                "{\"type\":\"job.cancel\",\"commandId\":\"c11\",\"jobId\":\"g-4\",\"reason\":\"stop\\u2028now\"}");
        handle("g-4", "{\"type\":\"job.retry\",\"commandId\":\"c12\",\"jobId\":\"g-4\",\"reason\":\"again\"}");
        handle("g-4", "{\"type\":\"job.start\",\"commandId\":\"c13\",\"jobId\":\"g-4\",\"workerId\":\"w\"}");

        handle("g-5", "{not json");
        handle("g-5", "{\"type\":\"job.explode\",\"commandId\":\"c14\",\"jobId\":\"g-5\"}");
        handle("g-5", "{\"type\":\"job.create\",\"commandId\":\"c15\",\"jobId\":\"g-6\",\"jobType\":\"t\"}");
        handle(
                "g-5",
                "{\"type\":\"job.create\",\"commandId\":\"c16\",\"jobId\":\"g-5\",\"jobType\":\"" + "x".repeat(5_000)
                        + "\"}");
        handle("g-5", "{\"type\":\"job.complete\",\"commandId\":\"c17\",\"jobId\":\"g-5\"}");
    }

    private void fire(Command.TimerFire fire) {
        handle(fire.jobId(), CommandCodec.write(fire), fire.due());
    }

    private void handle(String key, String json) {
        handle(key, json.getBytes(StandardCharsets.UTF_8), time);
    }

    private void handle(String key, byte[] value, long timestamp) {
        time = Math.max(time, timestamp) + 7;
        handler.handle(key, value, time, output);
        while (!followUps.isEmpty()) {
            Command next = followUps.poll();
            handler.handle(next.jobId(), CommandCodec.write(next), time, output);
        }
    }

    private final CommandHandler.Output output = new CommandHandler.Output() {
        @Override
        public void event(TimelineEvent event, JsonBuffer json) {
            record("event", event.jobId(), json.toByteArray());
        }

        @Override
        public void rejection(String key, RejectionRecord rejection, byte[] value) {
            record("rejection", key, value);
        }

        @Override
        public void command(Command command) {
            record("command", command.jobId(), CommandCodec.write(command));
            followUps.add(command);
        }
    };

    private void record(String kind, String key, byte[] value) {
        String prefix = kind + " " + key + " ";
        outputs.add(prefix + new String(value, StandardCharsets.UTF_8));
        digest.update(prefix.getBytes(StandardCharsets.UTF_8));
        digest.update(value);
        digest.update((byte) '\n');
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
