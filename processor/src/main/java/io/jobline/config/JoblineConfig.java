package io.jobline.config;

import io.jobline.domain.EgressPolicy;
import io.jobline.domain.LifecyclePolicy;
import io.jobline.domain.RetryPolicy;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * All of jobline's configuration, read once at start-up and checked there: every key is a
 * constant below with its default and description. Values come from, in rising precedence, the
 * defaults, an optional properties file, {@code JOBLINE_*} environment variables, and explicit
 * overrides (command-line flags). Keys under {@code kafka.} (or {@code JOBLINE_KAFKA_*}) pass
 * through to every Kafka client, for TLS, SASL and tuning.
 */
public final class JoblineConfig {

    public static final String KAFKA_PREFIX = "kafka.";
    private static final String ENV_PREFIX = "JOBLINE_";

    public static final ConfigKey<String> BOOTSTRAP_SERVERS = new ConfigKey<>(
            "jobline.bootstrap.servers", "localhost:9092", "Kafka bootstrap servers.", ConfigKey.nonEmpty());
    public static final ConfigKey<String> APPLICATION_ID = new ConfigKey<>(
            "jobline.application.id",
            "jobline",
            "Kafka Streams application id of the processor (also its consumer group).",
            ConfigKey.nonEmpty());
    public static final ConfigKey<String> COMMANDS_TOPIC = new ConfigKey<>(
            "jobline.topic.commands",
            "jobline.commands",
            "Topic of job commands, keyed by jobId.",
            ConfigKey.nonEmpty());
    public static final ConfigKey<String> TIMELINE_TOPIC = new ConfigKey<>(
            "jobline.topic.timeline",
            "jobline.timeline",
            "Topic of timeline events (CloudEvents), keyed by jobId.",
            ConfigKey.nonEmpty());
    public static final ConfigKey<String> REJECTIONS_TOPIC = new ConfigKey<>(
            "jobline.topic.rejections",
            "jobline.rejections",
            "Topic of rejected commands, keyed by jobId.",
            ConfigKey.nonEmpty());
    public static final ConfigKey<Integer> TOPIC_PARTITIONS = new ConfigKey<>(
            "jobline.topic.partitions",
            12,
            "Partitions of the three topics when jobline creates them.",
            ConfigKey.intAtLeast(1));
    public static final ConfigKey<Integer> TOPIC_REPLICATION = new ConfigKey<>(
            "jobline.topic.replication",
            1,
            "Replication factor of the topics when jobline creates them.",
            ConfigKey.intWithin(1, Short.MAX_VALUE));
    public static final ConfigKey<String> PROCESSING_GUARANTEE = new ConfigKey<>(
            "jobline.processing.guarantee",
            "exactly_once_v2",
            "Kafka Streams processing guarantee.",
            ConfigKey.oneOf("exactly_once_v2", "at_least_once"));
    public static final ConfigKey<Integer> STREAM_THREADS = new ConfigKey<>(
            "jobline.stream.threads",
            1,
            "Stream threads of the processor (one is as fast as two on a 2-core machine).",
            ConfigKey.intAtLeast(1));
    public static final ConfigKey<String> STATE_DIR = new ConfigKey<>(
            "jobline.state.dir",
            ".jobline/state",
            "Directory of the processor's local state stores (RocksDB); keep it on a persistent disk.",
            ConfigKey.nonEmpty());
    public static final ConfigKey<Long> COMMIT_INTERVAL_MS = new ConfigKey<>(
            "jobline.commit.interval.ms",
            100L,
            "How often the processor commits (and so publishes) its transaction.",
            ConfigKey.longAtLeast(1));
    public static final ConfigKey<Boolean> SEALED = new ConfigKey<>(
            "jobline.sealed",
            false,
            "Air-gap sealed mode: jobs whose declared egress is not allowlisted are failed"
                    + " (`AIRGAP_EGRESS_BLOCKED`), not scheduled; a `job.retry` of such a job is rejected"
                    + " until the allowlist covers it.",
            ConfigKey.bool());
    public static final ConfigKey<String> EGRESS_ALLOW = new ConfigKey<>(
            "jobline.egress.allow",
            "",
            "Comma-separated egress allowlist for sealed mode (host:port, https://host, *.domain:port).",
            JoblineConfig::egressAllowlist);
    public static final ConfigKey<Integer> MAX_COMMAND_BYTES = new ConfigKey<>(
            "jobline.command.max.bytes",
            262_144,
            "Largest command accepted; larger ones are rejected as too_large. An event carries its job's"
                    + " payload, result and error, so the processor's records may reach 3 times this"
                    + " plus 64 KiB: its producer and the topics jobline creates take that, and it"
                    + " refuses to start while a kafka.max.request.size given or an existing topic's"
                    + " max.message.bytes is smaller.",
            ConfigKey.intAtLeast(256));
    public static final ConfigKey<Integer> MAX_DEPENDENCIES = new ConfigKey<>(
            "jobline.dependencies.max",
            LifecyclePolicy.DEFAULT_MAX_DEPENDENCIES,
            "Most dependencies one job may declare.",
            ConfigKey.intAtLeast(0));
    public static final ConfigKey<Long> DEFAULT_LEASE_MS = new ConfigKey<>(
            "jobline.lease.default.ms",
            LifecyclePolicy.DEFAULT_LEASE_MS,
            "Lease of a started job when neither the start nor the job sets one (at most "
                    + LifecyclePolicy.MAX_LEASE_MS + ", as for a job's or a start's own leaseMs).",
            ConfigKey.longWithin(1, LifecyclePolicy.MAX_LEASE_MS));
    public static final ConfigKey<Integer> RETRY_MAX_RETRIES = new ConfigKey<>(
            "jobline.retry.max.retries",
            RetryPolicy.DEFAULT.maxRetries(),
            "Default retries after a retryable failure (at most " + RetryPolicy.MAX_RETRIES
                    + ", as for a job's own retry policy).",
            ConfigKey.intWithin(0, RetryPolicy.MAX_RETRIES));
    public static final ConfigKey<Long> RETRY_INITIAL_DELAY_MS = new ConfigKey<>(
            "jobline.retry.initial.delay.ms",
            RetryPolicy.DEFAULT.initialDelayMs(),
            "Default delay before the first retry (at most " + RetryPolicy.MAX_DELAY_MS + ").",
            ConfigKey.longWithin(0, RetryPolicy.MAX_DELAY_MS));
    public static final ConfigKey<Double> RETRY_MULTIPLIER = new ConfigKey<>(
            "jobline.retry.multiplier",
            RetryPolicy.DEFAULT.multiplier(),
            "Default backoff multiplier.",
            ConfigKey.doubleWithin(1.0, 1000.0));
    public static final ConfigKey<Long> RETRY_MAX_DELAY_MS = new ConfigKey<>(
            "jobline.retry.max.delay.ms",
            RetryPolicy.DEFAULT.maxDelayMs(),
            "Default cap of a retry delay (at most " + RetryPolicy.MAX_DELAY_MS + ").",
            ConfigKey.longWithin(0, RetryPolicy.MAX_DELAY_MS));
    public static final ConfigKey<Double> RETRY_JITTER = new ConfigKey<>(
            "jobline.retry.jitter",
            RetryPolicy.DEFAULT.jitter(),
            "Default jitter, as a fraction of the delay.",
            ConfigKey.doubleWithin(0.0, 1.0));
    public static final ConfigKey<Long> TIMER_INTERVAL_MS = new ConfigKey<>(
            "jobline.timer.interval.ms",
            250L,
            "How often the processor looks for due timers (wall clock).",
            ConfigKey.longAtLeast(1));
    public static final ConfigKey<Integer> TIMER_BATCH = new ConfigKey<>(
            "jobline.timer.batch",
            10_000,
            "Most timers fired in one look, to keep a transaction bounded.",
            ConfigKey.intAtLeast(1));

