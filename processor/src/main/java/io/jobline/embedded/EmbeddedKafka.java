package io.jobline.embedded;

import io.jobline.stream.TopicAdmin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node KRaft broker in this JVM, from Kafka's own test kit: for `jobline dev`, the
 * benchmarks and the integration tests. Not for production: one node, replication factor one.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** Where the test kit keeps the single combined node's log directory. */
    private static final String NODE_DIRECTORY = "combined_0_0";

    private final KafkaClusterTestKit cluster;
    private boolean closed;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** A throw-away broker: its data is deleted on close. */
    public static EmbeddedKafka start() {
        return start(null);
    }

    /**
     * A broker whose data lives under {@code dataDir} (formatted on first use), so topics and
     * records survive a restart; null for a throw-away one. The port changes on every start.
     */
    public static EmbeddedKafka start(Path dataDir) {
        return start(dataDir, Map.of());
    }

    /** The same, with {@code brokerConfig} over the settings a single test node needs. */
    public static EmbeddedKafka start(Path dataDir, Map<String, String> brokerConfig) {
        try {
            TestKitNodes.Builder nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1);
            boolean formatted = false;
            if (dataDir != null) {
                Files.createDirectories(dataDir);
                nodes.setBaseDirectory(dataDir).setClusterId(clusterId(dataDir));
                formatted = Files.exists(dataDir.resolve(NODE_DIRECTORY).resolve("meta.properties"));
            }
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes.build())
                    .setDeleteOnClose(dataDir == null)
                    .setConfigProp("auto.create.topics.enable", "false")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("num.partitions", "1");
            brokerConfig.forEach(builder::setConfigProp);
            KafkaClusterTestKit cluster = builder.build();
            if (!formatted) {
                cluster.format();
            }
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new EmbeddedKafka(cluster);
        } catch (Exception e) {
            // The cause is all a user of jobline dev gets to see: a file in the way, a directory
            // another broker holds, a full disk.
            throw new IllegalStateException(
                    "cannot start the in-JVM Kafka broker" + (dataDir == null ? "" : " under " + dataDir) + ": " + e,
                    e);
        }
    }

    /** The cluster id of a persistent broker, made once and kept beside its data. */
    private static String clusterId(Path dataDir) throws java.io.IOException {
        Path file = dataDir.resolve("cluster.id");
        if (!Files.exists(file)) {
            Files.writeString(file, Uuid.randomUuid().toString());
        }
        return Files.readString(file).trim();
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    public Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return Admin.create(props);
    }

    public void createTopics(int partitions, String... names) {
        try (Admin admin = admin()) {
            admin.createTopics(java.util.Arrays.stream(names)
                            .map(name -> new NewTopic(name, partitions, (short) 1))
                            .toList())
                    .all()
                    .get(30, TimeUnit.SECONDS);
            TopicAdmin.awaitLeaders(admin, List.of(names));
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topics " + List.of(names), e);
        }
    }

    @Override
    public synchronized void close() {
        // The test kit throws on a second close.
        if (!closed) {
            closed = true;
            try {
                cluster.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the in-JVM broker failed", e);
            }
        }
    }
}
