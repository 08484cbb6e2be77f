package io.jobline.sink;

import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies the versioned SQL files under {@code db/migration} (Flyway) to one schema, creating it
 * when missing. The sink applies them at start-up; {@code jobline migrate} lets an operator do it
 * ahead of time with a more privileged user.
 */
public final class Migrations {

    public static final String LOCATION = "classpath:db/migration";

    /** What one run did: the schema's version before and after, and the migrations applied. */
    public record Report(String schema, String versionBefore, String versionAfter, List<String> applied) {}

    private Migrations() {}

    /**
     * Flyway holds two connections at once. The sink's consumers all migrate as they start,
     * through one pool: run side by side, each took one and waited for a second that none would
     * give back, until the pool gave up. One at a time, two connections are enough.
     */
    private static final Object ONE_AT_A_TIME = new Object();

    public static Report apply(DataSource dataSource, String schema) {
        synchronized (ONE_AT_A_TIME) {
            return migrate(dataSource, schema);
        }
    }

    private static Report migrate(DataSource dataSource, String schema) {
        MigrateResult result = Flyway.configure()
                .dataSource(dataSource)
                .schemas(schema)
                .defaultSchema(schema)
                .createSchemas(true)
                .locations(LOCATION)
                .failOnMissingLocations(true)
                .load()
                .migrate();
        List<String> applied = result.migrations.stream()
                .map(migration -> "V" + migration.version + " " + migration.description)
                .toList();
        // Flyway leaves the target empty when there was nothing to apply.
        String after = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
        return new Report(schema, result.initialSchemaVersion, after, applied);
    }
}
