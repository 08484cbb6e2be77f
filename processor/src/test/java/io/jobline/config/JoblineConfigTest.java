package io.jobline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JoblineConfigTest {

    @Test
    void shouldUseTheDocumentedDefaults() {
        JoblineConfig config = JoblineConfig.defaults();
        assertThat(config.get(JoblineConfig.COMMANDS_TOPIC)).isEqualTo("jobline.commands");
        assertThat(config.get(JoblineConfig.PROCESSING_GUARANTEE)).isEqualTo("exactly_once_v2");
        assertThat(config.lifecyclePolicy().defaultLeaseMs()).isEqualTo(30_000);
        assertThat(config.egressPolicy().sealed()).isFalse();
    }

    @Test
    void shouldLetEnvironmentOverrideTheFileAndFlagsOverrideBoth(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("jobline.properties");
        Files.writeString(
                file,
                "jobline.topic.commands=from-file\njobline.topic.timeline=from-file\n"
                        + "jobline.topic.rejections=from-file\nkafka.security.protocol=SSL\n");
        JoblineConfig config = JoblineConfig.load(
                file,
                Map.of(
                        "JOBLINE_TOPIC_TIMELINE",
                        "from-env",
                        "JOBLINE_TOPIC_REJECTIONS",
                        "from-env",
                        "JOBLINE_KAFKA_SASL_MECHANISM",
                        "PLAIN",
                        "JOBLINE_TEST_DB_URL",
                        "ignored"),
                Map.of("jobline.topic.rejections", "from-flag"));
        assertThat(config.get(JoblineConfig.COMMANDS_TOPIC)).isEqualTo("from-file");
        assertThat(config.get(JoblineConfig.TIMELINE_TOPIC)).isEqualTo("from-env");
        assertThat(config.get(JoblineConfig.REJECTIONS_TOPIC)).isEqualTo("from-flag");
        assertThat(config.kafkaProperties())
                .containsEntry("security.protocol", "SSL")
                .containsEntry("sasl.mechanism", "PLAIN");
    }

    @Test
    void shouldLetEverySourceWinOverACommandsOwnDefaults() {
        JoblineConfig config = JoblineConfig.load(
                        null, Map.of("JOBLINE_APPLICATION_ID", "from-env"), Map.of("jobline.topic.partitions", "24"))
                .withDefaults(Map.of(
                        "jobline.application.id", "jobline-dev",
                        "jobline.topic.partitions", "3",
                        "jobline.state.dir", "/tmp/dev"));

        assertThat(config.get(JoblineConfig.APPLICATION_ID)).isEqualTo("from-env");
        assertThat(config.get(JoblineConfig.TOPIC_PARTITIONS)).isEqualTo(24);
        assertThat(config.get(JoblineConfig.STATE_DIR)).isEqualTo("/tmp/dev");
        assertThat(config.isGiven(JoblineConfig.STATE_DIR)).isTrue();
        assertThat(config.isGiven(JoblineConfig.DB_URL)).isFalse();
    }

    @Test
    void shouldNameTheKeyOfABadValue() {
        assertThatThrownBy(() -> JoblineConfig.of(Map.of("jobline.topic.partitions", "zero")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("jobline.topic.partitions")
                .hasMessageContaining("zero");
        assertThatThrownBy(() -> JoblineConfig.of(Map.of("jobline.retry.jitter", "1.5")))
                .hasMessageContaining("jobline.retry.jitter")
                .hasMessageContaining("between 0.0 and 1.0");
        assertThatThrownBy(() -> JoblineConfig.of(Map.of("jobline.processing.guarantee", "maybe")))
                .hasMessageContaining("exactly_once_v2");
    }

    @Test
    void shouldRefuseAPoolOfOneConnectionThatTheMigrationsCouldNeverRunIn() {
        // Flyway holds two connections at once: with one, the sink waited for ever, "unavailable".
        assertThatThrownBy(() -> JoblineConfig.of(Map.of("jobline.db.pool.size", "1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("jobline.db.pool.size");
        assertThat(JoblineConfig.of(Map.of("jobline.db.pool.size", "2")).get(JoblineConfig.DB_POOL_SIZE))
                .isEqualTo(2);
    }

    @Test
    void shouldRefuseADefaultRetryPolicyThatNoJobCouldDeclare() {
        // The snapshot of a job carries the defaults; the schemas, like a command, stop at these bounds.
        assertThatThrownBy(() -> JoblineConfig.of(Map.of("jobline.retry.max.retries", "1001")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("jobline.retry.max.retries")
                .hasMessageContaining("between 0 and 1000");
        assertThatThrownBy(() -> JoblineConfig.of(Map.of("jobline.retry.max.delay.ms", "2305843009213693952")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("jobline.retry.max.delay.ms")
                .hasMessageContaining("between 0 and 2305843009213693951");
        assertThatThrownBy(() -> JoblineConfig.of(Map.of("jobline.retry.initial.delay.ms", "2305843009213693952")))
                .hasMessageContaining("jobline.retry.initial.delay.ms");
        JoblineConfig longest = JoblineConfig.of(Map.of(
                "jobline.retry.max.retries", "1000",
                "jobline.retry.initial.delay.ms", "2305843009213693951",
                "jobline.retry.max.delay.ms", "2305843009213693951"));
        assertThat(longest.defaultRetry().maxRetries()).isEqualTo(1000);
        assertThat(longest.defaultRetry().maxDelayMs()).isEqualTo(2305843009213693951L);
    }

    @Test
    void shouldRefuseADefaultLeaseThatNoJobOrStartCouldDeclare() {
        // Longer, a start at a record time of today would set a lease expiring after the year
        // 9999 (events no schema admits) or, near Long.MAX_VALUE, overflow into the past: every
        // heartbeat refused and a lease timer that sorts after every other and never fires.
        assertThatThrownBy(() -> JoblineConfig.of(Map.of("jobline.lease.default.ms", "86400001")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("jobline.lease.default.ms")
                .hasMessageContaining("between 1 and 86400000");
        assertThatThrownBy(() -> JoblineConfig.of(Map.of("jobline.lease.default.ms", String.valueOf(Long.MAX_VALUE))))
                .hasMessageContaining("jobline.lease.default.ms");
        assertThat(JoblineConfig.of(Map.of("jobline.lease.default.ms", "86400000"))
                        .lifecyclePolicy()
                        .defaultLeaseMs())
                .isEqualTo(86_400_000L);
    }

    @Test
    void shouldRefuseAnApiPortNoSocketCanHave() {
        // Else dev started its broker and PostgreSQL, then died in a stack trace when the API bound.
        assertThatThrownBy(() -> JoblineConfig.of(Map.of("jobline.api.port", "65536")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("jobline.api.port")
                .hasMessageContaining("between 0 and 65535");
        assertThat(JoblineConfig.of(Map.of("jobline.api.port", "65535")).get(JoblineConfig.API_PORT))
                .isEqualTo(65535);
    }

    @Test
    void shouldRefuseAReplicationFactorKafkaCannotTake() {
        // Kafka's replication factor is a short: 40000 reached it as -25536.
        assertThatThrownBy(() -> JoblineConfig.of(Map.of("jobline.topic.replication", "40000")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("jobline.topic.replication")
                .hasMessageContaining("between 1 and 32767");
    }

    @Test
    void shouldRefuseAnAllowlistEntryThatIsNotAnEgressEntry() {
        assertThatThrownBy(() ->
                        JoblineConfig.of(Map.of("jobline.egress.allow", "db.internal:5432, user@mirror.local:443")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("jobline.egress.allow")
                .hasMessageContaining("'user@mirror.local:443' is not host:port");
        assertThat(JoblineConfig.of(Map.of("jobline.egress.allow", "db.internal:5432, *.mirror.local:443"))
                        .egressPolicy()
                        .allowlist())
                .containsExactly("*.mirror.local:443", "db.internal:5432");
    }

    @Test
    void shouldNameABadTokenEntryByItsPositionWithoutShowingAnyToken() {
        assertThatThrownBy(() -> JoblineConfig.of(Map.of("jobline.api.tokens", "acme:s3cret, badtoken")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid configuration jobline.api.tokens: entry 2 is not tenant:token");
        assertThatThrownBy(() -> JoblineConfig.of(Map.of("jobline.api.tokens", "acme:s3cret,globex:s3cret")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid configuration jobline.api.tokens: entry 2 gives tenant globex a token that"
                        + " tenant acme has already")
                .hasMessageNotContaining("s3cret");
        assertThat(JoblineConfig.of(Map.of("jobline.api.tokens", "acme:s3cret,globex:t:2"))
                        .tenantsByToken())
                .containsExactlyInAnyOrderEntriesOf(Map.of("s3cret", "acme", "t:2", "globex"));
    }

    @Test
    void shouldRefuseAnUnknownJoblineKey() {
        assertThatThrownBy(() -> JoblineConfig.of(Map.of("jobline.topic.comands", "x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("jobline.topic.comands")
                .hasMessageContaining("unknown key (README.md, section Configuration, lists the keys)");
    }

    @Test
    void shouldDocumentEveryKeyWithItsDefaultInTheReadme() throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("jobline.schemas.dir"), "..", "README.md"));
        for (ConfigKey<?> key : JoblineConfig.KEYS) {
            String shownDefault =
                    String.valueOf(key.defaultValue()).isEmpty() ? "(empty)" : "`" + key.defaultValue() + "`";
            assertThat(readme)
                    .as(key.name())
                    .contains("| `" + key.name() + "` | `" + key.envName() + "` | " + shownDefault + " | "
                            + key.description() + " |");
        }
    }
}
