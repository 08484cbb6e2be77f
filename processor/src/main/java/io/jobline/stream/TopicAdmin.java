package io.jobline.stream;

import io.jobline.config.JoblineConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates jobline's topics when they are missing, with the configured partitions and replication. */
public final class TopicAdmin {

    private TopicAdmin() {}

    public static Properties adminProperties(JoblineConfig config) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(JoblineConfig.BOOTSTRAP_SERVERS));
        props.putAll(config.kafkaProperties());
        return props;
    }

    /**
     * Creates {@code topic} unless it exists; one that another client created meanwhile is as good.
     * Returns whether this call created it.
     */
    public static boolean createIfAbsent(Admin admin, NewTopic topic)
            throws InterruptedException, ExecutionException, TimeoutException {
        try {
            admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw e;
        }
    }

    /** Creates what is missing; returns the names created. Existing topics are left as they are. */
    public static List<String> ensureTopics(JoblineConfig config) {
        try (Admin admin = Admin.create(adminProperties(config))) {
            int partitions = config.get(JoblineConfig.TOPIC_PARTITIONS);
            short replication = config.get(JoblineConfig.TOPIC_REPLICATION).shortValue();
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<String> created = new ArrayList<>();
            for (String topic : List.of(
                    config.get(JoblineConfig.COMMANDS_TOPIC),
                    config.get(JoblineConfig.TIMELINE_TOPIC),
                    config.get(JoblineConfig.REJECTIONS_TOPIC))) {
                if (existing.contains(topic)) {
                    continue;
                }
                NewTopic newTopic = new NewTopic(topic, partitions, replication)
                        .configs(Map.of("cleanup.policy", "delete", "retention.ms", "-1"));
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
            return created;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "cannot reach Kafka at " + config.get(JoblineConfig.BOOTSTRAP_SERVERS) + " to check the topics: "
                            + e.getMessage(),
                    e);
        }
    }
}