    public static final ConfigKey<String> DB_URL = new ConfigKey<>(
            "jobline.db.url",
            "jdbc:postgresql://localhost:5432/postgres",
            "JDBC URL of the PostgreSQL projection.",
            ConfigKey.nonEmpty());
    public static final ConfigKey<String> DB_USER =
            new ConfigKey<>("jobline.db.user", "postgres", "PostgreSQL user.", ConfigKey.nonEmpty());
    public static final ConfigKey<String> DB_PASSWORD = new ConfigKey<>(
            "jobline.db.password",
            "",
            "PostgreSQL password (empty for trust or peer authentication).",
            raw -> raw,
            true);
    public static final ConfigKey<String> DB_SCHEMA = new ConfigKey<>(
            "jobline.db.schema", "public", "PostgreSQL schema that holds jobline's tables.", ConfigKey.nonEmpty());
    public static final ConfigKey<Integer> DB_POOL_SIZE = new ConfigKey<>(
            "jobline.db.pool.size",
            4,
            "Connections in the pool (HikariCP); at least 2, as applying the migrations (Flyway) takes two.",
            ConfigKey.intAtLeast(2));
    public static final ConfigKey<String> SINK_GROUP_ID = new ConfigKey<>(
            "jobline.sink.group.id",
            "jobline-sink",
            "Consumer group of the PostgreSQL sink (offsets live in PostgreSQL, not Kafka).",
            ConfigKey.nonEmpty());
    public static final ConfigKey<Integer> SINK_MAX_POLL_RECORDS = new ConfigKey<>(
            "jobline.sink.max.poll.records",
            5_000,
            "Most records the sink writes in one transaction.",
            ConfigKey.intAtLeast(1));
    public static final ConfigKey<Integer> SINK_THREADS = new ConfigKey<>(
            "jobline.sink.threads",
            2,
            "Consumers the PostgreSQL sink runs in this process, each with its own thread, connection and share of "
                    + "the partitions; PostgreSQL runs one backend per connection, so two use a second core.",
            ConfigKey.intAtLeast(1));
    public static final ConfigKey<Long> SINK_RETRY_BACKOFF_MAX_MS = new ConfigKey<>(
            "jobline.sink.retry.backoff.max.ms",
            30_000L,
            "Longest wait between the sink's attempts while PostgreSQL is unavailable.",
            ConfigKey.longAtLeast(1));

