package io.jobline.cli;

import io.jobline.config.JoblineConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The configuration options every command shares; a picocli mixin so they are parsed in one place. */
final class ConfigOptions {

    @Option(names = "--config", paramLabel = "FILE", description = "A properties file of jobline.* and kafka.* keys.")
    Path file;

    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers" + " (jobline.bootstrap.servers; env JOBLINE_BOOTSTRAP_SERVERS).")
    String bootstrap;

    @Option(
            names = {"-s", "--set"},
            paramLabel = "KEY=VALUE",
            description = "Any configuration key, e.g."
                    + " --set jobline.topic.partitions=24 or --set kafka.security.protocol=SSL. Repeatable.")
    Map<String, String> settings = new LinkedHashMap<>();

    /** File, then environment, then these flags, then {@code overrides}. */
    JoblineConfig load(Map<String, String> overrides) {
        Map<String, String> flags = new LinkedHashMap<>(settings);
        if (bootstrap != null) {
            flags.put(JoblineConfig.BOOTSTRAP_SERVERS.name(), bootstrap);
        }
        flags.putAll(overrides);
        return JoblineConfig.load(file, System.getenv(), flags);
    }

    JoblineConfig load() {
        return load(Map.of());
    }
}
