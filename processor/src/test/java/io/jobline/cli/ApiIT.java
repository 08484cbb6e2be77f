package io.jobline.cli;

import io.jobline.embedded.EmbeddedKafka;
import java.util.EnumSet;
import io.jobline.testing.TestDatabase;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HTTP API end to end on a real in-JVM broker. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ApiIT {

    private static EmbeddedKafka broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void shouldServeTheJobLifecycleOverHttp() throws Exception {
        try (TestDatabase database = TestDatabase.create();
                JoblineRuntime runtime = JoblineRuntime.start(ApiScenario.config(broker.bootstrapServers(), database.settings()),
                EnumSet.allOf(JoblineRuntime.Role.class), false)) {
            ApiScenario.awaitReady(runtime);
            ApiScenario.run(runtime.apiPort(), true);
        }
    }
}
