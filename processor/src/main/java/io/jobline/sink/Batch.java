package io.jobline.sink;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The rows of one transaction, sorted by table; {@code latestPerJob} holds each job's highest sequence. */
record Batch(List<EventRow> events, Collection<EventRow> latestPerJob, List<RejectionRow> rejections) {

    static Batch of(List<SinkRow> rows) {
        List<EventRow> events = new ArrayList<>(rows.size());
        Map<String, EventRow> latest = new HashMap<>();
        List<RejectionRow> rejections = new ArrayList<>();
        for (SinkRow row : rows) {
            if (row instanceof EventRow event) {
                events.add(event);
                latest.merge(event.jobId(), event, (a, b) -> a.sequence() >= b.sequence() ? a : b);
            } else {
                rejections.add((RejectionRow) row);
            }
        }
        return new Batch(events, latest.values(), rejections);
    }

    /** Records the sink could not read as what their topic says, stored raw. */
    int malformed() {
        int count = 0;
        for (RejectionRow rejection : rejections) {
            if (!rejection.readable()) {
                count++;
            }
        }
        return count;
    }
}
