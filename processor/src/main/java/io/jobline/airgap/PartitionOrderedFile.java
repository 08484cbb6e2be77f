package io.jobline.airgap;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
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
 *
 * <p>What is held in memory is held outside the Java heap, in blocks reused once written out. On
 * the heap it was the one large thing a replay keeps for seconds, and the collector copied it
 * from young space to survivor space to old: a million-command replay held about 150 MB at a time,
 * and each young collection copied that much again.
 */
final class PartitionOrderedFile implements AutoCloseable {

    /** The size of a block of held bytes: what a writer of the replay flushes at once. */
    static final int BLOCK_BYTES = 256 << 10;

    private final FileChannel file;
    private final Path spillDirectory;
    private final long holdInMemory;
    private final int blockBytes;
    /** Blocks written out, for the next bytes to hold; guarded by itself. */
    private final ArrayDeque<ByteBuffer> freeBlocks = new ArrayDeque<>();

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
        this(path, order, spillDirectory, holdInMemory, BLOCK_BYTES);
    }

    PartitionOrderedFile(Path path, List<Integer> order, Path spillDirectory, long holdInMemory, int blockBytes) {
        this.order = List.copyOf(order);
        this.spillDirectory = spillDirectory;
        this.holdInMemory = holdInMemory;
        this.blockBytes = blockBytes;
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

    /**
     * An empty block to hold bytes in, or null when the process has no direct memory left: then
     * the part spills to its file, as it does beyond {@link #holdInMemory}.
     */
    private ByteBuffer takeBlock() {
        synchronized (freeBlocks) {
            ByteBuffer free = freeBlocks.poll();
            if (free != null) {
                return free;
            }
        }
        try {
            return ByteBuffer.allocateDirect(blockBytes);
        } catch (OutOfMemoryError directMemoryExhausted) {
            return null;
        }
    }

    private void giveBack(ByteBuffer block) {
        block.clear();
        synchronized (freeBlocks) {
            freeBlocks.push(block);
        }
    }

    /** One partition's output stream. */
    final class Part extends OutputStream {
        private final int partition;
        /** Blocks of held bytes, each filled up to its position; only the last one is not full. */
        private final List<ByteBuffer> held = new ArrayList<>();

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
                return;
            }
            int kept = spillFile == null ? hold(bytes, offset, length) : 0;
            if (kept < length) {
                if (spillFile == null) {
                    spill = Files.createTempFile(spillDirectory, "partition-" + partition + "-", ".ndjson");
                    spillFile = FileChannel.open(spill, StandardOpenOption.WRITE, StandardOpenOption.READ);
                }
                ByteBuffer buffer = ByteBuffer.wrap(bytes, offset + kept, length - kept);
                while (buffer.hasRemaining()) {
                    spillFile.write(buffer);
                }
            }
        }

        /**
         * Holds as many of the bytes as memory allows, from the first; returns how many. The rest
         * go to the spill file, after them, and so does everything this part writes next.
         */
        private int hold(byte[] bytes, int offset, int length) {
            long allowed = Math.min(length, holdInMemory - heldInMemory.addAndGet(length) + length);
            int kept = 0;
            while (kept < allowed) {
                ByteBuffer block = held.isEmpty() ? null : held.get(held.size() - 1);
                if (block == null || !block.hasRemaining()) {
                    block = takeBlock();
                    if (block == null) {
                        break;
                    }
                    held.add(block);
                }
                int n = (int) Math.min(block.remaining(), allowed - kept);
                block.put(bytes, offset + kept, n);
                kept += n;
            }
            heldInMemory.addAndGet(kept - length); // what was not kept is not held
            heldBytes += kept;
            return kept;
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
                List<ByteBuffer> blocks;
                long takenBytes;
                FileChannel spilled;
                Path spilledPath;
                synchronized (this) {
                    if (held.isEmpty() && spillFile == null) {
                        writeThrough = true;
                        return;
                    }
                    blocks = new ArrayList<>(held);
                    takenBytes = heldBytes;
                    held.clear();
                    heldBytes = 0;
                    spilled = spillFile;
                    spilledPath = spill;
                    spillFile = null;
                }
                for (ByteBuffer block : blocks) {
                    writeFully(block.flip());
                    giveBack(block);
                }
                heldInMemory.addAndGet(-takenBytes);
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
