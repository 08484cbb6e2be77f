package io.jobline.airgap;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * An exported bundle opened for reading: a directory, or a {@code .tar.gz} unpacked into a
 * temporary directory that {@link #close()} removes. {@link #verify()} checks every file against
 * the manifest before anything is read from it.
 *
 * <p>Both read every byte of the bundle, minutes for one of tens of gigabytes, so both can report
 * their progress.
 */
public final class Bundle implements AutoCloseable {

    public static final String MANIFEST = "manifest.json";
    public static final String FILE_SUFFIX = ".ndjson";

    private static final long PROGRESS_INTERVAL_MS = 5_000;

    private final Path origin;
    private final Path directory;
    private final boolean unpacked;
    private final Manifest manifest;
    private final String id;

    private Bundle(Path origin, Path directory, boolean unpacked, byte[] manifestBytes) {
        this.origin = origin;
        this.directory = directory;
        this.unpacked = unpacked;
        this.manifest = Manifest.parse(manifestBytes, origin + "/" + MANIFEST);
        this.id = Digests.sha256Hex(manifestBytes);
    }

    /** The bundle file name of a partition: {@code jobline.commands-3.ndjson}. */
    public static String fileName(String topic, int partition) {
        return topic + "-" + partition + FILE_SUFFIX;
    }

    /** Whether {@code path} is a bundle (a directory with a manifest, or a .tar.gz) rather than a plain NDJSON file. */
    public static boolean isBundle(Path path) {
        return TarGz.isTarGz(path) || Files.isDirectory(path);
    }

    public static Bundle open(Path path) {
        return open(path, TransferProgress.Listener.NONE);
    }

    /** Opens {@code path}, reporting the unpacking of a .tar.gz to {@code listener}. */
    public static Bundle open(Path path, TransferProgress.Listener listener) {
        if (!Files.exists(path)) {
            throw new AirGapException(path + " does not exist");
        }
        Path directory = path;
        boolean unpacked = false;
        try {
            if (TarGz.isTarGz(path)) {
                directory = Files.createTempDirectory("jobline-bundle-");
                unpacked = true;
                TransferProgress progress = new TransferProgress("unpack", "files", -1, listener, PROGRESS_INTERVAL_MS);
                TarGz.unpack(path, directory, progress);
                progress.finish();
            }
            Path manifest = directory.resolve(MANIFEST);
            if (!Files.isRegularFile(manifest)) {
                throw new AirGapException(path + " has no " + MANIFEST + ": not a bundle, or an export that did not"
                        + " finish (the manifest is written last)");
            }
            return new Bundle(path, directory, unpacked, Files.readAllBytes(manifest));
        } catch (IOException e) {
            deleteIfUnpacked(directory, unpacked);
            // GZIPInputStream says nothing when the file ends before its header: an empty or cut-off copy.
            String why = e.getMessage() != null
                    ? e.getMessage()
                    : e instanceof EOFException ? "the file ends early: it is truncated" : e.toString();
            throw new AirGapException("cannot read the bundle " + path + ": " + why, e);
        } catch (RuntimeException e) {
            deleteIfUnpacked(directory, unpacked);
            throw e;
        }
    }

    public Manifest manifest() {
        return manifest;
    }

    /** Hex SHA-256 of the manifest; since the manifest holds every file's digest, this names the whole bundle. */
    public String id() {
        return id;
    }

    /** The path the bundle was opened from. */
    public Path origin() {
        return origin;
    }

    public Manifest.Topic topic(String name) {
        return manifest.topic(name)
                .orElseThrow(() -> new AirGapException(origin + " holds no topic " + name + " (it holds "
                        + manifest.topics().stream().map(Manifest.Topic::name).toList() + ")"));
    }

    /**
     * Checks that every file the manifest lists is there with its size and SHA-256, and that no
     * other log file is; the first file that does not match is named.
     */
    public void verify() {
        verify(TransferProgress.Listener.NONE);
    }

    /** As {@link #verify()}, reporting the files and bytes checked to {@code listener}. */
    public void verify(TransferProgress.Listener listener) {
        List<Manifest.PartitionFile> listedFiles = manifest.topics().stream()
                .flatMap(topic -> topic.files().stream())
                .toList();
        TransferProgress progress =
                new TransferProgress("digests", "files", listedFiles.size(), listener, PROGRESS_INTERVAL_MS);
        Set<String> listed = new HashSet<>();
        listedFiles.forEach(file -> listed.add(file.file()));
        // Hashing is most of a replay's start-up: the files are hashed on every core at once. When
        // several do not match, the first of them in the manifest is the one named.
        List<AirGapException> mismatches = listedFiles.parallelStream()
                .map(file -> mismatch(file, progress))
                .filter(Objects::nonNull)
                .toList();
        if (!mismatches.isEmpty()) {
            throw mismatches.get(0);
        }
        progress.finish();
        try (Stream<Path> files = Files.list(directory)) {
            List<String> stray = files.map(p -> p.getFileName().toString())
                    // A Mac adds ._name beside a file (its extended attributes): no bundle file starts with a dot.
                    .filter(name -> name.endsWith(FILE_SUFFIX) && !name.startsWith("._") && !listed.contains(name))
                    .sorted()
                    .toList();
            if (!stray.isEmpty()) {
                throw new AirGapException(origin + ": " + stray.get(0) + " is not listed in " + MANIFEST);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Why {@code file} does not match the manifest, or null when it does. */
    private AirGapException mismatch(Manifest.PartitionFile file, TransferProgress progress) {
        Path path = directory.resolve(file.file());
        if (!Files.isRegularFile(path)) {
            return new AirGapException(origin + ": " + file.file() + " is listed in " + MANIFEST + " but missing");
        }
        try {
            long size = Files.size(path);
            if (size != file.bytes()) {
                return new AirGapException(origin + ": " + file.file() + " has " + size + " bytes, " + MANIFEST
                        + " says " + file.bytes() + ": the file was changed or damaged");
            }
            String actual = Digests.sha256Hex(path, progress);
            progress.add(1, 0);
            if (!actual.equals(file.sha256())) {
                return new AirGapException(origin + ": " + file.file() + " does not match its SHA-256 in " + MANIFEST
                        + " (expected " + file.sha256() + ", found " + actual + "): the file was changed or damaged");
            }
            return null;
        } catch (IOException e) {
            return new AirGapException(origin + ": cannot read " + file.file() + ": " + e.getMessage(), e);
        }
    }

    public RecordLineReader reader(Manifest.PartitionFile file) {
        try {
            InputStream in = Files.newInputStream(directory.resolve(file.file()));
            return new RecordLineReader(in, file.file());
        } catch (IOException e) {
            throw new AirGapException(origin + ": cannot read " + file.file() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        deleteIfUnpacked(directory, unpacked);
    }

    private static void deleteIfUnpacked(Path directory, boolean unpacked) {
        if (unpacked) {
            deleteRecursively(directory);
        }
    }

    static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            List<Path> all =
                    new ArrayList<>(paths.sorted(Comparator.reverseOrder()).toList());
            for (Path path : all) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + directory, e);
        }
    }

    /** SHA-256 helpers; every Java runtime has the algorithm. */
    static final class Digests {

        private Digests() {}

        static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime has SHA-256", e);
            }
        }

        static String sha256Hex(byte[] bytes) {
            return HexFormat.of().formatHex(sha256().digest(bytes));
        }

        /** The file's digest, its bytes added to {@code progress} as they are read (a megabyte at a time). */
        static String sha256Hex(Path file, TransferProgress progress) throws IOException {
            MessageDigest sha = sha256();
            byte[] buffer = new byte[1 << 20];
            try (InputStream in = Files.newInputStream(file)) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    sha.update(buffer, 0, n);
                    progress.add(0, n);
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        }
    }
}
