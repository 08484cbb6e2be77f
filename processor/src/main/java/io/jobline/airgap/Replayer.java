package io.jobline.airgap;

import io.jobline.domain.Command;
import io.jobline.domain.Lifecycle;
import io.jobline.domain.MemoryStores;
import io.jobline.domain.TimelineEvent;
import io.jobline.wire.CommandHandler;
import io.jobline.wire.EventCodec;
import io.jobline.wire.JsonBuffer;
import io.jobline.wire.RejectionRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Offline replay (DESIGN §1, §7): the commands log through the processor's own
 * {@link CommandHandler}, stores in memory, no broker. Recorded commands ({@code timer.fire},
 * {@code dependency.*}) are read from the log like any other; the follow-ups the handler decides
 * are let go unrendered, since live they became exactly those records. So the timeline and rejections come
 * out byte for byte as the live processor wrote them, on the partitions it wrote them to.
 *
 * <p>Partitions are independent: a job's commands, state and events all live on the partition of
 * its id, and everything that crosses jobs travels as a recorded command on the log. So partitions
 * replay in parallel, one engine each. The output lists the records in the order of the commands
 * that caused them, partition by partition, each record naming the partition live wrote it to.
 */
public final class Replayer {

    // The headers LifecycleProcessor gives its outputs; ReplayerTest compares them with the topology's.
    static final List<LogRecord.Header> TIMELINE_HEADERS =
            List.of(LogRecord.Header.of("content-type", EventCodec.CONTENT_TYPE));
    static final List<LogRecord.Header> REJECTION_HEADERS =
            List.of(LogRecord.Header.of("content-type", "application/json"));

    private static final int BATCH = 1_024;
    /** How many partitions' replays a worker keeps in an array, by number. */
    private static final int CACHED_PARTITIONS = 1_024;

    private static final int PARTITION_BUFFER = 256 << 10;

    /**
     * How to decide and where outputs go.
     *
     * @param partitions the commands topic's partition count, for records that do not name their partition
     * @param threads engines running at once (partitions are spread over them)
     */
    public record Settings(
            ProcessorPolicy policy,
            String timelineTopic,
            String rejectionsTopic,
            int partitions,
            int timelinePartitions,
            int rejectionsPartitions,
            int threads) {

        public Settings {
            if (partitions < 1 || timelinePartitions < 1 || rejectionsPartitions < 1 || threads < 1) {
                throw new IllegalArgumentException("partition counts and threads must be at least 1");
            }
        }
    }

    /** What a replay did. */
    public record Result(long commands, long events, long rejections, int partitions, long nanos) {
        public double commandsPerSecond() {
            return commands / (nanos / 1e9);
        }
    }

    private final Settings settings;
    private final TransferProgress.Listener listener;
    private final long progressIntervalMs;

    public Replayer(Settings settings) {
        this(settings, TransferProgress.Listener.NONE);
    }

    /** A replay that reports the commands replayed so far, and their bytes, every five seconds. */
    public Replayer(Settings settings, TransferProgress.Listener listener) {
        this(settings, listener, 5_000);
    }

    Replayer(Settings settings, TransferProgress.Listener listener, long progressIntervalMs) {
        this.settings = settings;
        this.listener = listener;
        this.progressIntervalMs = progressIntervalMs;
    }

