package io.jobline.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobline.domain.Command;
import io.jobline.domain.CommandHeader;
import io.jobline.domain.EgressPolicy;
import io.jobline.domain.JobError;
import io.jobline.domain.JsonText;
import io.jobline.domain.Lifecycle;
import io.jobline.domain.LifecycleEngine;
import io.jobline.domain.LifecyclePolicy;
import io.jobline.domain.MemoryStores;
import io.jobline.domain.RetrySpec;
import io.jobline.domain.TimelineEvent;
import io.jobline.domain.TimerKind;
import io.jobline.schema.SchemaName;
import io.jobline.schema.Schemas;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random command sequences through the same handler the topology uses, with recorded commands
 * looped back and timers fired as a broker and a punctuator would. Whatever the sequence, the
 * invariants of the lifecycle hold and every message matches its schema.
 */
class LifecyclePropertiesTest {

    private static final Set<String> TRANSITIONS = Set.of(
            "null>pending",
            "pending>scheduled",
            "pending>failed",
            "pending>cancelled",
            "scheduled>running",
            "scheduled>cancelled",
            "running>completed",
            "running>failed",
            "running>cancelled",
            "failed>scheduled",
            "failed>cancelled");

    enum Kind {
        CREATE,
        CREATE_DEPENDENT,
        START,
        HEARTBEAT,
        COMPLETE,
        FAIL,
        FAIL_FATAL,
        CANCEL,
        RETRY,
        TICK,
        GARBAGE,
        DUPLICATE
    }

    record Step(Kind kind, int job, int variant) {}

    @Provide
    Arbitrary<List<Step>> scripts() {
        Arbitrary<Step> step = Combinators.combine(
                        Arbitraries.of(Kind.class),
                        Arbitraries.integers().between(0, 5),
                        Arbitraries.integers().between(0, 3))
                .as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(60);
    }

    @Property(tries = 2000)
    void shouldKeepTheLifecycleInvariantsForAnySequence(@ForAll("scripts") List<Step> script, @ForAll boolean sealed) {
        Simulation sim = new Simulation(sealed);
        for (Step step : script) {
            sim.run(step);
        }
        sim.checkInvariants();
    }

    /** A partition's worth of the processor, with a broker's loop-back and a punctuator's timers. */
    private static final class Simulation {
        private final MemoryStores stores = new MemoryStores();
        private final TreeMap<Long, List<Command.TimerFire>> timers = new TreeMap<>();
        private final CommandHandler handler;
        private final Deque<byte[]> recorded = new ArrayDeque<>();
        private final List<JsonNode> events = new ArrayList<>();
        private final List<byte[]> sent = new ArrayList<>();
        private long now = 1_764_000_000_000L;
        private int ids;

        Simulation(boolean sealed) {
            LifecyclePolicy policy =
                    LifecyclePolicy.DEFAULT.withEgress(new EgressPolicy(sealed, List.of("ok.internal:443")));
            LifecycleEngine.TimerSchedule schedule = new LifecycleEngine.TimerSchedule() {
                @Override
                public void arm(String jobId, TimerKind kind, long due) {
                    timers.computeIfAbsent(due, d -> new ArrayList<>()).add(Command.TimerFire.of(jobId, kind, due));
                }

                @Override
                public void disarm(String jobId, TimerKind kind, long due) {
                    List<Command.TimerFire> at = timers.get(due);
                    if (at != null) {
                        at.remove(Command.TimerFire.of(jobId, kind, due));
                    }
                }
            };
            handler = new CommandHandler(new LifecycleEngine(new Lifecycle(policy), stores, stores, schedule), 4096);
        }

