package io.jobline.airgap;

/**
 * Strict UTF-8 well-formedness (Unicode 15, table 3-7): no overlong forms, no surrogates, nothing
 * above U+10FFFF. Only bytes that pass survive a trip through a Java String unchanged, which is
 * what decides between {@code value} and {@code valueBase64} in an exported line.
 */
final class Utf8 {

    private Utf8() {}

    static boolean isWellFormed(byte[] bytes) {
        return isWellFormed(bytes, bytes.length);
    }

    /** Whether the first {@code length} bytes are well-formed. */
    static boolean isWellFormed(byte[] bytes, int length) {
        int i = 0;
        while (i < length) {
            if (bytes[i] >= 0) {
                i++;
            } else {
                int sequence = sequenceLength(bytes, i, length);
                if (sequence == 0) {
                    return false;
                }
                i += sequence;
            }
        }
        return true;
    }

    /** The length of the multi-byte sequence that starts at {@code i}, or 0 when it is ill-formed. */
    static int sequenceLength(byte[] b, int i, int end) {
        int lead = b[i] & 0xFF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            return i + 1 < end && continuation(b[i + 1], 0x80, 0xBF) ? 2 : 0;
        }
        if (lead >= 0xE0 && lead <= 0xEF) {
            int low = lead == 0xE0 ? 0xA0 : 0x80;
            int high = lead == 0xED ? 0x9F : 0xBF;
            return i + 2 < end && continuation(b[i + 1], low, high) && continuation(b[i + 2], 0x80, 0xBF) ? 3 : 0;
        }
        if (lead >= 0xF0 && lead <= 0xF4) {
            int low = lead == 0xF0 ? 0x90 : 0x80;
            int high = lead == 0xF4 ? 0x8F : 0xBF;
            return i + 3 < end
                            && continuation(b[i + 1], low, high)
                            && continuation(b[i + 2], 0x80, 0xBF)
                            && continuation(b[i + 3], 0x80, 0xBF)
                    ? 4
                    : 0;
        }
        return 0;
    }

    private static boolean continuation(byte b, int low, int high) {
        int value = b & 0xFF;
        return value >= low && value <= high;
    }
}
