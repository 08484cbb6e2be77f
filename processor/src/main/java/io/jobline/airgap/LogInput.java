package io.jobline.airgap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The records of one topic that replay or verify reads: from a bundle (verified against its
 * manifest first), partition by partition in offset order; or from a plain NDJSON file, in the
 * file's order. Lines of a bundle that leave out their topic or partition get the file's.
 */
public final class LogInput implements AutoCloseable {

    /** One partition of a bundle's topic. */
    public record Part(int partition, Manifest.PartitionFile file) {}

    private final Path path;
    private final Bundle bundle;
    private final Manifest.Topic topic;

    private LogInput(Path path, Bundle bundle, Manifest.Topic topic) {
        this.path = path;
        this.bundle = bundle;
        this.topic = topic;
    }

    /**
     * Opens {@code path}: a bundle directory or .tar.gz (verified, then {@code topicOf} names the
     * topic to read from its manifest), or a plain NDJSON file.
     */
    public static LogInput open(Path path, Function<Manifest, String> topicOf) {
        return open(path, topicOf, TransferProgress.Listener.NONE);
    }

    /** As above, reporting the unpacking and the digest check of a bundle to {@code listener}. */
    public static LogInput open(Path path, Function<Manifest, String> topicOf, TransferProgress.Listener listener) {
        if (!Bundle.isBundle(path)) {
            if (!Files.isRegularFile(path)) {
                throw new AirGapException(path + " is neither a bundle nor an NDJSON file");
            }
            return new LogInput(path, null, null);
        }
        Bundle bundle = Bundle.open(path, listener);
        try {
            bundle.verify(listener);
            return new LogInput(path, bundle, bundle.topic(topicOf.apply(bundle.manifest())));
        } catch (RuntimeException e) {
            bundle.close();
            throw e;
        }
    }

    public boolean isBundle() {
        return bundle != null;
    }

    public Optional<Manifest> manifest() {
        return bundle == null ? Optional.empty() : Optional.of(bundle.manifest());
    }

    /** The topic's partition count when a manifest states it. */
    public OptionalInt partitions() {
        return topic == null ? OptionalInt.empty() : OptionalInt.of(topic.partitions());
    }

    /** What to call the input in messages. */
    public String name() {
        return topic == null ? path.toString() : path + " (" + topic.name() + ")";
    }

    /** The bundle's partitions in partition order; empty for a plain file. */
    public List<Part> parts() {
        if (topic == null) {
            return List.of();
        }
        List<Part> parts = new ArrayList<>();
        topic.files().stream()
                .sorted(Comparator.comparingInt(Manifest.PartitionFile::partition))
                .forEach(file -> parts.add(new Part(file.partition(), file)));
        return parts;
    }

    /** Every record, in order. */
    public void forEach(Consumer<LogRecord> consumer) {
        if (topic == null) {
            try (RecordLineReader reader = new RecordLineReader(Files.newInputStream(path), path.toString())) {
                readAll(reader, consumer, null, LogRecord.NO_PARTITION);
            } catch (IOException e) {
                throw new AirGapException("cannot read " + path + ": " + e.getMessage(), e);
            }
            return;
        }
        for (Part part : parts()) {
            forEach(part, consumer);
        }
    }

    /** Reads one partition of a bundle, filling in the topic and partition where a line leaves them out. */
    public void forEach(Part part, Consumer<LogRecord> consumer) {
        try (RecordLineReader reader = bundle.reader(part.file())) {
            readAll(reader, consumer, topic.name(), part.partition());
        }
    }

    private static void readAll(RecordLineReader reader, Consumer<LogRecord> consumer, String topic, int partition) {
        LogRecord record;
        while ((record = reader.next()) != null) {
            if (topic != null && (record.topic() == null || !record.hasPartition())) {
                record = new LogRecord(
                        topic,
                        partition,
                        record.offset(),
                        record.timestamp(),
                        record.key(),
                        record.value(),
                        record.headers());
            }
            consumer.accept(record);
        }
    }

    @Override
    public void close() {
        if (bundle != null) {
            bundle.close();
        }
    }
}