        void run(Step step) {
            now += 1 + step.variant() * 700L;
            String job = "job-" + step.job();
            String lease = "L" + step.variant() % 2;
            Command command = switch (step.kind()) {
                case CREATE ->
                    new Command.Create(
                            header(job),
                            "t",
                            new JsonText("{}"),
                            List.of(),
                            new RetrySpec(step.variant(), 500L, 2.0, 5_000L, 0.5),
                            2_000L,
                            null,
                            step.variant() == 3 ? List.of("https://blocked.example") : null);
                case CREATE_DEPENDENT ->
                    new Command.Create(
                            header(job),
                            "t",
                            null,
                            List.of("job-" + ((step.job() + 1) % 6), "job-" + ((step.job() + step.variant() + 2) % 6)),
                            RetrySpec.NONE,
                            null,
                            step.variant() == 0 ? now + 3_000 : null,
                            null);
                case START -> new Command.Start(header(job), "w", lease, null);
                case HEARTBEAT -> new Command.Heartbeat(header(job), lease);
                case COMPLETE -> new Command.Complete(header(job), step.variant() == 0 ? null : lease, null);
                case FAIL -> new Command.Fail(header(job), null, new JobError("e", null, true));
                case FAIL_FATAL -> new Command.Fail(header(job), lease, new JobError("e", "m", false));
                case CANCEL -> new Command.Cancel(header(job), null);
                case RETRY -> new Command.Retry(header(job), "again");
                case TICK -> null;
                case GARBAGE -> null;
                case DUPLICATE -> null;
            };
            if (step.kind() == Kind.TICK) {
                now += step.variant() * 3_000L;
                fireDueTimers();
            } else if (step.kind() == Kind.GARBAGE) {
                deliver(job, ("{\"type\":\"job.start\",\"jobId\":\"" + job + "\"}").getBytes(StandardCharsets.UTF_8));
            } else if (step.kind() == Kind.DUPLICATE) {
                if (!sent.isEmpty()) {
                    byte[] again = sent.get(step.variant() % sent.size());
                    deliver(key(again), again);
                }
            } else {
                byte[] bytes = CommandCodec.write(command);
                sent.add(bytes);
                deliver(job, bytes);
            }
        }

        private CommandHeader header(String jobId) {
            return new CommandHeader("c" + (++ids), jobId, null, null, null, null, null);
        }

        private void fireDueTimers() {
            while (!timers.isEmpty() && timers.firstKey() <= now) {
                for (Command.TimerFire fire : timers.pollFirstEntry().getValue()) {
                    deliver(fire.jobId(), CommandCodec.write(fire));
                }
            }
        }

        /** Handles one record, then everything it wrote back, as the broker would deliver it. */
        private void deliver(String key, byte[] value) {
            handle(key, value);
            while (!recorded.isEmpty()) {
                byte[] next = recorded.poll();
                handle(key(next), next);
            }
        }

        private void handle(String key, byte[] value) {
            handler.handle(key, value, now, new CommandHandler.Output() {
                @Override
                public void event(TimelineEvent event, JsonBuffer rendered) {
                    JsonNode json = Json.tree(rendered.toByteArray());
                    Schemas.assertValid(SchemaName.EVENT_ENVELOPE, json);
                    events.add(json);
                }

                @Override
                public void rejection(String rejectionKey, RejectionRecord rejection, byte[] bytes) {
                    Schemas.assertValid(SchemaName.REJECTION, Json.tree(bytes));
                }

                @Override
                public void command(Command command) {
                    byte[] bytes = CommandCodec.write(command);
                    Schemas.assertValid(SchemaName.COMMAND, Json.tree(bytes));
                    recorded.add(bytes);
                }
            });
        }

        void checkInvariants() {
            Map<String, List<JsonNode>> byJob = new HashMap<>();
            events.forEach(e -> byJob.computeIfAbsent(e.path("subject").asText(), j -> new ArrayList<>())
                    .add(e));
            byJob.forEach((job, history) -> {
                for (int i = 0; i < history.size(); i++) {
                    JsonNode event = history.get(i);
                    assertThat(event.path("sequence").asLong())
                            .as("sequence of %s", job)
                            .isEqualTo(i + 1);
                    String from = event.at("/data/transition/from").isNull()
                            ? "null"
                            : event.at("/data/transition/from").asText();
                    String to = event.at("/data/transition/to").asText();
                    assertThat(TRANSITIONS).as("transition of %s", job).contains(from + ">" + to);
                    assertThat(event.at("/data/job/status").asText()).isEqualTo(to);
                    if (i > 0) {
                        JsonNode previous = history.get(i - 1);
                        String previousTo = previous.at("/data/transition/to").asText();
                        assertThat(from).isEqualTo(previousTo);
                        assertThat(previousTo)
                                .as("%s changed after it ended", job)
                                .isNotIn("completed", "cancelled");
                        if (previousTo.equals("failed")
                                && previous.at("/data/retry").isMissingNode()) {
                            assertThat(event.at("/data/transition/reason").asText())
                                    .as("only a manual retry follows a terminal failure")
                                    .isEqualTo("manual_retry");
                        }
                    }
                }
                assertThat(stores.get(job).sequence()).isEqualTo(history.size());
            });
        }

        private static String key(byte[] command) {
            return Json.tree(command).path("jobId").asText();
        }
    }
}
