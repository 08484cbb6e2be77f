package io.jobline.domain;

import java.util.HashMap;
import java.util.Map;

/** Every command type, with its wire name; recorded ones are written back by the processor. */
public enum CommandType {
    CREATE("job.create", false),
    START("job.start", false),
    HEARTBEAT("job.heartbeat", false),
    COMPLETE("job.complete", false),
    FAIL("job.fail", false),
    CANCEL("job.cancel", false),
    RETRY("job.retry", false),
    TIMER_FIRE("timer.fire", true),
    DEPENDENCY_WATCH("dependency.watch", true),
    DEPENDENCY_COMPLETED("dependency.completed", true),
    DEPENDENCY_FAILED("dependency.failed", true);

    private static final Map<String, CommandType> BY_WIRE_NAME = new HashMap<>();

    static {
        for (CommandType type : values()) {
            BY_WIRE_NAME.put(type.wireName, type);
        }
    }

    private final String wireName;
    private final boolean recorded;

    CommandType(String wireName, boolean recorded) {
        this.wireName = wireName;
        this.recorded = recorded;
    }

    public String wireName() {
        return wireName;
    }

    /** Recorded commands stand for time or another job's state; they are never rejected. */
    public boolean recorded() {
        return recorded;
    }

    /** The type with this wire name, or null when there is none. */
    public static CommandType fromWire(String value) {
        return BY_WIRE_NAME.get(value); // read once per record: no copy of values() each time
    }
}