    /** Replays {@code commands} into the two NDJSON files, each replaced only once complete. */
    public Result replay(LogInput commands, Path timelineOut, Path rejectionsOut) {
        long start = System.nanoTime();
        Path work = createWorkDirectory(timelineOut);
        Path timelinePartial = partial(timelineOut);
        Path rejectionsPartial = partial(rejectionsOut);
        List<LogInput.Part> parts = commands.parts();
        List<Integer> order = parts.stream().map(LogInput.Part::partition).toList();
        long holdInMemory = Runtime.getRuntime().maxMemory() / 4;
        Map<Integer, PartitionReplay> replays = new ConcurrentHashMap<>();
        long expected = parts.stream().mapToLong(part -> part.file().records()).sum();
        TransferProgress progress =
                new TransferProgress("replay", commands.isBundle() ? expected : -1, listener, progressIntervalMs);
        try {
            Result result;
            try (PartitionOrderedFile timeline =
                            new PartitionOrderedFile(timelinePartial, order, work, holdInMemory / 2);
                    PartitionOrderedFile rejections =
                            new PartitionOrderedFile(rejectionsPartial, order, work, holdInMemory / 2)) {
                result = replayInto(commands, new Outputs(timeline, rejections, replays, progress), start);
            }
            // Complete only now: closing the files writes out what they still held, and may fail.
            moveIntoPlace(timelinePartial, timelineOut);
            moveIntoPlace(rejectionsPartial, rejectionsOut);
            return result;
        } finally {
            replays.values().forEach(PartitionReplay::closeQuietly);
            deleteQuietly(timelinePartial);
            deleteQuietly(rejectionsPartial);
            Bundle.deleteRecursively(work);
        }
    }

    private Result replayInto(LogInput commands, Outputs outputs, long start) {
        if (commands.isBundle()) {
            replayParts(commands, outputs);
        } else {
            replayInFileOrder(commands, outputs);
        }
        long events = 0;
        long rejected = 0;
        long total = 0;
        for (PartitionReplay replay : outputs.replays.values()) {
            replay.close();
            events += replay.events;
            rejected += replay.rejections;
            total += replay.commands;
        }
        return new Result(total, events, rejected, outputs.replays.size(), System.nanoTime() - start);
    }

    /** Where the partitions' replays write, and each partition's replay, made on first use. */
    private final class Outputs {
        private final PartitionOrderedFile timeline;
        private final PartitionOrderedFile rejections;
        private final Map<Integer, PartitionReplay> replays;
        private final TransferProgress progress;

        Outputs(
                PartitionOrderedFile timeline,
                PartitionOrderedFile rejections,
                Map<Integer, PartitionReplay> replays,
                TransferProgress progress) {
            this.timeline = timeline;
            this.rejections = rejections;
            this.replays = replays;
            this.progress = progress;
        }

        PartitionReplay replay(int partition) {
            return replays.computeIfAbsent(
                    partition, p -> new PartitionReplay(p, timeline.part(p), rejections.part(p), progress));
        }
    }

