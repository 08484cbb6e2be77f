package io.jobline.cli;

import io.jobline.testing.KafkaBrokerExtension;
import io.jobline.testing.TestDatabase;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The HTTP API end to end on a real in-JVM broker. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ApiIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void shouldServeTheJobLifecycleOverHttp() throws Exception {
        try (TestDatabase database = TestDatabase.create();
                JoblineRuntime runtime = JoblineRuntime.start(
                        ApiScenario.config(KAFKA.bootstrapServers(), database.settings()),
                        EnumSet.allOf(JoblineRuntime.Role.class),
                        false)) {
            ApiScenario.awaitReady(runtime);
            ApiScenario.run(runtime.apiPort(), true);
        }
    }
}
