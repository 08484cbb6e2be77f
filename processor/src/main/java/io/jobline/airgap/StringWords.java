package io.jobline.airgap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The bytes of a JSON string eight at a time, for the line writer and reader: a timeline event
 * is a kilobyte of JSON held in a string, with a quote every dozen bytes, and testing a word at
 * once for what needs care finds the runs between them in a few steps.
 */
final class StringWords {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private static final long ONES = 0x0101010101010101L;
    private static final long SPACES = 0x2020202020202020L;
    private static final long HIGHS = 0x8080808080808080L;

    private StringWords() {}

    /**
     * Copies the eight bytes at {@code from[at]} to {@code into[to]} and returns how many of them,
     * from the first, are plain: not a quote, a backslash, a control character or a byte that is
     * not ASCII; 8 when all are. The caller moves on by that many and handles the byte there; the
     * bytes copied past it are written over next.
     */
    static int copyWord(byte[] from, int at, byte[] into, int to) {
        long word = (long) LONGS.get(from, at);
        LONGS.set(into, to, word);
        long special = special(word);
        return special == 0 ? 8 : Long.numberOfTrailingZeros(special) >>> 3;
    }

    /**
     * The top bit of every byte of {@code word} that is a quote, a backslash, a control character
     * or not ASCII; bits above the lowest one may be false alarms, so only that one is used.
     */
    private static long special(long word) {
        long quote = word ^ 0x2222222222222222L;
        long backslash = word ^ 0x5C5C5C5C5C5C5C5CL;
        return ((quote - ONES) & ~quote | (backslash - ONES) & ~backslash | (word - SPACES) & ~word | word) & HIGHS;
    }
}