    public static final ConfigKey<Integer> API_PORT =
            new ConfigKey<>("jobline.api.port", 8080, "Port of the HTTP API.", ConfigKey.intWithin(0, 65_535));
    public static final ConfigKey<String> API_BIND =
            new ConfigKey<>("jobline.api.bind", "0.0.0.0", "Address the HTTP API listens on.", ConfigKey.nonEmpty());
    public static final ConfigKey<String> API_ADVERTISED_HOST = new ConfigKey<>(
            "jobline.api.advertised.host",
            "localhost",
            "Host other instances reach this one's API at (GET /v1/jobs/{id} is forwarded to the"
                    + " instance that owns the job).",
            ConfigKey.nonEmpty());
    public static final ConfigKey<String> API_TOKENS = new ConfigKey<>(
            "jobline.api.tokens",
            "",
            "Bearer tokens, each bound to a tenant: tenant:token,tenant:token. Empty: no authentication"
                    + " (dev only; run refuses it without --insecure).",
            raw -> {
                tenantsByToken(raw);
                return raw;
            },
            true);
    public static final ConfigKey<Long> API_WAIT_MAX_MS = new ConfigKey<>(
            "jobline.api.wait.max.ms", 30_000L, "Longest ?wait= a client may ask for.", ConfigKey.longAtLeast(0));

