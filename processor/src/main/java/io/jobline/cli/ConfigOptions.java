package io.jobline.cli;

import io.jobline.config.JoblineConfig;
import io.jobline.stream.TopicAdmin;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * How a command finds its configuration: the defaults, an optional properties file, the
 * {@code JOBLINE_*} environment, then these flags. Shared by every command that reads jobline's
 * configuration, so they all read it alike.
 */
final class ConfigOptions {

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file with jobline.* and kafka.* keys (the README's configuration reference).")
    Path file;

    @Option(names = "--bootstrap", paramLabel = "SERVERS",
            description = "Kafka bootstrap servers (default: jobline.bootstrap.servers, else localhost:9092).")
    String bootstrap;

    JoblineConfig load() {
        Map<String, String> overrides = new HashMap<>();
        if (bootstrap != null) {
            overrides.put(JoblineConfig.BOOTSTRAP_SERVERS.name(), bootstrap);
        }
        return JoblineConfig.load(file, System.getenv(), overrides);
    }

    /** Bootstrap servers and the {@code kafka.*} pass-through settings, for any Kafka client. */
    static Properties kafkaClient(JoblineConfig config) {
        return TopicAdmin.adminProperties(config);
    }
}
