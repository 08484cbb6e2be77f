package io.jobline.domain;

import java.util.List;
import java.util.Objects;

/**
 * A job command: one record per type behind one header. External commands come from producers;
 * recorded ones ({@code timer.fire}, {@code dependency.*}) are written back to the commands topic
 * by the processor itself, so that time and other jobs' states enter the log as facts.
 */
public sealed interface Command {

    CommandHeader header();

    CommandType type();

    default String commandId() {
        return header().commandId();
    }

    default String jobId() {
        return header().jobId();
    }

    record Create(
            CommandHeader header,
            String jobType,
            JsonText payload,
            List<String> dependsOn,
            RetrySpec retry,
            Long leaseMs,
            Long notBefore,
            List<String> egress)
            implements Command {
        public Create {
            Objects.requireNonNull(jobType, "jobType");
            dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
            retry = retry == null ? RetrySpec.NONE : retry;
            egress = egress == null ? null : List.copyOf(egress);
        }

        @Override
        public CommandType type() {
            return CommandType.CREATE;
        }
    }

    record Start(CommandHeader header, String workerId, String leaseId, Long leaseMs) implements Command {
        @Override
        public CommandType type() {
            return CommandType.START;
        }
    }

    record Heartbeat(CommandHeader header, String leaseId) implements Command {
        @Override
        public CommandType type() {
            return CommandType.HEARTBEAT;
        }
    }

    record Complete(CommandHeader header, String leaseId, JsonText result) implements Command {
        @Override
        public CommandType type() {
            return CommandType.COMPLETE;
        }
    }

    record Fail(CommandHeader header, String leaseId, JobError error) implements Command {
        public Fail {
            Objects.requireNonNull(error, "error");
        }

        @Override
        public CommandType type() {
            return CommandType.FAIL;
        }
    }

    record Cancel(CommandHeader header, String reason) implements Command {
        @Override
        public CommandType type() {
            return CommandType.CANCEL;
        }
    }

    record Retry(CommandHeader header, String reason) implements Command {
        @Override
        public CommandType type() {
            return CommandType.RETRY;
        }
    }

    /** Time has reached {@code due} for the job's timer of {@code kind}. */
    record TimerFire(CommandHeader header, TimerKind kind, long due) implements Command {
        public static TimerFire of(String jobId, TimerKind kind, long due) {
            return new TimerFire(CommandHeader.of(commandIdFor(kind, due), jobId), kind, due);
        }

        public static String commandIdFor(TimerKind kind, long due) {
            return "timer:" + kind.wireName() + ":" + due;
        }

        @Override
        public CommandType type() {
            return CommandType.TIMER_FIRE;
        }
    }

    /** Keyed by the dependency: {@code dependent} waits for this job to end. */
    record DependencyWatch(CommandHeader header, String dependent) implements Command {
        public static DependencyWatch of(String dependency, String dependent) {
            return new DependencyWatch(
                    CommandHeader.of(CommandType.DEPENDENCY_WATCH.wireName() + ":" + dependent, dependency), dependent);
        }

        @Override
        public CommandType type() {
            return CommandType.DEPENDENCY_WATCH;
        }
    }

    /** Keyed by the dependent: {@code dependency} ended completed. */
    record DependencyCompleted(CommandHeader header, String dependency, JobStatus status) implements Command {
        public static DependencyCompleted of(String dependent, String dependency) {
            return new DependencyCompleted(
                    CommandHeader.of(CommandType.DEPENDENCY_COMPLETED.wireName() + ":" + dependency, dependent),
                    dependency,
                    JobStatus.COMPLETED);
        }

        @Override
        public CommandType type() {
            return CommandType.DEPENDENCY_COMPLETED;
        }
    }

    /** Keyed by the dependent: {@code dependency} ended failed (terminal) or cancelled. */
    record DependencyFailed(CommandHeader header, String dependency, JobStatus status) implements Command {
        public static DependencyFailed of(String dependent, String dependency, JobStatus status) {
            return new DependencyFailed(
                    CommandHeader.of(CommandType.DEPENDENCY_FAILED.wireName() + ":" + dependency, dependent),
                    dependency,
                    status);
        }

        @Override
        public CommandType type() {
            return CommandType.DEPENDENCY_FAILED;
        }
    }
}
