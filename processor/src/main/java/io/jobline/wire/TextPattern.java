package io.jobline.wire;

import java.util.regex.Pattern;

/**
 * A pattern that a string field of a command must match, as the schema states it. Most are one
 * character class repeated ({@code [A-Za-z0-9._:@-]{1,200}} for a job id, which every command
 * carries once or more); those are tested against a table, the rest by the regular expression.
 */
public final class TextPattern {

    private final Pattern regex;
    /** For a repeated character class: the ASCII characters it allows; null otherwise. */
    private final boolean[] allowed;

    private final int maxLength;

    private TextPattern(Pattern regex, boolean[] allowed, int maxLength) {
        this.regex = regex;
        this.allowed = allowed;
        this.maxLength = maxLength;
    }

    public static TextPattern of(String regex) {
        return new TextPattern(Pattern.compile(regex), null, Integer.MAX_VALUE);
    }

    /** {@code [characterClass]{1,maxLength}}, for a class of ASCII characters. */
    public static TextPattern repeated(String characterClass, int maxLength) {
        Pattern single = Pattern.compile("[" + characterClass + "]");
        boolean[] allowed = new boolean[128];
        for (char c = 0; c < 128; c++) {
            allowed[c] = single.matcher(String.valueOf(c)).matches();
        }
        return new TextPattern(Pattern.compile("[" + characterClass + "]{1," + maxLength + "}"), allowed, maxLength);
    }

    public boolean matches(String value) {
        if (allowed == null) {
            return regex.matcher(value).matches();
        }
        int length = value.length();
        if (length == 0 || length > maxLength) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c >= 128 || !allowed[c]) {
                return false;
            }
        }
        return true;
    }

    /** The regular expression, as error messages and the schema state it. */
    public String pattern() {
        return regex.pattern();
    }

    @Override
    public String toString() {
        return pattern();
    }
}