    public static final List<ConfigKey<?>> KEYS = List.of(
            BOOTSTRAP_SERVERS,
            APPLICATION_ID,
            COMMANDS_TOPIC,
            TIMELINE_TOPIC,
            REJECTIONS_TOPIC,
            TOPIC_PARTITIONS,
            TOPIC_REPLICATION,
            PROCESSING_GUARANTEE,
            STREAM_THREADS,
            STATE_DIR,
            COMMIT_INTERVAL_MS,
            SEALED,
            EGRESS_ALLOW,
            MAX_COMMAND_BYTES,
            MAX_DEPENDENCIES,
            DEFAULT_LEASE_MS,
            RETRY_MAX_RETRIES,
            RETRY_INITIAL_DELAY_MS,
            RETRY_MULTIPLIER,
            RETRY_MAX_DELAY_MS,
            RETRY_JITTER,
            TIMER_INTERVAL_MS,
            TIMER_BATCH,
            DB_URL,
            DB_USER,
            DB_PASSWORD,
            DB_SCHEMA,
            DB_POOL_SIZE,
            SINK_GROUP_ID,
            SINK_MAX_POLL_RECORDS,
            SINK_THREADS,
            SINK_RETRY_BACKOFF_MAX_MS,
            API_PORT,
            API_BIND,
            API_ADVERTISED_HOST,
            API_TOKENS,
            API_WAIT_MAX_MS);

    private final Map<String, Object> values;
    private final Map<String, String> kafka;
    /** The keys a source set (file, environment, overrides); the others hold their defaults. */
    private final Set<String> given;

    private JoblineConfig(Map<String, Object> values, Map<String, String> kafka, Set<String> given) {
        this.values = values;
        this.kafka = kafka;
        this.given = given;
    }

    public static JoblineConfig defaults() {
        return of(Map.of());
    }

    /** Configuration from explicit {@code key=value} settings only (tests, embedded use). */
    public static JoblineConfig of(Map<String, String> settings) {
        return load(null, Map.of(), settings);
    }

