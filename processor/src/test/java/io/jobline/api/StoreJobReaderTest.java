package io.jobline.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads of a job while the processor is not running: the client is told to retry, not shown a 500. */
class StoreJobReaderTest {

    @TempDir
    Path stateDir;

    @Test
    void shouldAnswerServiceUnavailableWhileTheProcessorIsNotRunning() throws Exception {
        try (KafkaStreams streams = streams()) {
            StoreJobReader reader = new StoreJobReader(streams, new HostInfo("localhost", 8080));
            assertUnavailable(reader); // created, not started

            streams.close(); // as after a failure (ERROR) or during shutdown
            assertUnavailable(reader);
        }
    }

    private static void assertUnavailable(StoreJobReader reader) {
        assertThatThrownBy(() -> reader.find("job-1", null, false))
                .isInstanceOfSatisfying(
                        Problem.ProblemException.class,
                        e -> assertThat(e.problem().status()).isEqualTo(503));
        assertThatThrownBy(() -> reader.find("job-1", null, true))
                .isInstanceOfSatisfying(
                        Problem.ProblemException.class,
                        e -> assertThat(e.problem().status()).isEqualTo(503));
    }

    private KafkaStreams streams() throws Exception {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in").to("out");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "store-job-reader-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1"); // never reached
        props.put(
                StreamsConfig.STATE_DIR_CONFIG,
                Files.createDirectories(stateDir).toString());
        return new KafkaStreams(builder.build(), props);
    }
}
