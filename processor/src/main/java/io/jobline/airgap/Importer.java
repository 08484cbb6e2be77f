package io.jobline.airgap;

import io.jobline.stream.TopicAdmin;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Imports a bundle into a Kafka cluster: checks every file first, then writes each record to the
 * same topic and partition with its key, headers and timestamp.
 *
 * <p>Resumable and idempotent through Kafka's own transactions. The records of a batch and the
 * progress they make ({@link ImportProgress}, in the target's topic {@value ImportProgress#TOPIC})
 * are committed in one transaction, whose id {@code jobline-import.<source cluster id>} fences a
 * second importer of the same source. A crash leaves an aborted batch that no {@code read_committed}
 * reader sees, and the next run starts where the last commit left off; importing a bundle again, or
 * a later bundle that overlaps it, skips the records already there. A bundle that would put records
 * before those already imported, or leave a gap after them, is refused, and so is a target
 * partition that holds records no import wrote. Nothing is kept beside the bundle, which may sit on
 * read-only media, and progress belongs to the target cluster, where it is true.
 *
 * <p>Import into a cluster whose processor is stopped. A running processor would write its own
 * timer fires for the historical timers it arms between imported records and so decide
 * differently; once the log is in, start it and its duplicate recorded commands are no-ops. The
 * processor's consumer group is checked before the import and again before every transaction
 * commits: one that started meanwhile aborts the open transaction, and the import stops.
 */
public final class Importer {

    /**
     * @param clientProperties bootstrap servers and any Kafka client settings (TLS, SASL)
     * @param replication replication factor of topics the import creates
     * @param applicationId the target processor's application id, which must not be running
     * @param recordsPerTransaction how many records one transaction commits at most: what a crash can cost
     */
    public record Settings(
            Properties clientProperties, int replication, String applicationId, int recordsPerTransaction) {

        public static final int DEFAULT_RECORDS_PER_TRANSACTION = 50_000;
    }

    /** What an import did: records written and records skipped as already imported. */
    public record Result(long written, long skipped, TransferProgress.Snapshot progress) {}

    private static final long TRANSACTION_BYTES = 64L << 20;
    private static final String TIMESTAMP_TYPE = "message.timestamp.type";

    private static final long PROGRESS_INTERVAL_MS = 5_000;

    private final Settings settings;
    private final TransferProgress.Listener listener;
    private final long progressIntervalMs;

    public Importer(Settings settings, TransferProgress.Listener listener) {
        this(settings, listener, PROGRESS_INTERVAL_MS);
    }

    /** As above, reporting progress every {@code progressIntervalMs} (0: after every record). */
    Importer(Settings settings, TransferProgress.Listener listener, long progressIntervalMs) {
        this.settings = settings;
        this.listener = listener;
        this.progressIntervalMs = progressIntervalMs;
    }

    /** Imports the {@code topics} of {@code bundle} (all of its topics when empty). */
    public Result importBundle(Bundle bundle, List<String> topics) {
        bundle.verify(listener);
        Manifest manifest = bundle.manifest();
        List<Manifest.Topic> selected = select(bundle, topics);
        for (Manifest.Topic topic : selected) {
            for (Manifest.PartitionFile file : topic.files()) {
                if (file.records() > 0 && file.firstOffset() == null) {
                    throw new AirGapException(bundle.origin() + ": " + file.file() + " has no offsets; only"
                            + " exported bundles can be imported");
                }
            }
        }
        String source = "jobline-import."
                + (manifest.source().clusterId() != null
                        ? manifest.source().clusterId()
                        : "bundle-" + bundle.id().substring(0, 16));
        ImportProgress progress = new ImportProgress(source, settings.clientProperties());
        long expected = selected.stream()
                .flatMap(t -> t.files().stream())
                .mapToLong(Manifest.PartitionFile::records)
                .sum();
        try (TopicAdmin.Client client = TopicAdmin.open(settings.clientProperties());
                KafkaProducer<byte[], byte[]> producer = producer(source)) {
            Admin admin = client.admin();
            checkTarget(admin, manifest);
            Map<String, Uuid> topicIds = ensureTopics(admin, selected);
            // Fencing first: an earlier importer of this source can commit nothing after the read.
            producer.initTransactions();
            Map<TopicPartition, ImportProgress.Partition> imported =
                    progress.read(admin, partitionsOf(selected), topicIds);
            checkRanges(bundle, selected, imported);
            TransferProgress transfer = new TransferProgress("import", expected, listener, progressIntervalMs);
            Batch batch =
                    new Batch(producer, progress, () -> refuseRunningProcessor(admin, "started during the import"));
            long[] counts = write(bundle, selected, imported, topicIds, batch, transfer);
            return new Result(counts[0], counts[1], transfer.finish());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AirGapException("import interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AirGapException("cannot prepare the target cluster: " + TopicAdmin.why(e), e);
        }
    }

    private static List<TopicPartition> partitionsOf(List<Manifest.Topic> topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        topics.forEach(topic ->
                topic.files().forEach(file -> partitions.add(new TopicPartition(topic.name(), file.partition()))));
        return partitions;
    }

    /**
     * Refuses a bundle whose records would not continue what the target holds: records before
     * those already imported (they would land after later ones), a gap after them, or a target
     * partition holding records no import wrote.
     */
    private void checkRanges(
            Bundle bundle, List<Manifest.Topic> topics, Map<TopicPartition, ImportProgress.Partition> imported) {
        List<TopicPartition> unimported = new ArrayList<>();
        for (Manifest.Topic topic : topics) {
            for (Manifest.PartitionFile file : topic.files()) {
                TopicPartition tp = new TopicPartition(topic.name(), file.partition());
                ImportProgress.Partition done = imported.get(tp);
                if (done == null) {
                    unimported.add(tp);
                } else if (file.firstOffset() != null && file.firstOffset() < done.first()) {
                    throw new AirGapException(bundle.origin() + ": " + file.file()
                            + " holds records from source offset "
                            + file.firstOffset() + ", but the target's copy of " + tp + " begins at offset "
                            + done.first() + "; they would land after later records. Import a partition's bundles"
                            + " in offset order, the earliest first, into topics that hold nothing else");
                } else if (done.next() < file.startOffset()) {
                    throw new AirGapException(bundle.origin() + ": " + file.file() + " starts at offset "
                            + file.startOffset() + " but the target holds this source partition only up to offset "
                            + done.next() + "; import the bundle that covers the offsets in between first");
                }
            }
        }
        Map<TopicPartition, Long> held = heldRecords(unimported);
        if (!held.isEmpty()) {
            throw new AirGapException("on the target, " + held.keySet() + " already hold records that no import"
                    + " wrote (at offsets " + held.values() + "); importing would mix them with the bundle's."
                    + " Import into topics that hold nothing else");
        }
    }

    private long[] write(
            Bundle bundle,
            List<Manifest.Topic> topics,
            Map<TopicPartition, ImportProgress.Partition> imported,
            Map<String, Uuid> topicIds,
            Batch batch,
            TransferProgress progress) {
        long written = 0;
        long skipped = 0;
        for (Manifest.Topic topic : topics) {
            String topicId = topicIds.get(topic.name()).toString();
            for (Manifest.PartitionFile file : topic.files()) {
                TopicPartition tp = new TopicPartition(topic.name(), file.partition());
                ImportProgress.Partition done = imported.get(tp);
                long next = done == null ? Long.MIN_VALUE : done.next();
                if (next >= file.endOffset()) {
                    skipped += file.records();
                    continue;
                }
                long first = done == null ? file.startOffset() : done.first();
                try (RecordLineReader reader = bundle.reader(file)) {
                    LogRecord record;
                    while ((record = reader.next()) != null) {
                        if (record.offset() < next) {
                            skipped++;
                            continue;
                        }
                        long bytes = batch.send(tp, file, record);
                        written++;
                        progress.add(1, bytes);
                        if (batch.records >= settings.recordsPerTransaction() || batch.bytes >= TRANSACTION_BYTES) {
                            batch.commit(tp, new ImportProgress.Partition(first, record.offset() + 1, topicId));
                        }
                    }
                }
                // The range's end, not the last record's offset + 1: the next bundle of this
                // partition starts exactly there, markers and aborted records included.
                batch.commit(tp, new ImportProgress.Partition(first, file.endOffset(), topicId));
            }
        }
        return new long[] {written, skipped};
    }

    /** The open transaction: its records, and the progress to commit with them. */
    private static final class Batch {
        private final KafkaProducer<byte[], byte[]> producer;
        private final ImportProgress progress;
        private final Runnable beforeCommit;
        /** The first record the broker refused, named by its file and offset; set by the producer's thread. */
        private final AtomicReference<AirGapException> refused = new AtomicReference<>();

        private boolean open;
        private int records;
        private long bytes;

        /** {@code beforeCommit} throws to refuse a commit; the transaction is then aborted. */
        Batch(KafkaProducer<byte[], byte[]> producer, ImportProgress progress, Runnable beforeCommit) {
            this.producer = producer;
            this.progress = progress;
            this.beforeCommit = beforeCommit;
        }

        long send(TopicPartition tp, Manifest.PartitionFile file, LogRecord record) {
            begin();
            List<org.apache.kafka.common.header.Header> headers =
                    new ArrayList<>(record.headers().size());
            record.headers().forEach(h -> headers.add(new RecordHeader(h.key(), h.value())));
            long offset = record.offset();
            try {
                producer.send(
                        new ProducerRecord<>(
                                tp.topic(), tp.partition(), record.timestamp(), record.key(), record.value(), headers),
                        (metadata, e) -> {
                            if (e != null) {
                                refused.compareAndSet(
                                        null,
                                        new AirGapException(
                                                file.file() + ", the record of offset " + offset + ": "
                                                        + e.getMessage(),
                                                e));
                            }
                        });
            } catch (KafkaException e) {
                throw failed(e);
            }
            long size = record.payloadBytes();
            records++;
            bytes += size;
            return size;
        }

        void commit(TopicPartition tp, ImportProgress.Partition done) {
            try {
                begin();
                producer.send(progress.record(tp, done));
                beforeCommit.run();
                producer.commitTransaction();
            } catch (RuntimeException e) {
                throw failed(e);
            }
            open = false;
            records = 0;
            bytes = 0;
        }

        private void begin() {
            if (!open) {
                producer.beginTransaction();
                open = true;
            }
        }

        /**
         * Aborts the transaction after {@code e}; returns what to throw. A record the broker refused
         * puts the producer in an error state, and every later call says only that: the refusal
         * itself, naming the record, is what the operator needs.
         */
        private RuntimeException failed(RuntimeException e) {
            abortQuietly();
            AirGapException cause = refused.get();
            return cause != null ? cause : e;
        }

        private void abortQuietly() {
            open = false;
            try {
                producer.abortTransaction();
            } catch (KafkaException e) {
                // Fenced or failed for good: nothing of the transaction is visible either way.
            }
        }
    }

    private static List<Manifest.Topic> select(Bundle bundle, List<String> topics) {
        if (topics.isEmpty()) {
            return bundle.manifest().topics();
        }
        List<Manifest.Topic> selected = new ArrayList<>();
        for (String name : new LinkedHashSet<>(topics)) { // a topic named twice is imported once
            selected.add(bundle.topic(name));
        }
        return selected;
    }

    private void checkTarget(Admin admin, Manifest manifest)
            throws InterruptedException, ExecutionException, TimeoutException {
        String target = admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        if (target != null && target.equals(manifest.source().clusterId())) {
            throw new AirGapException("the bundle was exported from this very cluster (" + target + "); importing"
                    + " it here would write every record twice");
        }
        refuseRunningProcessor(admin, "is running");
    }

    /** Throws when the target's processor has members: it must stay stopped until the log is in. */
    private void refuseRunningProcessor(Admin admin, String when) {
        int members;
        try {
            members = admin.describeConsumerGroups(List.of(settings.applicationId()))
                    .describedGroups()
                    .get(settings.applicationId())
                    .get(30, TimeUnit.SECONDS)
                    .members()
                    .size();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return;
            }
            throw new AirGapException(
                    "cannot check the target's processor: " + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw new AirGapException("cannot check the target's processor: " + TopicAdmin.why(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AirGapException("import interrupted", e);
        }
        if (members > 0) {
            throw new AirGapException("the processor (application id " + settings.applicationId() + ") " + when
                    + " on the target with " + members + " member(s); stop it until the import has finished, then"
                    + " start it (an interrupted import continues where it stopped)");
        }
    }

    /** Checks or creates the bundle's topics, and the progress topic; returns the topics' ids. */
    private Map<String, Uuid> ensureTopics(Admin admin, List<Manifest.Topic> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        ImportProgress.ensureTopic(admin, existing, settings.replication());
        List<String> present = topics.stream()
                .map(Manifest.Topic::name)
                .filter(existing::contains)
                .toList();
        // Served already, also where another client has only just created them: records follow at once.
        Map<String, TopicDescription> descriptions = new HashMap<>(TopicAdmin.awaitLeaders(admin, present));
        List<String> created = new ArrayList<>();
        for (Manifest.Topic topic : topics) {
            TopicDescription description = descriptions.get(topic.name());
            if (description != null) {
                checkExisting(admin, topic, description);
            } else if (TopicAdmin.createIfAbsent(
                    admin,
                    new NewTopic(topic.name(), topic.partitions(), (short) settings.replication())
                            .configs(Map.of(
                                    "cleanup.policy", "delete", "retention.ms", "-1", TIMESTAMP_TYPE, "CreateTime")))) {
                created.add(topic.name());
            } else { // created by another client meanwhile: as good as an existing one, once checked
                created.add(topic.name());
                checkExisting(
                        admin,
                        topic,
                        TopicAdmin.awaitLeaders(admin, List.of(topic.name())).get(topic.name()));
            }
        }
        descriptions.putAll(TopicAdmin.awaitLeaders(admin, created));
        Map<String, Uuid> ids = new HashMap<>();
        descriptions.forEach((name, description) -> ids.put(name, description.topicId()));
        return ids;
    }

    /** Refuses an existing target topic that would not keep the records' partitions and timestamps. */
    private static void checkExisting(Admin admin, Manifest.Topic topic, TopicDescription description)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (description.partitions().size() != topic.partitions()) {
            throw new AirGapException(
                    "topic " + topic.name() + " has " + description.partitions().size()
                            + " partitions on the target but " + topic.partitions() + " in the bundle; records must"
                            + " keep their partitions, so create it with " + topic.partitions());
        }
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic.name());
        ConfigEntry timestampType = admin.describeConfigs(List.of(resource))
                .all()
                .get(30, TimeUnit.SECONDS)
                .get(resource)
                .get(TIMESTAMP_TYPE);
        if (timestampType != null && "LogAppendTime".equals(timestampType.value())) {
            throw new AirGapException("topic " + topic.name() + " stamps records with LogAppendTime on the"
                    + " target; records must keep their timestamps (decisions depend on them), so set "
                    + TIMESTAMP_TYPE + "=CreateTime");
        }
    }

    /** Of {@code partitions}, those that hold a committed record, each with the offset of one. */
    private Map<TopicPartition, Long> heldRecords(List<TopicPartition> partitions) {
        Map<TopicPartition, Long> held = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
        ImportProgress.forEachCommitted(settings.clientProperties(), partitions, record -> {
            held.putIfAbsent(new TopicPartition(record.topic(), record.partition()), record.offset());
            return false;
        });
        return held;
    }

    private KafkaProducer<byte[], byte[]> producer(String transactionalId) {
        Properties props = new Properties();
        props.putAll(settings.clientProperties());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "jobline-import");
        props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 << 10);
        props.putIfAbsent(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L << 20);
        props.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 300_000);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
