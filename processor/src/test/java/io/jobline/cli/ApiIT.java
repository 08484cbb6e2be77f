package io.jobline.cli;

import io.jobline.embedded.EmbeddedKafka;
import java.util.EnumSet;
import java.util.Map;
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
        try (JoblineRuntime runtime = JoblineRuntime.start(ApiScenario.config(broker.bootstrapServers(), Map.of()),
                EnumSet.of(JoblineRuntime.Role.PROCESSOR, JoblineRuntime.Role.API), false)) {
            ApiScenario.awaitReady(runtime);
            ApiScenario.run(runtime.apiPort(), false);
        }
    }
}
