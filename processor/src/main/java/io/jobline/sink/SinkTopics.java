package io.jobline.sink;

import io.jobline.config.JoblineConfig;
import java.util.List;

/** The two topics the sink projects, which decide how a record is read. */
public record SinkTopics(String timeline, String rejections) {

    public static SinkTopics from(JoblineConfig config) {
        return new SinkTopics(config.get(JoblineConfig.TIMELINE_TOPIC), config.get(JoblineConfig.REJECTIONS_TOPIC));
    }

    public List<String> names() {
        return List.of(timeline, rejections);
    }
}
