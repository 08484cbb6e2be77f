package io.jobline.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.jobline.config.JoblineConfig;
import io.jobline.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The migrations against a real PostgreSQL, as the sink's consumers apply them. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MigrationsIT {

    /**
     * Every consumer of a sink applies the migrations before its first write, all at once at
     * start-up, through the process's one pool. Flyway holds two connections at a time: two
     * consumers each holding one and waiting for a second starved each other until the pool gave
     * up, and the sink reported PostgreSQL unavailable.
     */
    @Test
    void shouldMigrateFromConsumersThatStartTogetherOnASmallPool() throws Exception {
        try (TestDatabase database = TestDatabase.create()) {
            String schema = database.schema() + "_sink";
            try (HikariDataSource pool = DataSources.create(
                    database.config(
                            Map.of(JoblineConfig.DB_SCHEMA.name(), schema, JoblineConfig.DB_POOL_SIZE.name(), "2")),
                    "jobline-migrations-it")) {
                CountDownLatch start = new CountDownLatch(1);
                List<CompletableFuture<Migrations.Report>> consumers = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    consumers.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            start.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return Migrations.apply(pool, schema);
                    }));
                }
                start.countDown();

                for (CompletableFuture<Migrations.Report> consumer : consumers) {
                    assertThat(consumer.get().versionAfter()).isEqualTo("1");
                }
            } finally {
                database.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }
}
