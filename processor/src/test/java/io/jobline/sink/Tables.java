package io.jobline.sink;

import io.jobline.testing.TestDatabase;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The content of the sink's tables, in a form two snapshots can be compared in. */
final class Tables {

    private static final Map<String, String> QUERIES = Map.of(
            "jobs",
                    "SELECT job_id, tenant, job_type, status, attempt, failures, sequence, snapshot::text, "
                            + "created_at, updated_at, completed_at FROM jobs ORDER BY job_id",
            "job_history",
                    "SELECT job_id, sequence, event_id, type, time, tenant, envelope::text "
                            + "FROM job_history ORDER BY job_id, sequence",
            "job_rejections",
                    "SELECT topic, partition, record_offset, reason, message, status, job_id, command_id, "
                            + "command_type, time, record::text, encode(raw, 'hex') FROM job_rejections ORDER BY 1, 2, 3",
            "sink_offsets", "SELECT sink, topic, partition, next_offset FROM sink_offsets ORDER BY 1, 2, 3");

    private Tables() {}

    /** Every row of the four tables (all but sink_offsets.updated_at), by table. */
    static Map<String, List<List<Object>>> snapshot(TestDatabase database) {
        Map<String, List<List<Object>>> tables = new LinkedHashMap<>();
        QUERIES.forEach((table, query) -> tables.put(table, database.rows(query)));
        return tables;
    }
}
