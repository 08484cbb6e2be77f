package io.jobline.sink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;

/**
 * The PostgreSQL sink's meters. Counters are registered up front from the enums; the lag gauges
 * come and go with the partitions the sink is assigned. The sink thread records, any thread
 * (a scrape) reads: the lag gauges read a number the sink thread set, never the consumer.
 */
public final class SinkMetrics implements MeterBinder {

    public static final String ROWS = "jobline.sink.rows";
    public static final String MALFORMED = "jobline.sink.malformed";
    public static final String SKIPPED = "jobline.sink.skipped";
    public static final String BATCH_SIZE = "jobline.sink.batch.size";
    public static final String BATCH_LATENCY = "jobline.sink.batch.latency";
    public static final String LAG = "jobline.sink.lag";
    public static final String RETRIES = "jobline.sink.retries";

    /** The tables rows are counted in. */
    public enum Table {
        JOBS,
        JOB_HISTORY,
        JOB_REJECTIONS;

        String tagValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Why a transaction was tried again. */
    public enum RetryCause {
        /** PostgreSQL could not be reached or refused to work; the sink backs off. */
        UNAVAILABLE,
        /** Events were already in job_history; redone skipping them. */
        DUPLICATE,
        /** PostgreSQL refused a value; redone in halves to set the record apart. */
        UNWRITABLE;

        String tagValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Map<TopicPartition, PartitionLag> lags = new ConcurrentHashMap<>();
    private MeterRegistry registry;
    private Counter[] rows;
    private Counter[] retries;
    private Counter malformed;
    private Counter skipped;
    private DistributionSummary batchSize;
    private Timer batchLatency;

    private record PartitionLag(AtomicLong records, Gauge gauge) {}

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        rows = new Counter[Table.values().length];
        for (Table table : Table.values()) {
            rows[table.ordinal()] = Counter.builder(ROWS)
                    .description("Rows the sink added or updated, by table")
                    .tag("table", table.tagValue())
                    .register(registry);
        }
        retries = new Counter[RetryCause.values().length];
        for (RetryCause cause : RetryCause.values()) {
            retries[cause.ordinal()] = Counter.builder(RETRIES)
                    .description("Sink transactions tried again, by cause")
                    .tag("cause", cause.tagValue())
                    .register(registry);
        }
        malformed = Counter.builder(MALFORMED)
                .description("Records the sink could never write, stored raw in job_rejections")
                .register(registry);
        // Zero in a healthy sink: non-zero means it read records it had written (a seek missed, or
        // two writers overlapped after a rebalance) and the offset check kept them out.
        skipped = Counter.builder(SKIPPED)
                .description("Records skipped because sink_offsets showed them already written")
                .register(registry);
        batchSize = DistributionSummary.builder(BATCH_SIZE)
                .description("Records per sink transaction")
                .baseUnit("records")
                .register(registry);
        batchLatency = Timer.builder(BATCH_LATENCY)
                .description("Time to write one batch, its transaction and any retry of it included")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
    }

    void written(WriteResult result, Duration latency) {
        rows[Table.JOB_HISTORY.ordinal()].increment(result.events());
        rows[Table.JOBS.ordinal()].increment(result.jobs());
        rows[Table.JOB_REJECTIONS.ordinal()].increment(result.rejections());
        malformed.increment(result.malformed());
        skipped.increment(result.alreadyWritten());
        retries[RetryCause.DUPLICATE.ordinal()].increment(result.duplicateRetries());
        retries[RetryCause.UNWRITABLE.ordinal()].increment(result.unwritableRetries());
        batchSize.record(result.records());
        batchLatency.record(latency);
    }

    void retried(RetryCause cause) {
        retries[cause.ordinal()].increment();
    }

    /** Records of {@code partition} not in PostgreSQL yet: its end offset minus the sink's position. */
    void lag(TopicPartition partition, long records) {
        lags.computeIfAbsent(partition, this::register).records().set(records);
    }

    /** Drops the gauges of partitions the sink no longer holds. */
    void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            PartitionLag lag = lags.remove(partition);
            if (lag != null) {
                registry.remove(lag.gauge());
            }
        }
    }

    private PartitionLag register(TopicPartition partition) {
        AtomicLong records = new AtomicLong();
        Gauge gauge = Gauge.builder(LAG, records, AtomicLong::get)
                .description("Records of a partition not yet written to PostgreSQL")
                .baseUnit("records")
                .tag("topic", partition.topic())
                .tag("partition", String.valueOf(partition.partition()))
                .register(registry);
        return new PartitionLag(records, gauge);
    }
}
