package io.jobline.cli;

import io.jobline.testing.TestDatabase;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The API scenario against Testcontainers' Kafka module. Runs where a Docker engine exists; where
 * there is none (as on the project's build machines) JUnit reports it skipped, with the reason.
 */
@Testcontainers(disabledWithoutDocker = true)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ApiTestcontainersIT {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka-native:3.8.0");

    @Test
    void shouldServeTheJobLifecycleOverHttpOnAContainerizedBroker() throws Exception {
        try (TestDatabase database = TestDatabase.create();
                JoblineRuntime runtime = JoblineRuntime.start(
                        ApiScenario.config(KAFKA.getBootstrapServers(), database.settings()),
                        EnumSet.allOf(JoblineRuntime.Role.class),
                        false)) {
            ApiScenario.awaitReady(runtime);
            ApiScenario.run(runtime.apiPort(), true);
        }
    }
}
