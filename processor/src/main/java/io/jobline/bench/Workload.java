package io.jobline.bench;

import io.jobline.domain.Command;
import io.jobline.domain.CommandHeader;
import io.jobline.domain.JobError;
import io.jobline.domain.JsonText;
import io.jobline.domain.RetrySpec;
import io.jobline.domain.TimerKind;
import io.jobline.wire.CommandCodec;
import java.util.ArrayList;
import java.util.List;

/**
 * A deterministic command log for benchmarks: jobs in waves of a thousand, each created, started,
 * heartbeated and completed; every tenth fails once and is retried through a recorded timer fire.
 * Commands carry a realistic small payload.
 */
public final class Workload {

    /** One record of the log. */
    public record Entry(String key, Command command, byte[] value, long timestamp) {}

    private static final RetrySpec RETRY = new RetrySpec(3, 1_000L, 2.0, 300_000L, 0.0);
    private static final JsonText PAYLOAD =
            new JsonText("{\"report\":\"daily-sales\",\"region\":\"eu-west\",\"rows\":125000,\"format\":\"parquet\"}");
    private static final int WAVE = 1_000;

    private Workload() {}

    /** At least {@code commands} commands (whole jobs), starting at {@code t0}. */
    public static List<Entry> generate(int commands, long t0) {
        List<Entry> log = new ArrayList<>(commands + 16);
        long t = t0;
        int job = 0;
        while (log.size() < commands) {
            List<String> wave = new ArrayList<>(WAVE);
            for (int i = 0; i < WAVE; i++) {
                wave.add(String.format("job-%08d", job++));
            }
            for (String id : wave) {
                add(
                        log,
                        new Command.Create(
                                header(id, "create"), "report", PAYLOAD, List.of(), RETRY, 60_000L, null, null),
                        t);
            }
            t += 10;
            for (String id : wave) {
                add(log, new Command.Start(header(id, "start-1"), "worker-7", id + "-L1", null), t);
            }
            t += 10;
            for (int i = 0; i < wave.size(); i++) {
                String id = wave.get(i);
                if (i % 10 == 0) {
                    add(
                            log,
                            new Command.Fail(
                                    header(id, "fail-1"),
                                    id + "-L1",
                                    new JobError("timeout", "upstream timed out", true)),
                            t);
                } else {
                    add(log, new Command.Heartbeat(header(id, "hb-1"), id + "-L1"), t);
                }
            }
            long failedAt = t;
            t += 1_000;
            for (int i = 0; i < wave.size(); i += 10) {
                add(log, Command.TimerFire.of(wave.get(i), TimerKind.RETRY, failedAt + 1_000), t);
            }
            t += 10;
            for (int i = 0; i < wave.size(); i += 10) {
                String id = wave.get(i);
                add(log, new Command.Start(header(id, "start-2"), "worker-7", id + "-L2", null), t);
            }
            t += 10;
            for (int i = 0; i < wave.size(); i++) {
                String id = wave.get(i);
                add(
                        log,
                        new Command.Complete(
                                header(id, "complete"),
                                id + (i % 10 == 0 ? "-L2" : "-L1"),
                                new JsonText("{\"ok\":true}")),
                        t);
            }
            t += 10;
        }
        return log;
    }

    private static CommandHeader header(String jobId, String step) {
        return new CommandHeader(jobId + "-" + step, jobId, "acme", null, null, null, null);
    }

    private static void add(List<Entry> log, Command command, long t) {
        log.add(new Entry(command.jobId(), command, CommandCodec.write(command), t));
    }
}
