package io.jobline.sink;

import io.jobline.config.JoblineConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL sink: projects the timeline and rejections topics into PostgreSQL exactly once
 * (DESIGN §4). It runs {@code jobline.sink.threads} consumers of the sink's group, each on its
 * own thread with its own connection and share of the partitions ({@link SinkLoop}): PostgreSQL
 * runs one backend per connection, so a second consumer puts a second core to work, as a second
 * sink process would. Offsets live in PostgreSQL, so consumers and processes can come and go.
 *
 * <p>If one consumer stops on an unexpected error, the others are stopped too and the sink
 * reports {@link SinkHealth.Status#FAILED}: a sink that writes only some partitions would look
 * alive while falling behind.
 */
public final class PostgresSink implements Runnable, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresSink.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final List<SinkLoop> loops;

    /**
     * @param dataSource connections to the configured schema ({@link DataSources#create}), at
     *     least one per consumer
     * @param metrics already bound to a registry; shared by the consumers
     */
    public PostgresSink(JoblineConfig config, DataSource dataSource, SinkMetrics metrics) {
        int threads = config.get(JoblineConfig.SINK_THREADS);
        List<SinkLoop> created = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            created.add(new SinkLoop(
                    config.get(JoblineConfig.SINK_GROUP_ID) + "-" + i, config, dataSource, metrics, this::stopAll));
        }
        this.loops = List.copyOf(created);
    }

    /** Starts every consumer on a thread of its own and returns. */
    public void start() {
        for (SinkLoop loop : loops) {
            new Thread(loop, loop.name()).start();
        }
    }

    /** Runs the sink until it is closed or fails. */
    @Override
    public void run() {
        start();
        try {
            for (SinkLoop loop : loops) {
                loop.awaitStopped();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The least healthy of the consumers: the sink is ready only when all of them are. */
    public SinkHealth health() {
        SinkHealth worst = null;
        for (SinkLoop loop : loops) {
            SinkHealth health = loop.health();
            if (worst == null || severity(health.status()) > severity(worst.status())) {
                worst = health;
            }
        }
        return worst;
    }

    public boolean isReady() {
        return health().isReady();
    }

    /** Why the sink stopped for good ({@link SinkHealth.Status#FAILED}), or null while it runs. */
    public String failure() {
        SinkHealth health = health();
        return health.status() == SinkHealth.Status.FAILED ? health.detail() : null;
    }

    /** The partitions this process holds now, over all its consumers. */
    public Set<TopicPartition> assignment() {
        Set<TopicPartition> all = new HashSet<>();
        loops.forEach(loop -> all.addAll(loop.assignment()));
        return all;
    }

    /**
     * Whether every consumer holds partitions now. Until then a consumer that has not joined yet
     * will, and the rebalance that follows pauses them all for a moment: a measurement of the
     * sink's rate or lag starts once this holds (given partitions enough for every consumer).
     */
    public boolean everyConsumerAssigned() {
        return loops.stream().noneMatch(loop -> loop.assignment().isEmpty());
    }

    /** Stops every consumer and waits for them (each closes its Kafka consumer). */
    @Override
    public void close() {
        stopAll();
        try {
            for (SinkLoop loop : loops) {
                if (!loop.awaitStopped(CLOSE_TIMEOUT)) {
                    LOG.warn("{} did not stop within {}", loop.name(), CLOSE_TIMEOUT);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void stopAll() {
        loops.forEach(SinkLoop::stop);
    }

    /** Which status speaks for the sink when its consumers disagree. */
    private static int severity(SinkHealth.Status status) {
        return switch (status) {
            case READY -> 0;
            case STOPPED -> 1;
            case STARTING -> 2;
            case DATABASE_UNAVAILABLE -> 3;
            case FAILED -> 4;
        };
    }
}
