package io.jobline.airgap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes a bundle: one NDJSON file per topic partition, then {@code manifest.json} last, so that a
 * directory without a manifest is recognisably an export that did not finish. A {@code .tar.gz}
 * target is written as a directory next to it first, then packed and the directory removed.
 */
public final class BundleWriter implements AutoCloseable {

    private final Path target;
    private final Path directory;
    private final boolean tarGz;
    private final List<Path> files = new ArrayList<>();
    private final List<PartitionWriter> writers = new ArrayList<>();
    private boolean finished;

    BundleWriter(Path target) {
        this.target = target;
        this.tarGz = TarGz.isTarGz(target);
        refuseTaken(target);
        try {
            if (tarGz) {
                Path parent = target.toAbsolutePath().getParent();
                Files.createDirectories(parent);
                this.directory = Files.createTempDirectory(parent, "." + target.getFileName() + "-");
            } else {
                this.directory = Files.createDirectories(target);
            }
        } catch (IOException e) {
            throw new AirGapException("cannot create the bundle " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses a target that is already taken: a {@code .tar.gz} that exists, or a directory that
     * is not empty. An export never overwrites or mixes bundles; it checks before it reads anything.
     */
    static void refuseTaken(Path target) {
        try {
            if (TarGz.isTarGz(target) && Files.exists(target)) {
                throw new AirGapException(target + " already exists; export will not overwrite a bundle");
            }
            if (!TarGz.isTarGz(target) && Files.exists(target) && !isEmptyDirectory(target)) {
                throw new AirGapException(
                        target + " exists and is not an empty directory; export will not overwrite or mix bundles");
            }
        } catch (IOException e) {
            throw new AirGapException("cannot create the bundle " + target + ": " + e.getMessage(), e);
        }
    }

    /** Opens the file of one topic partition. */
    PartitionWriter open(String topic, int partition) {
        String name = Bundle.fileName(topic, partition);
        Path path = directory.resolve(name);
        if (files.contains(path)) {
            throw new IllegalArgumentException(name + " is open already: a partition is one file of a bundle");
        }
        try {
            MessageDigest sha = Bundle.Digests.sha256();
            DigestOutputStream out = new DigestOutputStream(Files.newOutputStream(path), sha);
            files.add(path);
            PartitionWriter writer = new PartitionWriter(partition, name, new RecordLineWriter(out), sha);
            writers.add(writer);
            return writer;
        } catch (IOException e) {
            throw new AirGapException("cannot create " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code records} as a bundle of one topic: each on the partition it names, else on the
     * partition of its key as Kafka's default partitioner would pick it, numbered from offset 0.
     * For benchmarks and tests that need a bundle without a broker.
     */
    public static Path writeLog(
            Path target,
            String topic,
            int partitions,
            List<LogRecord> records,
            String joblineVersion,
            Manifest.Source source,
            Manifest.Processor processor) {
        try (BundleWriter bundle = new BundleWriter(target)) {
            List<PartitionWriter> writers = new ArrayList<>();
            long[] next = new long[partitions];
            for (int p = 0; p < partitions; p++) {
                writers.add(bundle.open(topic, p));
            }
            for (LogRecord r : records) {
                int p = r.hasPartition() ? r.partition() : Partitioning.forKey(r.key(), partitions);
                writers.get(p)
                        .write(new LogRecord(topic, p, next[p]++, r.timestamp(), r.key(), r.value(), r.headers()));
            }
            List<Manifest.PartitionFile> files = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                files.add(writers.get(p).finish(0, next[p]));
            }
            return bundle.finish(new Manifest(
                    joblineVersion,
                    "2026-11-29T00:00:00.000Z", // fixed: the same records give the same bundle
                    source,
                    processor,
                    List.of(new Manifest.Topic(topic, partitions, List.copyOf(files)))));
        }
    }

    /** Writes the manifest, packs a .tar.gz, and returns where the bundle is. */
    Path finish(Manifest manifest) {
        try {
            Path manifestPath = directory.resolve(Bundle.MANIFEST);
            Files.write(manifestPath, manifest.toJson());
            if (tarGz) {
                List<Path> all = new ArrayList<>();
                all.add(manifestPath);
                all.addAll(files);
                TarGz.pack(all, target);
                Bundle.deleteRecursively(directory);
            }
            finished = true;
            return target;
        } catch (IOException e) {
            throw new AirGapException("cannot write the bundle " + target + ": " + e.getMessage(), e);
        }
    }

    /** Closes what is still open; an unfinished .tar.gz leaves nothing behind, an unfinished directory no manifest. */
    @Override
    public void close() {
        for (PartitionWriter writer : writers) {
            try {
                writer.close();
            } catch (UncheckedIOException e) {
                // Already failing (a finished bundle closed them all): the export reports the first error.
            }
        }
        if (tarGz && !finished) {
            Bundle.deleteRecursively(directory);
        }
    }

    private static boolean isEmptyDirectory(Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(path)) {
            return entries.findAny().isEmpty();
        }
    }

    /** The file of one partition being written, with its digest and the offsets it holds. */
    static final class PartitionWriter implements AutoCloseable {
        private final int partition;
        private final String file;
        private final RecordLineWriter lines;
        private final MessageDigest sha;
        private Long firstOffset;
        private Long lastOffset;
        private boolean closed;

        private PartitionWriter(int partition, String file, RecordLineWriter lines, MessageDigest sha) {
            this.partition = partition;
            this.file = file;
            this.lines = lines;
            this.sha = sha;
        }

        void write(LogRecord record) {
            try {
                lines.write(record);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file, e);
            }
            if (firstOffset == null) {
                firstOffset = record.offset();
            }
            lastOffset = record.offset();
        }

        long records() {
            return lines.records();
        }

        long bytes() {
            return lines.bytes();
        }

        /** Closes the file and describes it for the manifest. */
        Manifest.PartitionFile finish(long startOffset, long endOffset) {
            close();
            return new Manifest.PartitionFile(
                    partition,
                    file,
                    startOffset,
                    endOffset,
                    firstOffset,
                    lastOffset,
                    lines.records(),
                    lines.bytes(),
                    HexFormat.of().formatHex(sha.digest()));
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                try {
                    lines.close();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write " + file, e);
                }
            }
        }
    }
}
