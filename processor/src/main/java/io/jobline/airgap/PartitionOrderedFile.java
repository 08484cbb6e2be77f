package io.jobline.airgap;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One file that several threads fill, each with the output of its own partitions, and that reads
 * partition by partition in partition order however the threads interleave.
 *
 * <p>The first unfinished partition of the declared order writes straight to the file; the others
 * hold their bytes (in memory up to a limit, then in a spill file) until every partition before
 * them has finished. Replaying a bundle with two threads, one partition is written through while
 * the next is held, so the output is written once, not written to part files and copied together.
 * When the partitions are not known in advance (a plain log names them as it goes), all are held
 * to the end.
 */
final class PartitionOrderedFile implements AutoCloseable {

    private final FileChannel file;
    private final Path spillDirectory;
    private final long holdInMemory;
    private final AtomicLong heldInMemory = new AtomicLong();
    private final List<Integer> order;
    private final TreeMap<Integer, Part> parts = new TreeMap<>();
    /** Index in {@link #order} of the part that writes through; guarded by this. */
    private int head;

    /**
     * @param order every partition that will be written, in output order; empty when they are not
     *     known in advance
     * @param holdInMemory bytes all parts together hold in memory; beyond it they spill to files in
     *     {@code spillDirectory}
     */
    PartitionOrderedFile(Path path, List<Integer> order, Path spillDirectory, long holdInMemory) {
        this.order = List.copyOf(order);
        this.spillDirectory = spillDirectory;
        this.holdInMemory = holdInMemory;
        try {
            this.file = FileChannel.open(
                    path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new AirGapException("cannot write " + path + ": " + e.getMessage(), e);
        }
        if (!this.order.isEmpty()) {
            part(this.order.get(0)).writeThrough = true;
        }
    }

    /** The stream of {@code partition}'s bytes; closing it says that the partition has finished. */
    synchronized Part part(int partition) {
        if (!order.isEmpty() && !order.contains(partition)) {
            throw new IllegalArgumentException("partition " + partition + " is not one of " + order);
        }
        return parts.computeIfAbsent(partition, Part::new);
    }

    /** Writes out whatever is still held, in partition order, and closes the file. */
    @Override
    public void close() {
        boolean released = false;
        try {
            synchronized (this) {
                for (Part part : parts.values()) {
                    part.catchUp();
                }
            }
            released = true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (!released) {
                closeQuietly(file);
                parts.values().forEach(part -> closeQuietly(part.spillFile));
            }
        }
        try {
            file.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // Already failing, or already written: nothing more to save.
        }
    }

    /** Called when a part finishes: the next parts of the order, in turn, release what they hold. */
    private synchronized void advance() throws IOException {
        while (head < order.size()) {
            Part part = part(order.get(head));
            part.catchUp();
            synchronized (part) {
                if (!part.finished) {
                    return;
                }
            }
            head++;
        }
    }

    private void writeFully(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            file.write(bytes);
        }
    }

    /** One partition's output stream. */
    final class Part extends OutputStream {
        private final int partition;
        private final List<byte[]> held = new ArrayList<>();
        private long heldBytes;
        private Path spill;
        private FileChannel spillFile;
        private boolean writeThrough;
        private boolean finished;

        private Part(int partition) {
            this.partition = partition;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
            if (writeThrough) {
                writeFully(ByteBuffer.wrap(bytes, offset, length));
            } else if (spillFile == null && heldInMemory.addAndGet(length) <= holdInMemory) {
                held.add(Arrays.copyOfRange(bytes, offset, offset + length));
                heldBytes += length;
            } else {
                if (spillFile == null) {
                    heldInMemory.addAndGet(-length); // it did not fit
                    spill = Files.createTempFile(spillDirectory, "partition-" + partition + "-", ".ndjson");
                    spillFile = FileChannel.open(spill, StandardOpenOption.WRITE, StandardOpenOption.READ);
                }
                ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
                while (buffer.hasRemaining()) {
                    spillFile.write(buffer);
                }
            }
        }

        @Override
        public void close() throws IOException {
            synchronized (this) {
                if (finished) {
                    return;
                }
                finished = true;
            }
            advance();
        }

        /**
         * Writes what this part holds to the file, memory first, then its spill file, and makes it
         * write through from then on. Its writer goes on meanwhile: the lock is held only to take
         * what is held so far, not while it is written, and what came in since is taken next.
         */
        private void catchUp() throws IOException {
            while (true) {
                List<byte[]> chunks;
                long chunkBytes;
                FileChannel spilled;
                Path spilledPath;
                synchronized (this) {
                    if (held.isEmpty() && spillFile == null) {
                        writeThrough = true;
                        return;
                    }
                    chunks = new ArrayList<>(held);
                    chunkBytes = heldBytes;
                    held.clear();
                    heldBytes = 0;
                    spilled = spillFile;
                    spilledPath = spill;
                    spillFile = null;
                }
                for (byte[] chunk : chunks) {
                    writeFully(ByteBuffer.wrap(chunk));
                }
                heldInMemory.addAndGet(-chunkBytes);
                if (spilled != null) {
                    long size = spilled.size();
                    long at = 0;
                    while (at < size) {
                        at += spilled.transferTo(at, size - at, file);
                    }
                    spilled.close();
                    Files.deleteIfExists(spilledPath);
                }
            }
        }
    }
}
