package io.jobline.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * JSON written straight into one reusable byte array, for the messages written once per event:
 * the timeline event and the job snapshot inside it. Field names are encoded once, as
 * {@link Name}s; a writer that is {@link #reset()} between messages allocates nothing.
 *
 * <p>It writes exactly the bytes Jackson's generator writes with jobline's settings, so the
 * format did not change when the hot path left Jackson ({@code JsonBufferTest} holds the two to
 * that on arbitrary strings and numbers): {@code "}, {@code \} and control characters escaped,
 * the usual five as {@code \t \n \r \b \f}, the rest as six-character unicode escapes in upper-case
 * hex; other characters as UTF-8, except UTF-16 surrogates, each written as a unicode escape (so an
 * emoji is two of them); doubles as {@link Double#toString(double)}, the non-finite ones quoted.
 */
public final class JsonBuffer {

    /** A member name, encoded once as {@code "name":}. */
    public static final class Name {
        private final byte[] encoded;
        /** Where {@link #encoded} has a quote or a backslash. */
        private final int[] escapes;

        private Name(String name) {
            JsonBuffer buffer = new JsonBuffer(name.length() + 8);
            buffer.quote(name);
            buffer.append((byte) ':');
            this.encoded = buffer.toByteArray();
            this.escapes = Arrays.copyOf(buffer.escapes, buffer.escapeCount);
        }
    }

    public static Name name(String name) {
        return new Name(name);
    }

    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);
    /** For each ASCII character: 0 when it is written as it is, else the character after the backslash. */
    private static final byte[] ESCAPE = new byte[128];

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPE[c] = 'u';
        }
        ESCAPE['"'] = '"';
        ESCAPE['\\'] = '\\';
        ESCAPE['\t'] = 't';
        ESCAPE['\n'] = 'n';
        ESCAPE['\r'] = 'r';
        ESCAPE['\b'] = 'b';
        ESCAPE['\f'] = 'f';
    }

    private static final int DOUBLE_SLOT_BITS = 4;
    private static final int DOUBLES = 1 << DOUBLE_SLOT_BITS;
    private final long[] doubleBits = new long[DOUBLES];
    private final byte[][] doubleTexts = new byte[DOUBLES][];

    private byte[] bytes;
    private int length;
    /** A value was just written at this level: the next member or element needs a comma first. */
    private boolean separate;

    /**
     * Where the text has a quote or a backslash, in order. Kept as the text is written, so that
     * it can be written as a JSON string ({@link #writeQuoted}) without searching a kilobyte of
     * text for the few bytes that need a backslash: replay does that once per event.
     */
    private int[] escapes = new int[64];

    private int escapeCount;
    /** A control character came in raw JSON (whitespace, say): {@link #writeQuoted} cannot write it. */
    private boolean rawControl;

    public JsonBuffer(int capacity) {
        this.bytes = new byte[Math.max(capacity, 16)];
    }

    /** Empties the buffer for the next message, keeping its array. */
    public JsonBuffer reset() {
        length = 0;
        separate = false;
        escapeCount = 0;
        rawControl = false;
        return this;
    }

    /** The array the message is in, valid until the next write; the message is its first {@link #length()} bytes. */
    public byte[] array() {
        return bytes;
    }

    public int length() {
        return length;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    // ---- the text as a JSON string --------------------------------------------------------

    /**
     * Whether {@link #writeQuoted} can write the text: always, unless raw JSON brought a control
     * character, which would need more than a backslash.
     */
    public boolean quotable() {
        return !rawControl;
    }

    /** The bytes {@link #writeQuoted} writes: the text, a backslash for each quote and backslash, two quotes. */
    public int quotedLength() {
        return length + escapeCount + 2;
    }

    /**
     * Writes the text as a JSON string into {@code into} at {@code at}, which must have room for
     * {@link #quotedLength()} bytes and 8 more; returns where the string ends. The bytes are the
     * ones any JSON escaper writes for the text's UTF-8: what this buffer writes is well-formed
     * UTF-8 with every control character escaped, so only its quotes and backslashes need a
     * backslash, and it knows where they are. Bytes past the end may be written over.
     */
    public int writeQuoted(byte[] into, int at) {
        if (!quotable()) {
            throw new IllegalStateException("raw JSON with control characters: escape it byte by byte");
        }
        ensure(8); // the copy below moves whole words, and may read up to 7 bytes past the text
        byte[] b = bytes;
        int p = at;
        into[p++] = '"';
        int from = 0;
        for (int i = 0; i < escapeCount; i++) {
            int to = escapes[i];
            p = copyWords(b, from, into, p, to - from);
            into[p++] = '\\';
            from = to;
        }
        p = copyWords(b, from, into, p, length - from);
        into[p++] = '"';
        return p;
    }

    /**
     * Copies {@code n} bytes eight at a time, writing up to 7 bytes past them. The runs between
     * two quotes are a dozen bytes, too short for {@link System#arraycopy} to pay off.
     */
    private static int copyWords(byte[] from, int at, byte[] into, int to, int n) {
        for (int k = 0; k < n; k += 8) {
            WORDS.set(into, to + k, (long) WORDS.get(from, at + k));
        }
        return to + n;
    }

    // ---- structure ------------------------------------------------------------------------

    public JsonBuffer startObject() {
        beforeValue();
        append((byte) '{');
        separate = false;
        return this;
    }

    public JsonBuffer endObject() {
        append((byte) '}');
        separate = true;
        return this;
    }

    public JsonBuffer startArray() {
        beforeValue();
        append((byte) '[');
        separate = false;
        return this;
    }

    public JsonBuffer endArray() {
        append((byte) ']');
        separate = true;
        return this;
    }

    /** Takes back the closing brace of the object just written, so members can follow its last. */
    public JsonBuffer reopenObject() {
        if (length == 0 || bytes[length - 1] != '}') {
            throw new IllegalStateException("no object was just closed");
        }
        length--;
        separate = bytes[length - 1] != '{';
        return this;
    }

    /** Starts a member: its value comes next. */
    public JsonBuffer name(Name name) {
        beforeValue();
        for (int escape : name.escapes) {
            escapeAt(length + escape);
        }
        append(name.encoded);
        separate = false;
        return this;
    }

    // ---- values ---------------------------------------------------------------------------

    public JsonBuffer string(String value) {
        beforeValue();
        quote(value);
        separate = true;
        return this;
    }

    public JsonBuffer number(long value) {
        beforeValue();
        appendDigits(value);
        separate = true;
        return this;
    }

    public JsonBuffer number(double value) {
        if (!Double.isFinite(value)) {
            return string(Double.toString(value));
        }
        beforeValue();
        append(doubleText(value));
        separate = true;
        return this;
    }

    /**
     * {@link Double#toString(double)} as bytes, remembered: every job snapshot holds its retry
     * policy's multiplier and jitter, nearly always the same few values, and formatting a double
     * costs more than writing the rest of the policy.
     */
    byte[] doubleText(double value) {
        long bits = Double.doubleToRawLongBits(value);
        // Fibonacci hashing: the product's top bits. Its low bits are zero for every round value
        // (2.0, 0.0, 0.5: no mantissa bits), which put them all in one slot, to evict each other.
        int slot = (int) ((bits * 0x9E3779B97F4A7C15L) >>> (Long.SIZE - DOUBLE_SLOT_BITS));
        byte[] text = doubleTexts[slot];
        if (text == null || doubleBits[slot] != bits) {
            text = Double.toString(value).getBytes(StandardCharsets.US_ASCII);
            doubleTexts[slot] = text;
            doubleBits[slot] = bits;
        }
        return text;
    }

    public JsonBuffer bool(boolean value) {
        beforeValue();
        append(value ? TRUE : FALSE);
        separate = true;
        return this;
    }

    public JsonBuffer nullValue() {
        beforeValue();
        append(NULL);
        separate = true;
        return this;
    }

    /** A value that is already JSON text, copied as UTF-8. */
    public JsonBuffer raw(String json) {
        beforeValue();
        byte[] text = json.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < text.length; i++) {
            byte c = text[i];
            if (c == '"' || c == '\\') {
                escapeAt(length + i);
            } else if (c >= 0 && c < 0x20) {
                rawControl = true;
            }
        }
        append(text);
        separate = true;
        return this;
    }

    // ---- members --------------------------------------------------------------------------

    public JsonBuffer field(Name name, String value) {
        return name(name).string(value);
    }

    public JsonBuffer field(Name name, long value) {
        return name(name).number(value);
    }

    public JsonBuffer field(Name name, double value) {
        return name(name).number(value);
    }

    public JsonBuffer field(Name name, boolean value) {
        return name(name).bool(value);
    }

    public JsonBuffer fieldOrNull(Name name, String value) {
        name(name);
        return value == null ? nullValue() : string(value);
    }

    public JsonBuffer fieldOrNull(Name name, Long value) {
        name(name);
        return value == null ? nullValue() : number(value);
    }

    /** An RFC 3339 time ({@link Timestamps#format}), or null. */
    public JsonBuffer timeOrNull(Name name, Long epochMillis) {
        name(name);
        return epochMillis == null ? nullValue() : time(epochMillis);
    }

    public JsonBuffer time(Name name, long epochMillis) {
        return name(name).time(epochMillis);
    }

    private JsonBuffer time(long epochMillis) {
        beforeValue();
        escapeAt(length);
        append((byte) '"');
        ensure(Timestamps.MAX_LENGTH);
        length = Timestamps.format(epochMillis, bytes, length);
        escapeAt(length);
        append((byte) '"');
        separate = true;
        return this;
    }

    // ---- bytes ----------------------------------------------------------------------------

    private void beforeValue() {
        if (separate) {
            append((byte) ',');
        }
    }

    private void append(byte[] more) {
        ensure(more.length);
        System.arraycopy(more, 0, bytes, length, more.length);
        length += more.length;
    }

    private void append(byte b) {
        ensure(1);
        bytes[length++] = b;
    }

    private void quote(String value) {
        int n = value.length();
        ensure(n * 6 + 2); // the longest a char can get: a unicode escape
        byte[] b = bytes;
        int p = length;
        escapeAt(p);
        b[p++] = '"';
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                byte escape = ESCAPE[c];
                if (escape == 0) {
                    b[p++] = (byte) c;
                } else {
                    escapeAt(p);
                    b[p++] = '\\';
                    if (escape == '"' || escape == '\\') {
                        escapeAt(p);
                    }
                    b[p++] = escape;
                    if (escape == 'u') {
                        p = hex4(b, p, c);
                    }
                }
            } else if (c < 0x800) {
                b[p++] = (byte) (0xC0 | (c >> 6));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                escapeAt(p);
                b[p++] = '\\';
                b[p++] = 'u';
                p = hex4(b, p, c);
            } else {
                b[p++] = (byte) (0xE0 | (c >> 12));
                b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        escapeAt(p);
        b[p++] = '"';
        length = p;
    }

    /** Notes that the byte at {@code at} is a quote or a backslash. */
    private void escapeAt(int at) {
        if (escapeCount == escapes.length) {
            escapes = Arrays.copyOf(escapes, escapeCount * 2);
        }
        escapes[escapeCount++] = at;
    }

    private static int hex4(byte[] b, int p, char c) {
        b[p++] = HEX[(c >> 12) & 0xF];
        b[p++] = HEX[(c >> 8) & 0xF];
        b[p++] = HEX[(c >> 4) & 0xF];
        b[p++] = HEX[c & 0xF];
        return p;
    }

    private void appendDigits(long value) {
        ensure(MAX_DIGITS);
        length = digits(value, bytes, length);
    }

    /** The most bytes {@link #digits} writes. */
    public static final int MAX_DIGITS = 20;

    /** Writes {@code value} in decimal into {@code into} at {@code at}; returns where it ends. */
    public static int digits(long value, byte[] into, int at) {
        if (value < 0) {
            if (value == Long.MIN_VALUE) {
                byte[] text = Long.toString(value).getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(text, 0, into, at, text.length);
                return at + text.length;
            }
            into[at++] = '-';
            value = -value;
        }
        int digits = 1;
        for (long rest = value / 10; rest != 0; rest /= 10) {
            digits++;
        }
        int end = at + digits;
        int p = end;
        do {
            into[--p] = (byte) ('0' + value % 10);
            value /= 10;
        } while (value != 0);
        return end;
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
