package io.jobline.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobline.testing.TestDatabase;
import io.jobline.wire.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What the projection must hold for a timeline, compared value by value (jsonb does not keep bytes). */
final class SinkAssertions {

    private SinkAssertions() {}

    /** {@code job_history} holds exactly the timeline's events: none lost, none twice, each envelope as sent. */
    static void assertHistoryEqualsTimeline(TestDatabase database, List<SinkRecord> timeline) {
        Map<String, JsonNode> expected = new TreeMap<>();
        for (SinkRecord record : timeline) {
            JsonNode envelope = tree(record.value());
            expected.put(envelope.path("id").asText(), envelope);
        }
        Map<String, JsonNode> actual = new TreeMap<>();
        for (List<Object> row : database.rows("SELECT event_id, envelope::text FROM job_history")) {
            actual.put((String) row.get(0), tree(((String) row.get(1)).getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(actual.keySet()).as("event ids in job_history").containsExactlyElementsOf(expected.keySet());
        assertThat(actual).as("envelopes in job_history").isEqualTo(expected);
    }

    /** {@code jobs} holds one row per job of the timeline, the snapshot of its last event. */
    static void assertJobsHoldTheLastEventOfEveryJob(TestDatabase database, List<SinkRecord> timeline) {
        Map<String, JsonNode> expected = new TreeMap<>();
        for (SinkRecord record : timeline) {
            JsonNode envelope = tree(record.value());
            expected.merge(
                    envelope.path("subject").asText(),
                    envelope,
                    (a, b) -> a.path("sequence").asLong() >= b.path("sequence").asLong() ? a : b);
        }
        expected.replaceAll((jobId, envelope) -> envelope.path("data").path("job"));
        Map<String, JsonNode> actual = new TreeMap<>();
        for (List<Object> row : database.rows("SELECT job_id, snapshot::text, status, sequence FROM jobs")) {
            JsonNode snapshot = tree(((String) row.get(1)).getBytes(StandardCharsets.UTF_8));
            assertThat(row.get(2))
                    .as("status column of %s", row.get(0))
                    .isEqualTo(snapshot.path("status").asText());
            assertThat(row.get(3))
                    .as("sequence column of %s", row.get(0))
                    .isEqualTo(snapshot.path("sequence").asLong());
            actual.put((String) row.get(0), snapshot);
        }
        assertThat(actual.keySet()).as("job ids in jobs").containsExactlyElementsOf(expected.keySet());
        assertThat(actual).as("snapshots in jobs").isEqualTo(expected);
    }

    static JsonNode tree(byte[] json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
