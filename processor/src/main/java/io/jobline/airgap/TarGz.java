package io.jobline.airgap;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The {@code .tar.gz} form of a bundle: a flat POSIX ustar archive of its files (a name over 100
 * bytes in a pax extended header), gzip-compressed, readable with {@code tar xzf}. Reading also
 * accepts what GNU or BSD tar writes for a bundle directory (a leading directory, {@code ./}
 * names, pax or GNU long-name headers).
 *
 * <p>Written here rather than taken from a library: a bundle needs only regular files, and the
 * processor's jar should not grow a dependency for it.
 */
final class TarGz {

    private static final int BLOCK = 512;
    private static final int NAME_LENGTH = 100;

    private TarGz() {}

    static boolean isTarGz(Path path) {
        String name = path.getFileName().toString();
        return name.endsWith(".tar.gz") || name.endsWith(".tgz");
    }

    /** Packs {@code files} (in this order, by file name) into {@code target}, atomically. */
    static void pack(List<Path> files, Path target) throws IOException {
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        try (OutputStream out =
                new GZIPOutputStream(new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16), 1 << 16)) {
            byte[] buffer = new byte[1 << 16];
            for (Path file : files) {
                long size = Files.size(file);
                String name = file.getFileName().toString();
                long mtime = Files.getLastModifiedTime(file).toMillis() / 1000;
                if (name.getBytes(StandardCharsets.UTF_8).length > NAME_LENGTH) {
                    // Kafka takes topic names of up to 249 characters, ustar names of 100: a longer
                    // one goes in a pax extended header, as POSIX tar writes it.
                    byte[] record = paxRecord("path", name);
                    out.write(header("PaxHeader", record.length, mtime, 'x'));
                    out.write(record);
                    out.write(new byte[(int) ((BLOCK - record.length % BLOCK) % BLOCK)]);
                }
                out.write(header(name, size, mtime, '0'));
                long copied = 0;
                try (InputStream in = Files.newInputStream(file)) {
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        out.write(buffer, 0, n);
                        copied += n;
                    }
                }
                if (copied != size) {
                    throw new IOException(file + " changed while it was packed");
                }
                int pad = (int) ((BLOCK - size % BLOCK) % BLOCK);
                out.write(new byte[pad]);
            }
            out.write(new byte[2 * BLOCK]);
        }
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Unpacks the regular files of {@code archive} into {@code directory}, each under its base
     * name; refuses links, devices and two files of the same name. Each file's bytes are added to
     * {@code progress} as they are written, and the file once it is complete.
     */
    static void unpack(Path archive, Path directory, TransferProgress progress) throws IOException {
        try (InputStream in =
                new GZIPInputStream(new BufferedInputStream(Files.newInputStream(archive), 1 << 16), 1 << 16)) {
            Set<String> seen = new HashSet<>();
            byte[] header = new byte[BLOCK];
            String longName = null;
            while (true) {
                if (!readBlock(in, header)) {
                    return; // a missing end-of-archive marker is tolerated, as GNU tar does
                }
                if (isZero(header)) {
                    return;
                }
                verifyChecksum(header, archive);
                long size = parseSize(header, archive);
                char type = (char) header[156];
                String name = longName != null ? longName : name(header);
                longName = null;
                switch (type) {
                    case 'L' -> longName = trimNul(new String(readData(in, size), StandardCharsets.UTF_8));
                    case 'x' -> longName = paxPath(readData(in, size));
                    case 'g', '5' -> skipEntry(in, size);
                    case '0', '\0' -> {
                        String base = baseName(name);
                        if (base.isEmpty() || !seen.add(base)) {
                            throw new AirGapException(archive + ": entry '" + name + "' is empty or repeated");
                        }
                        copy(in, directory.resolve(base), size, progress);
                        progress.add(1, 0);
                    }
                    default ->
                        throw new AirGapException(archive + ": entry '" + name + "' is not a regular file" + " (type "
                                + type + "); a bundle holds only files");
                }
            }
        }
    }

    /** A ustar header; a name longer than its field keeps its first bytes there (a pax header before holds it all). */
    private static byte[] header(String name, long size, long mtimeSeconds, char type) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        byte[] h = new byte[BLOCK];
        System.arraycopy(nameBytes, 0, h, 0, Math.min(nameBytes.length, NAME_LENGTH));
        octal(h, 100, 8, 0644);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        if (size < 077777777777L) {
            octal(h, 124, 12, size);
        } else {
            // GNU base-256 size for files of 8 GiB and more.
            h[124] = (byte) 0x80;
            for (int i = 0; i < 8; i++) {
                h[135 - i] = (byte) (size >>> (8 * i));
            }
        }
        octal(h, 136, 12, mtimeSeconds);
        h[156] = (byte) type;
        System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
        h[263] = '0';
        h[264] = '0';
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xFF;
        }
        octal(h, 148, 7, sum);
        h[155] = ' ';
        return h;
    }

    /** A pax record, {@code "<length> <key>=<value>\n"}, whose length counts its own digits. */
    private static byte[] paxRecord(String key, String value) {
        int body = (" " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8).length;
        int length = body + String.valueOf(body).length();
        if (String.valueOf(length).length() > String.valueOf(body).length()) {
            length++;
        }
        return (length + " " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** {@code value} as zero-padded octal digits in {@code length - 1} bytes and a NUL. */
    private static void octal(byte[] h, int at, int length, long value) {
        String digits = Long.toOctalString(value);
        int pad = length - 1 - digits.length();
        for (int i = 0; i < pad; i++) {
            h[at + i] = '0';
        }
        System.arraycopy(digits.getBytes(StandardCharsets.US_ASCII), 0, h, at + pad, digits.length());
        h[at + length - 1] = 0;
    }

    private static void verifyChecksum(byte[] h, Path archive) {
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : h[i] & 0xFF;
        }
        long stated = parseOctal(h, 148, 8);
        if (sum != stated) {
            throw new AirGapException(archive + ": a tar header's checksum does not match; the archive is damaged");
        }
    }

    private static long parseSize(byte[] h, Path archive) {
        long size;
        if ((h[124] & 0x80) != 0) { // base 256, for sizes of 8 GiB and more
            size = 0;
            for (int i = 128; i < 136; i++) {
                size = (size << 8) | (h[i] & 0xFF);
            }
        } else {
            size = parseOctal(h, 124, 12);
        }
        if (size < 0) {
            throw new AirGapException(archive + ": a tar header has a bad size");
        }
        return size;
    }

    private static long parseOctal(byte[] h, int at, int length) {
        long value = 0;
        for (int i = at; i < at + length; i++) {
            byte b = h[i];
            if (b == 0 || b == ' ') {
                if (value != 0) {
                    break;
                }
                continue;
            }
            if (b < '0' || b > '7') {
                return -1;
            }
            value = value * 8 + (b - '0');
        }
        return value;
    }

    private static String name(byte[] h) {
        String name = field(h, 0, 100);
        boolean ustar = h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r';
        String prefix = ustar ? field(h, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static String field(byte[] h, int at, int length) {
        int end = at;
        while (end < at + length && h[end] != 0) {
            end++;
        }
        return new String(h, at, end - at, StandardCharsets.UTF_8);
    }

    private static String paxPath(byte[] data) {
        // Records are "<length> <key>=<value>\n".
        String text = new String(data, StandardCharsets.UTF_8);
        for (String record : text.split("\n")) {
            int space = record.indexOf(' ');
            if (space > 0 && record.startsWith("path=", space + 1)) {
                return record.substring(space + 1 + "path=".length());
            }
        }
        return null;
    }

    private static String baseName(String name) {
        String trimmed = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        int slash = trimmed.lastIndexOf('/');
        return slash >= 0 ? trimmed.substring(slash + 1) : trimmed;
    }

    private static String trimNul(String text) {
        int nul = text.indexOf('\0');
        return nul >= 0 ? text.substring(0, nul) : text;
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean readBlock(InputStream in, byte[] block) throws IOException {
        int read = in.readNBytes(block, 0, BLOCK);
        if (read == 0) {
            return false;
        }
        if (read < BLOCK) {
            throw new EOFException("truncated tar header");
        }
        return true;
    }

    private static byte[] readData(InputStream in, long size) throws IOException {
        if (size > (1 << 20)) {
            throw new IOException("tar extended header of " + size + " bytes");
        }
        byte[] data = in.readNBytes((int) size);
        if (data.length < size) {
            throw new EOFException("truncated tar entry");
        }
        skip(in, (BLOCK - size % BLOCK) % BLOCK);
        return data;
    }

    private static void copy(InputStream in, Path target, long size, TransferProgress progress) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(target), 1 << 16)) {
            byte[] buffer = new byte[1 << 16];
            long left = size;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new EOFException("truncated tar entry " + target.getFileName());
                }
                out.write(buffer, 0, n);
                progress.add(0, n);
                left -= n;
            }
        }
        skip(in, (BLOCK - size % BLOCK) % BLOCK);
    }

    private static void skip(InputStream in, long bytes) throws IOException {
        in.skipNBytes(bytes);
    }

    private static void skipEntry(InputStream in, long size) throws IOException {
        skip(in, size + (BLOCK - size % BLOCK) % BLOCK);
    }
}
