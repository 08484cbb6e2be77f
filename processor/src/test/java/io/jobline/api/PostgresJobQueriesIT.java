package io.jobline.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobline.sink.Migrations;
import io.jobline.testing.TestDatabase;
import io.jobline.wire.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Lists and histories from the sink's tables, on a real PostgreSQL. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PostgresJobQueriesIT {

    @Test
    void shouldPageThroughEveryJobOfATenantOnceNewestFirst() throws Exception {
        try (TestDatabase database = TestDatabase.create()) {
            Migrations.apply(database.dataSource(), database.schema());
            // ties on updated_at, sub-millisecond times, and another tenant in between
            String[][] jobs = {
                {"j-a", "acme", "2026-11-29 10:00:00.000001+00"},
                {"j-b", "acme", "2026-11-29 10:00:00.000001+00"},
                {"j-c", "acme", "2026-11-29 10:00:00.000001+00"},
                {"j-d", "globex", "2026-11-29 10:00:00.000001+00"},
                {"j-e", "acme", "2026-11-29 10:00:00.000002+00"},
                {"j-f", "acme", "2026-11-29 09:00:00+00"},
                {"j-g", "acme", "2026-03-29 01:30:00+00"},
            };
            for (String[] job : jobs) {
                database.execute("insert into jobs values ('" + job[0] + "', '" + job[1] + "', 't', 'scheduled', 0, 0,"
                        + " 2, '{\"jobId\":\"" + job[0] + "\"}', '" + job[2] + "', '" + job[2] + "', null)");
            }
            PostgresJobQueries queries = new PostgresJobQueries(database.dataSource());
            List<String> seen = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                JobQueries.Page page = queries.list("acme", null, null, 2, cursor);
                for (byte[] job : page.jobs()) {
                    seen.add(Json.readTree(job).path("jobId").asText());
                }
                cursor = page.nextCursor();
                assertThat(++pages).isLessThan(10);
            } while (cursor != null);
            assertThat(seen).containsExactly("j-e", "j-c", "j-b", "j-a", "j-f", "j-g");
        }
    }
}