    /**
     * Loads and validates. {@code file} may be null; {@code env} is usually {@link System#getenv()}.
     *
     * @throws ConfigException naming the first key that is unknown or has a bad value
     */
    public static JoblineConfig load(Path file, Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> raw = new LinkedHashMap<>();
        if (file != null) {
            raw.putAll(readFile(file));
        }
        env.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX + "KAFKA_")) {
                raw.put(
                        KAFKA_PREFIX
                                + name.substring((ENV_PREFIX + "KAFKA_").length())
                                        .toLowerCase(Locale.ROOT)
                                        .replace('_', '.'),
                        value);
            } else if (name.startsWith(ENV_PREFIX)) {
                String key = keyForEnv(name);
                if (key != null) {
                    raw.put(key, value);
                }
            }
        });
        raw.putAll(overrides);

        Map<String, ConfigKey<?>> known = new HashMap<>();
        KEYS.forEach(key -> known.put(key.name(), key));
        Map<String, Object> values = new HashMap<>();
        Map<String, String> kafka = new TreeMap<>();
        raw.forEach((name, value) -> {
            if (name.startsWith(KAFKA_PREFIX)) {
                kafka.put(name.substring(KAFKA_PREFIX.length()), value);
            } else if (known.containsKey(name)) {
                values.put(name, known.get(name).parse(value));
            } else if (name.startsWith("jobline.")) {
                throw new ConfigException(
                        name, value, "unknown key (README.md, section Configuration, lists the keys)");
            }
        });
        Set<String> given = Set.copyOf(values.keySet());
        for (ConfigKey<?> key : KEYS) {
            values.putIfAbsent(key.name(), key.defaultValue());
        }
        return new JoblineConfig(Map.copyOf(values), Map.copyOf(kafka), given);
    }

    /**
     * The environment may hold JOBLINE_* variables that are not configuration (JOBLINE_TEST_DB_URL,
     * the launcher's own); only those that name a key are read.
     */
    private static String keyForEnv(String envName) {
        for (ConfigKey<?> key : KEYS) {
            if (key.envName().equals(envName)) {
                return key.name();
            }
        }
        return null;
    }

    private static Map<String, String> readFile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException("--config", file.toString(), "cannot read the file: " + e.getMessage());
        }
        Map<String, String> raw = new LinkedHashMap<>();
        properties.stringPropertyNames().stream().sorted().forEach(name -> raw.put(name, properties.getProperty(name)));
        return raw;
    }

    @SuppressWarnings("unchecked")
    public <T> T get(ConfigKey<T> key) {
        return (T) values.get(key.name());
    }

    /**
     * The largest record the processor may write while commands are at most
     * {@link #MAX_COMMAND_BYTES}: an event carries its job's payload, result and error, each
     * from a command that large, and its envelope. Kafka must take records this large.
     */
    public int largestRecordBytes() {
        return (int) Math.min(Integer.MAX_VALUE, 3L * get(MAX_COMMAND_BYTES) + 65_536);
    }

    /** Kafka client properties passed through, without the {@code kafka.} prefix. */
    public Map<String, String> kafkaProperties() {
        return kafka;
    }

    /** Whether a source (file, environment, overrides, {@link #with}) set {@code key}. */
    public boolean isGiven(ConfigKey<?> key) {
        return given.contains(key.name());
    }

    public JoblineConfig with(Map<String, String> overrides) {
        Map<String, String> raw = new LinkedHashMap<>();
        values.forEach((name, value) -> raw.put(name, String.valueOf(value)));
        kafka.forEach((name, value) -> raw.put(KAFKA_PREFIX + name, value));
        raw.putAll(overrides);
        JoblineConfig loaded = load(null, Map.of(), raw);
        Set<String> nowGiven = new HashSet<>(given);
        overrides.keySet().stream().filter(loaded.values::containsKey).forEach(nowGiven::add);
        return new JoblineConfig(loaded.values, loaded.kafka, Set.copyOf(nowGiven));
    }

    /**
     * This configuration with {@code defaults} for the keys no source gave: a command's own
     * defaults (dev's), which anything the user set wins over.
     */
    public JoblineConfig withDefaults(Map<String, String> defaults) {
        Map<String, String> missing = new LinkedHashMap<>(defaults);
        missing.keySet().removeAll(given);
        return with(missing);
    }

    public RetryPolicy defaultRetry() {
        try {
            return new RetryPolicy(
                    get(RETRY_MAX_RETRIES),
                    get(RETRY_INITIAL_DELAY_MS),
                    get(RETRY_MULTIPLIER),
                    get(RETRY_MAX_DELAY_MS),
                    get(RETRY_JITTER));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("jobline.retry.*", e.getMessage());
        }
    }

    /** The API's bearer tokens, each mapped to the tenant it acts for. */
    public Map<String, String> tenantsByToken() {
        return tenantsByToken(get(API_TOKENS));
    }

    /** Parses {@code tenant:token,...}; a bad entry is named by its position, never by its text. */
    private static Map<String, String> tenantsByToken(String spec) {
        Map<String, String> tokens = new HashMap<>();
        String[] entries = spec.split(",");
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].trim();
            if (entry.isEmpty()) {
                continue;
            }
            int colon = entry.indexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new IllegalArgumentException("entry " + (i + 1) + " is not tenant:token");
            }
            String tenant = entry.substring(0, colon);
            String other = tokens.put(entry.substring(colon + 1), tenant);
            if (other != null && !other.equals(tenant)) {
                // Bound to the last would let one tenant act as the other.
                throw new IllegalArgumentException("entry " + (i + 1) + " gives tenant " + tenant
                        + " a token that tenant " + other + " has already");
            }
        }
        return Map.copyOf(tokens);
    }

    public EgressPolicy egressPolicy() {
        return new EgressPolicy(get(SEALED), entries(get(EGRESS_ALLOW)));
    }

    private static List<String> entries(String allowlist) {
        return Arrays.stream(allowlist.split(","))
                .map(String::trim)
                .filter(entry -> !entry.isEmpty())
                .toList();
    }

    private static String egressAllowlist(String raw) {
        for (String entry : entries(raw)) {
            String problem = EgressPolicy.problem(entry);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
        }
        return raw;
    }

    public LifecyclePolicy lifecyclePolicy() {
        return new LifecyclePolicy(egressPolicy(), defaultRetry(), get(DEFAULT_LEASE_MS), get(MAX_DEPENDENCIES));
    }
}
