package io.jobline.stream;

import io.jobline.config.JoblineConfig;
import io.jobline.domain.LifecyclePolicy;

/**
 * What the topology needs to know, and nothing about how it is run.
 *
 * @param maxCommandBytes commands larger than this are rejected as too_large
 * @param timerIntervalMs how often (wall clock) the punctuator looks for due timers
 * @param timerBatch most timers fired by one punctuation
 */
public record TopologySettings(
        String commandsTopic,
        String timelineTopic,
        String rejectionsTopic,
        LifecyclePolicy policy,
        int maxCommandBytes,
        long timerIntervalMs,
        int timerBatch) {

    public static TopologySettings from(JoblineConfig config) {
        return new TopologySettings(
                config.get(JoblineConfig.COMMANDS_TOPIC),
                config.get(JoblineConfig.TIMELINE_TOPIC),
                config.get(JoblineConfig.REJECTIONS_TOPIC),
                config.lifecyclePolicy(),
                config.get(JoblineConfig.MAX_COMMAND_BYTES),
                config.get(JoblineConfig.TIMER_INTERVAL_MS),
                config.get(JoblineConfig.TIMER_BATCH));
    }

    public TopologySettings withPolicy(LifecyclePolicy value) {
        return new TopologySettings(
                commandsTopic, timelineTopic, rejectionsTopic, value, maxCommandBytes, timerIntervalMs, timerBatch);
    }
}
