package io.jobline.stream;

import io.jobline.config.JoblineConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Creates jobline's topics when they are missing, with the configured partitions and replication. */
public final class TopicAdmin {

    /** Kafka's default largest record batch of a topic (the broker's {@code message.max.bytes}). */
    static final int KAFKA_MAX_MESSAGE_BYTES = 1_048_588;

    private static final String MAX_MESSAGE_BYTES = "max.message.bytes";

    /** How long a topic's partitions may go without a leader before waiting for them fails. */
    private static final Duration READY_WITHIN = Duration.ofSeconds(30);

    private TopicAdmin() {}

    /**
     * Why a call of Kafka's admin API failed, for a message. When the 30 s that jobline waits for
     * an answer run out first (the admin client's own deadline is 60 s), the timeout says nothing:
     * its message is null. Waiting for a new topic's leaders times out with a message of its own.
     */
    public static String why(Exception e) {
        return e instanceof TimeoutException && e.getMessage() == null ? "no answer within 30 s" : e.getMessage();
    }

    /**
     * An admin client on {@code client}, closed without waiting out its calls. jobline waits 30 s
     * for an answer, the client's own calls last 60 s, and a plain close waits for them: against
     * a broker that is not there, a command failed after a minute instead of half of one.
     */
    public static Client open(Properties client) {
        return new Client(Admin.create(client));
    }

    /** See {@link #open}: every call on it has been waited for, or given up, when it closes. */
    public record Client(Admin admin) implements AutoCloseable {
        @Override
        public void close() {
            admin.close(Duration.ZERO);
        }
    }

    public static Properties adminProperties(JoblineConfig config) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(JoblineConfig.BOOTSTRAP_SERVERS));
        props.putAll(config.kafkaProperties());
        return props;
    }

    /**
     * Creates {@code topic} unless it exists; one that another client created meanwhile is as good.
     * Returns once every partition has a leader, and whether this call created it.
     */
    public static boolean createIfAbsent(Admin admin, NewTopic topic)
            throws InterruptedException, ExecutionException, TimeoutException {
        boolean created;
        try {
            admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            created = true;
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
            created = false;
        }
        awaitLeaders(admin, List.of(topic.name()));
        return created;
    }

    /**
     * Waits until the brokers serve every partition of {@code topics}. The controller acknowledges
     * a new topic before the brokers have it, and a broker lists itself as a partition's leader
     * before it acts as one: a describe, a Streams rebalance or a produce right after the create
     * may be told the topic does not exist, or that the broker is not its leader. An idempotent
     * producer refused that way can be left with a gap in its sequence it never gets past.
     * Returns the topics' descriptions.
     */
    public static Map<String, TopicDescription> awaitLeaders(Admin admin, Collection<String> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (topics.isEmpty()) {
            return Map.of();
        }
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        long pause = 10;
        Map<String, TopicDescription> described;
        while ((described = describedWithLeaders(admin, topics)) == null) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("a partition of " + topics + " has no leader on the brokers after "
                        + READY_WITHIN.toSeconds() + " s");
            }
            Thread.sleep(pause);
            pause = Math.min(pause * 2, 200);
        }
        // The leader answers this itself, so it fails until the leader acts as one; the admin
        // client retries that within its own timeout.
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        described
                .values()
                .forEach(description -> description
                        .partitions()
                        .forEach(partition -> latest.put(
                                new TopicPartition(description.name(), partition.partition()), OffsetSpec.latest())));
        admin.listOffsets(latest).all().get(READY_WITHIN.toSeconds(), TimeUnit.SECONDS);
        return described;
    }

    /** The descriptions of {@code topics} once every partition has a leader; null until then. */
    private static Map<String, TopicDescription> describedWithLeaders(Admin admin, Collection<String> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<String, TopicDescription> described;
        try {
            described = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return null;
            }
            throw e;
        }
        boolean led = described.values().stream()
                .flatMap(description -> description.partitions().stream())
                .allMatch(partition ->
                        partition.leader() != null && !partition.leader().isEmpty());
        return led ? described : null;
    }

    /** Creates what is missing; returns the names created. Existing topics are left as they are. */
    public static List<String> ensureTopics(JoblineConfig config) {
        try (Client client = open(adminProperties(config))) {
            Admin admin = client.admin();
            int partitions = config.get(JoblineConfig.TOPIC_PARTITIONS);
            short replication = config.get(JoblineConfig.TOPIC_REPLICATION).shortValue();
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<String> created = new ArrayList<>();
            List<String> topics = List.of(
                    config.get(JoblineConfig.COMMANDS_TOPIC),
                    config.get(JoblineConfig.TIMELINE_TOPIC),
                    config.get(JoblineConfig.REJECTIONS_TOPIC));
            for (String topic : topics) {
                if (existing.contains(topic)) {
                    continue;
                }
                Map<String, String> topicConfig =
                        new HashMap<>(Map.of("cleanup.policy", "delete", "retention.ms", "-1"));
                if (config.largestRecordBytes() > KAFKA_MAX_MESSAGE_BYTES) {
                    topicConfig.put(MAX_MESSAGE_BYTES, Integer.toString(config.largestRecordBytes()));
                }
                NewTopic newTopic = new NewTopic(topic, partitions, replication).configs(topicConfig);
                try {
                    if (createIfAbsent(admin, newTopic)) {
                        created.add(topic);
                    }
                } catch (ExecutionException e) {
                    throw new IllegalStateException(
                            "cannot create topic " + topic + " (" + partitions
                                    + " partitions, replication " + replication + "): "
                                    + e.getCause().getMessage()
                                    + "; create it yourself or give jobline the right to",
                            e.getCause());
                }
            }
            checkRecordLimits(admin, config, topics);
            return created;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "cannot reach Kafka at " + config.get(JoblineConfig.BOOTSTRAP_SERVERS) + " to check the topics: "
                            + why(e),
                    e);
        }
    }

    /**
     * Refuses topics that would refuse the processor's records: with a large
     * {@code jobline.command.max.bytes}, the first job that used it would stop the processor,
     * and every restart would meet the same record again.
     */
    private static void checkRecordLimits(Admin admin, JoblineConfig config, List<String> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        int largest = config.largestRecordBytes();
        if (largest <= KAFKA_MAX_MESSAGE_BYTES) {
            return; // within Kafka's default: nothing to ask
        }
        List<ConfigResource> resources = topics.stream()
                .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic))
                .toList();
        Map<ConfigResource, Config> configs =
                admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
        for (ConfigResource resource : resources) {
            ConfigEntry entry = configs.get(resource).get(MAX_MESSAGE_BYTES);
            long allowed =
                    entry == null || entry.value() == null ? KAFKA_MAX_MESSAGE_BYTES : Long.parseLong(entry.value());
            if (allowed < largest) {
                throw new IllegalStateException("topic " + resource.name() + " takes records of at most " + allowed
                        + " bytes (" + MAX_MESSAGE_BYTES + "), but with " + JoblineConfig.MAX_COMMAND_BYTES.name()
                        + "=" + config.get(JoblineConfig.MAX_COMMAND_BYTES) + " the processor may write records of "
                        + largest + ": raise the topic's " + MAX_MESSAGE_BYTES + " to " + largest
                        + " or more, or lower " + JoblineConfig.MAX_COMMAND_BYTES.name());
            }
        }
    }
}
