package io.jobline.stream;

import io.jobline.domain.CommandType;
import io.jobline.domain.JobStatus;
import io.jobline.domain.Outcome;
import io.jobline.domain.RejectionReason;
import io.jobline.domain.TimelineEvent;
import io.jobline.domain.TimerKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;

/**
 * The lifecycle processor's meters. Every tag combination is registered up front from the enums,
 * so recording is an array index and an add, with no map look-up on the hot path.
 */
public final class LifecycleMetrics implements MeterBinder {

    public static final String COMMANDS = "jobline.processor.commands";
    public static final String TRANSITIONS = "jobline.processor.transitions";
    public static final String REJECTIONS = "jobline.processor.rejections";
    public static final String TIMERS_FIRED = "jobline.processor.timers.fired";
    public static final String END_TO_END = "jobline.processor.end.to.end.latency";

    /** Rejections of records that never became a command have no command type. */
    static final String UNKNOWN_TYPE = "unknown";

    private Counter[][] commands;
    private Counter[] unreadable;
    private Counter[][] transitions;
    private Counter[] rejections;
    private Counter[] timersFired;
    private Timer endToEnd;

    @Override
    public void bindTo(MeterRegistry registry) {
        CommandType[] types = CommandType.values();
        Outcome[] outcomes = Outcome.values();
        commands = new Counter[types.length][outcomes.length];
        for (CommandType type : types) {
            for (Outcome outcome : outcomes) {
                commands[type.ordinal()][outcome.ordinal()] = commandCounter(registry, type.wireName(), outcome);
            }
        }
        unreadable = new Counter[outcomes.length];
        for (Outcome outcome : outcomes) {
            unreadable[outcome.ordinal()] = commandCounter(registry, UNKNOWN_TYPE, outcome);
        }
        JobStatus[] statuses = JobStatus.values();
        transitions = new Counter[statuses.length + 1][statuses.length];
        for (int from = 0; from <= statuses.length; from++) {
            for (JobStatus to : statuses) {
                transitions[from][to.ordinal()] = Counter.builder(TRANSITIONS)
                        .description("Job state transitions, by from and to state")
                        .tag("from", from == statuses.length ? "none" : statuses[from].wireName())
                        .tag("to", to.wireName())
                        .register(registry);
            }
        }
        rejections = new Counter[RejectionReason.values().length];
        for (RejectionReason reason : RejectionReason.values()) {
            rejections[reason.ordinal()] = Counter.builder(REJECTIONS)
                    .description("Rejected commands, by reason")
                    .tag("reason", reason.wireName())
                    .register(registry);
        }
        timersFired = new Counter[TimerKind.values().length];
        for (TimerKind kind : TimerKind.values()) {
            timersFired[kind.ordinal()] = Counter.builder(TIMERS_FIRED)
                    .description("timer.fire commands written by the punctuator, by timer kind")
                    .tag("kind", kind.wireName())
                    .register(registry);
        }
        endToEnd = Timer.builder(END_TO_END)
                .description("From a command's record timestamp to the write of its timeline event")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
    }

    private static Counter commandCounter(MeterRegistry registry, String type, Outcome outcome) {
        return Counter.builder(COMMANDS)
                .description("Commands processed, by type and outcome")
                .tag("type", type)
                .tag("outcome", outcome.tagValue())
                .register(registry);
    }

    void command(CommandType type, Outcome outcome) {
        (type == null ? unreadable[outcome.ordinal()] : commands[type.ordinal()][outcome.ordinal()]).increment();
    }

    void rejection(RejectionReason reason) {
        rejections[reason.ordinal()].increment();
    }

    void event(TimelineEvent event, long wallClockMs) {
        int from =
                event.from() == null ? JobStatus.values().length : event.from().ordinal();
        transitions[from][event.to().ordinal()].increment();
        endToEnd.record(Duration.ofMillis(Math.max(0, wallClockMs - event.time())));
    }

    void timerFired(TimerKind kind) {
        timersFired[kind.ordinal()].increment();
    }
}
