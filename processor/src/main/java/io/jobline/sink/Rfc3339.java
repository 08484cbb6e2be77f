package io.jobline.sink;

/**
 * A cheap shape check of RFC 3339 date-times, before PostgreSQL parses them. The shape matters:
 * PostgreSQL would also take 'now', 'yesterday' or 'epoch' for a timestamptz and store a time
 * the event never had. Ranges (month 13) are left to PostgreSQL, which refuses them.
 */
final class Rfc3339 {

    private Rfc3339() {}

    /** {@code yyyy-MM-ddTHH:mm:ss[.fraction](Z|±hh:mm)}. */
    static boolean hasShape(String text) {
        int n = text.length();
        if (n < 20
                || !digits(text, 0, 4)
                || text.charAt(4) != '-'
                || !digits(text, 5, 7)
                || text.charAt(7) != '-'
                || !digits(text, 8, 10)
                || (text.charAt(10) != 'T' && text.charAt(10) != 't')
                || !digits(text, 11, 13)
                || text.charAt(13) != ':'
                || !digits(text, 14, 16)
                || text.charAt(16) != ':'
                || !digits(text, 17, 19)) {
            return false;
        }
        int i = 19;
        if (text.charAt(i) == '.') {
            int fraction = ++i;
            while (i < n && isDigit(text.charAt(i))) {
                i++;
            }
            if (i == fraction) {
                return false;
            }
        }
        if (i == n - 1) {
            return text.charAt(i) == 'Z' || text.charAt(i) == 'z';
        }
        return i == n - 6
                && (text.charAt(i) == '+' || text.charAt(i) == '-')
                && digits(text, i + 1, i + 3)
                && text.charAt(i + 3) == ':'
                && digits(text, i + 4, i + 6);
    }

    private static boolean digits(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!isDigit(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
