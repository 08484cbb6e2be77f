package io.jobline.sink;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes rows in PostgreSQL's COPY text format straight into a COPY stream: fields separated by
 * tabs, rows by newlines, {@code \N} for null, and backslash, tab, newline and carriage return
 * escaped. Escaping works on UTF-8 bytes, which is safe because no byte of a multi-byte UTF-8
 * sequence is below 0x80. Public for the sink benchmark's raw COPY baseline.
 */
public final class CopyText {

    private static final byte[] NULL = {'\\', 'N'};

    private final OutputStream out;
    private boolean inRow;

    public CopyText(OutputStream out) {
        this.out = out;
    }

    public CopyText text(String value) throws IOException {
        return value == null ? nullField() : bytes(value.getBytes(StandardCharsets.UTF_8));
    }

    public CopyText number(long value) throws IOException {
        separate();
        out.write(Long.toString(value).getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    public CopyText nullField() throws IOException {
        separate();
        out.write(NULL);
        return this;
    }

    /** A field of UTF-8 text, escaped; unescaped runs go out in one write. */
    public CopyText bytes(byte[] utf8) throws IOException {
        separate();
        int run = 0;
        for (int i = 0; i < utf8.length; i++) {
            byte escaped = escape(utf8[i]);
            if (escaped != 0) {
                out.write(utf8, run, i - run);
                out.write('\\');
                out.write(escaped);
                run = i + 1;
            }
        }
        out.write(utf8, run, utf8.length - run);
        return this;
    }

    public void endRow() throws IOException {
        out.write('\n');
        inRow = false;
    }

    private void separate() throws IOException {
        if (inRow) {
            out.write('\t');
        }
        inRow = true;
    }

    /** The letter after the backslash for a byte that must be escaped, else 0. */
    private static byte escape(byte b) {
        return switch (b) {
            case '\\' -> '\\';
            case '\t' -> 't';
            case '\n' -> 'n';
            case '\r' -> 'r';
            default -> 0;
        };
    }
}