    /** A bundle: each partition file is read by the thread that replays it. */
    private void replayParts(LogInput input, Outputs outputs) {
        ExecutorService pool = Executors.newFixedThreadPool(settings.threads(), threadFactory());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (LogInput.Part part : input.parts()) {
                running.add(pool.submit(() -> {
                    PartitionReplay replay = outputs.replay(part.partition());
                    input.forEach(part, replay::handle);
                    replay.close();
                }));
            }
            for (Future<?> future : running) {
                await(future);
            }
        } finally {
            stop(pool);
        }
    }

    /**
     * Stops the workers and waits for them, so none writes on while the output is closed; a
     * worker notices the interrupt at its next record.
     */
    private static void stop(ExecutorService pool) {
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
                throw new AirGapException("the replay's workers did not stop within a minute");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A plain file: one reader keeps the file's order and hands each record to the worker that
     * owns its partition, so each partition is still replayed in order, by one engine.
     */
    private void replayInFileOrder(LogInput input, Outputs outputs) {
        int workers = settings.threads();
        if (workers == 1) {
            input.forEach(record -> {
                int partition = partitionOf(record);
                outputs.replay(partition).handle(record);
            });
            return;
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<BlockingQueue<Batch>> queues = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(workers, threadFactory());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(16);
                queues.add(queue);
                running.add(pool.submit(() -> work(queue, outputs, failure)));
            }
            Batch[] filling = new Batch[workers];
            for (int w = 0; w < workers; w++) {
                filling[w] = new Batch();
            }
            input.forEach(record -> {
                int partition = partitionOf(record);
                int worker = partition % workers;
                Batch batch = filling[worker];
                batch.add(record, partition);
                if (batch.size == BATCH) {
                    hand(queues.get(worker), batch, failure);
                    filling[worker] = new Batch();
                }
            });
            for (int w = 0; w < workers; w++) {
                hand(queues.get(w), filling[w], failure);
                hand(queues.get(w), Batch.END, failure);
            }
            for (Future<?> future : running) {
                await(future);
            }
            if (failure.get() != null) {
                throw unwrap(failure.get());
            }
        } finally {
            stop(pool);
        }
    }

    private void work(BlockingQueue<Batch> queue, Outputs outputs, AtomicReference<Throwable> failure) {
        // Those of the first partitions, at hand; any others (a topic of thousands) from the shared map.
        PartitionReplay[] mine = new PartitionReplay[Math.min(settings.partitions(), CACHED_PARTITIONS)];
        try {
            while (true) {
                Batch batch = queue.take();
                if (batch == Batch.END) {
                    return;
                }
                for (int i = 0; i < batch.size; i++) {
                    int partition = batch.partitions[i];
                    // A record may name any partition, up to Integer.MAX_VALUE: those past the count
                    // are not cached here, rather than grow an array to their number.
                    PartitionReplay replay = partition < mine.length ? mine[partition] : null;
                    if (replay == null) {
                        replay = outputs.replay(partition);
                        if (partition < mine.length) {
                            mine[partition] = replay;
                        }
                    }
                    replay.handle(batch.records[i]);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
        }
    }

    /** Puts a batch on a worker's queue, giving up when a worker has failed (it would never take it). */
    private static void hand(BlockingQueue<Batch> queue, Batch batch, AtomicReference<Throwable> failure) {
        try {
            while (!queue.offer(batch, 100, TimeUnit.MILLISECONDS)) {
                if (failure.get() != null) {
                    throw unwrap(failure.get());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AirGapException("replay interrupted", e);
        }
    }

    private int partitionOf(LogRecord record) {
        if (record.hasPartition()) {
            return record.partition();
        }
        // Kafka's default partitioner sends a null key to any partition; replay picks the first.
        return record.key() == null ? 0 : Partitioning.forKey(record.key(), settings.partitions());
    }

    private static void await(Future<?> future) {
        try {
            future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AirGapException("replay interrupted", e);
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        }
    }

    private static RuntimeException unwrap(Throwable cause) {
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new AirGapException("replay failed: " + cause, cause);
    }

    private static java.util.concurrent.ThreadFactory threadFactory() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "jobline-replay-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static Path createWorkDirectory(Path output) {
        try {
            Path parent = output.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            return Files.createTempDirectory(parent, ".jobline-replay-");
        } catch (IOException e) {
            throw new AirGapException("cannot write next to " + output + ": " + e.getMessage(), e);
        }
    }

    private static Path partial(Path target) {
        return target.resolveSibling(target.getFileName() + ".partial");
    }

    private static void moveIntoPlace(Path partial, Path target) {
        try {
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new AirGapException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // Already failing; a stray .partial file says so by its name.
        }
    }

    /** Records bound for one worker, with the partition each belongs to. */
    private static final class Batch {
        static final Batch END = new Batch();

        final LogRecord[] records = new LogRecord[BATCH];
        final int[] partitions = new int[BATCH];
        int size;

        void add(LogRecord record, int partition) {
            records[size] = record;
            partitions[size] = partition;
            size++;
        }
    }

    /** One commands partition: its own engine and stores, and its part of the two output files. */
    private final class PartitionReplay implements CommandHandler.Output {
        private final int partition;
        /** The engine and its stores: let go when the partition is done, so that the next ones have the memory. */
        private CommandHandler handler;

        private final TransferProgress.Batch progress;
        // The command being handled: its key, the key's bytes, and their timeline partition once needed.
        private String commandKey;
        private byte[] commandKeyBytes;
        private int commandKeyPartition;
        private RecordLineWriter timeline;
        private RecordLineWriter rejectionsOut;
        private long timestamp;
        private long commands;
        private long events;
        private long rejections;

        PartitionReplay(int partition, OutputStream timeline, OutputStream rejections, TransferProgress progress) {
            this.partition = partition;
            this.progress = progress.batch();
            this.handler = new CommandHandler(
                    new MemoryStores().engine(new Lifecycle(settings.policy().lifecycle())),
                    settings.policy().maxCommandBytes());
            this.timeline = new RecordLineWriter(timeline, PARTITION_BUFFER);
            this.rejectionsOut = new RecordLineWriter(rejections, PARTITION_BUFFER);
        }

        void handle(LogRecord record) {
            if (Thread.currentThread().isInterrupted()) {
                throw new AirGapException("replay stopped at partition " + partition + ": another partition failed");
            }
            timestamp = record.timestamp();
            commands++;
            progress.add(record.payloadBytes());
            commandKey = record.keyString();
            commandKeyBytes = record.key();
            commandKeyPartition = -1;
            try {
                handler.handle(commandKey, record.value(), timestamp, this);
            } catch (UncheckedIOException | AirGapException e) {
                throw e;
            } catch (RuntimeException e) {
                // A bug, not bad input (bad input is a rejection): stop with the record's coordinates, as live does.
                throw new AirGapException(
                        "replaying the command with key " + record.keyString() + " at partition " + partition
                                + (record.hasOffset() ? " offset " + record.offset() : "") + " failed: " + e,
                        e);
            }
        }

        /** Writes the event out of the handler's buffer: no copy, and no search for its quotes. */
        @Override
        public void event(TimelineEvent event, JsonBuffer json) {
            byte[] key = eventKey(event);
            try {
                timeline.write(
                        settings.timelineTopic(),
                        timelinePartition(key),
                        LogRecord.NO_OFFSET,
                        timestamp,
                        key,
                        TIMELINE_HEADERS,
                        json);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            events++;
        }

        /** The key of an event: its job's id, which is nearly always the command's key, whose bytes are at hand. */
        private byte[] eventKey(TimelineEvent event) {
            return event.jobId().equals(commandKey)
                    ? commandKeyBytes
                    : event.jobId().getBytes(StandardCharsets.UTF_8);
        }

        private int timelinePartition(byte[] key) {
            if (key != commandKeyBytes) {
                return Partitioning.forKey(key, settings.timelinePartitions());
            }
            if (commandKeyPartition < 0) {
                commandKeyPartition = Partitioning.forKey(key, settings.timelinePartitions());
            }
            return commandKeyPartition;
        }

        @Override
        public void rejection(String key, RejectionRecord rejection, byte[] value) {
            byte[] keyBytes = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
            int target = keyBytes == null
                    ? partition % settings.rejectionsPartitions()
                    : Partitioning.forKey(keyBytes, settings.rejectionsPartitions());
            write(
                    rejectionsOut,
                    new LogRecord(
                            settings.rejectionsTopic(),
                            target,
                            LogRecord.NO_OFFSET,
                            timestamp,
                            keyBytes,
                            value,
                            REJECTION_HEADERS));
            rejections++;
        }

        @Override
        public void command(Command command) {
            // Live, this follow-up became a record of the commands log, which replay reads in its place.
        }

        private void write(RecordLineWriter writer, LogRecord record) {
            try {
                writer.write(record);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void close() {
            progress.flush();
            handler = null;
            try {
                if (timeline != null) {
                    timeline.close();
                    timeline = null;
                }
                if (rejectionsOut != null) {
                    rejectionsOut.close();
                    rejectionsOut = null;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void closeQuietly() {
            try {
                close();
            } catch (RuntimeException ignored) {
                // Already failing; the work directory is removed next.
            }
        }
    }
}
