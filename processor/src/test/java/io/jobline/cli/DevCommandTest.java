package io.jobline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobline.config.ConfigException;
import io.jobline.config.JoblineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** How dev's own defaults meet what the user sets; no broker or database is started. */
class DevCommandTest {

    private static final String DEV_BROKER = "127.0.0.1:19092";
    private static final String DEV_DATABASE = "jdbc:postgresql://127.0.0.1:15432/postgres";

    static DevCommand dev(String... args) {
        DevCommand dev = new DevCommand();
        new CommandLine(dev).parseArgs(args);
        return dev;
    }

    static JoblineConfig devConfig(DevCommand dev) {
        JoblineConfig given = dev.givenConfig();
        return dev.withDevDefaults(given, DEV_BROKER, given.isGiven(JoblineConfig.DB_URL) ? null : DEV_DATABASE);
    }

    @Test
    void shouldUseDevsDefaultsForWhatTheUserLeavesOut() {
        JoblineConfig config = devConfig(dev("--data-dir", "/tmp/jobline-try"));

        assertThat(config.get(JoblineConfig.BOOTSTRAP_SERVERS)).isEqualTo(DEV_BROKER);
        assertThat(config.get(JoblineConfig.APPLICATION_ID)).isEqualTo("jobline-dev");
        assertThat(config.get(JoblineConfig.TOPIC_PARTITIONS)).isEqualTo(3);
        assertThat(config.get(JoblineConfig.STATE_DIR))
                .isEqualTo(Path.of("/tmp/jobline-try", "state").toString());
        assertThat(config.get(JoblineConfig.API_PORT)).isEqualTo(8080);
        assertThat(config.get(JoblineConfig.DB_URL)).isEqualTo(DEV_DATABASE);
    }

    @Test
    void shouldLetWhatTheUserSetsWinOverDevsDefaults() {
        JoblineConfig config = devConfig(dev(
                "--set", "jobline.topic.partitions=24",
                "--set", "jobline.application.id=jobline-try",
                "--set", "jobline.state.dir=/tmp/state",
                "--set", "jobline.api.port=9090"));

        assertThat(config.get(JoblineConfig.TOPIC_PARTITIONS)).isEqualTo(24);
        assertThat(config.get(JoblineConfig.APPLICATION_ID)).isEqualTo("jobline-try");
        assertThat(config.get(JoblineConfig.STATE_DIR)).isEqualTo("/tmp/state");
        assertThat(config.get(JoblineConfig.API_PORT)).isEqualTo(9090);
        assertThat(config.get(JoblineConfig.BOOTSTRAP_SERVERS)).isEqualTo(DEV_BROKER);
    }

    @Test
    void shouldTakeADatabaseOrPartitionsFromAConfigFileInsteadOfItsOwn(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("jobline.properties");
        Files.writeString(file, "jobline.db.url=jdbc:postgresql://db.internal:5432/jobs\njobline.topic.partitions=6\n");
        DevCommand dev = dev("--config", file.toString());

        assertThat(dev.givenConfig().isGiven(JoblineConfig.DB_URL)).isTrue(); // so dev starts no PostgreSQL
        JoblineConfig config = devConfig(dev);
        assertThat(config.get(JoblineConfig.DB_URL)).isEqualTo("jdbc:postgresql://db.internal:5432/jobs");
        assertThat(config.get(JoblineConfig.TOPIC_PARTITIONS)).isEqualTo(6);
    }

    @Test
    void shouldTakeItsOwnFlagsAsTheKeysTheyStandFor() {
        DevCommand dev = dev("--partitions", "5", "--port", "0", "--db-url", "jdbc:postgresql://db.internal/jobs");

        assertThat(dev.givenConfig().isGiven(JoblineConfig.DB_URL)).isTrue();
        JoblineConfig config = devConfig(dev);
        assertThat(config.get(JoblineConfig.TOPIC_PARTITIONS)).isEqualTo(5);
        assertThat(config.get(JoblineConfig.API_PORT)).isZero();
        assertThat(config.get(JoblineConfig.DB_URL)).isEqualTo("jdbc:postgresql://db.internal/jobs");
    }

    @Test
    void shouldRefuseAKeyGivenByOneOfItsFlagsAndBySet() {
        assertThatThrownBy(() -> dev("--partitions", "5", "--set", "jobline.topic.partitions=6")
                        .givenConfig())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("jobline.topic.partitions")
                .hasMessageContaining("--partitions and by --set");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS) // should the refusal go, dev would start and run
    void shouldRefuseABrokerAddressSinceDevRunsItsOwnBroker() {
        assertThatThrownBy(() ->
                        dev("--set", "jobline.bootstrap.servers=kafka:9092").givenConfig())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("jobline.bootstrap.servers")
                .hasMessageContaining("runs its own Kafka broker");
        assertThatThrownBy(
                        () -> dev("--set", "kafka.bootstrap.servers=kafka:9092").givenConfig())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.bootstrap.servers")
                .hasMessageContaining("runs its own Kafka broker");

        // Refused before anything starts, in one line.
        JoblineCliTest.Run run = JoblineCliTest.run("dev", "--bootstrap", "kafka:9092");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("jobline dev: invalid configuration jobline.bootstrap.servers:");
    }
}
