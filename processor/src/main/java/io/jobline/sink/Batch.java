package io.jobline.sink;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What a transaction writes besides history, gathered row by row: each job's latest event, the rejections. */
final class Batch {

    private final Map<String, EventRow> latestPerJob = new HashMap<>();
    private final List<RejectionRow> rejections = new ArrayList<>();
    private int malformed;

    void add(SinkRow row) {
        if (row instanceof EventRow event) {
            latestPerJob.merge(event.jobId(), event, (a, b) -> a.sequence() >= b.sequence() ? a : b);
        } else {
            RejectionRow rejection = (RejectionRow) row;
            rejections.add(rejection);
            if (!rejection.readable()) {
                malformed++;
            }
        }
    }

    /** At most one event per job: ON CONFLICT DO UPDATE may not touch a row twice in one statement. */
    Collection<EventRow> latestPerJob() {
        return latestPerJob.values();
    }

    List<RejectionRow> rejections() {
        return rejections;
    }

    /** Records the sink could not read as what their topic says, stored raw. */
    int malformed() {
        return malformed;
    }
}
