package io.jobline.wire;

import java.util.List;
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
    /** Whole values the repeated class would allow but the pattern does not. */
    private final List<String> excluded;

    private TextPattern(Pattern regex, boolean[] allowed, int maxLength, List<String> excluded) {
        this.regex = regex;
        this.allowed = allowed;
        this.maxLength = maxLength;
        this.excluded = excluded;
    }

    public static TextPattern of(String regex) {
        return new TextPattern(Pattern.compile(regex), null, Integer.MAX_VALUE, List.of());
    }

    /**
     * {@code [characterClass]{1,maxLength}}, for a class of ASCII characters, but none of {@code
     * excluded} (written as a lookahead in front, as the schema has it).
     */
    public static TextPattern repeated(String characterClass, int maxLength, String... excluded) {
        Pattern single = Pattern.compile("[" + characterClass + "]");
        boolean[] allowed = new boolean[128];
        for (char c = 0; c < 128; c++) {
            allowed[c] = single.matcher(String.valueOf(c)).matches();
        }
        StringBuilder regex = new StringBuilder();
        if (excluded.length > 0) {
            regex.append("(?!(");
            for (int i = 0; i < excluded.length; i++) {
                regex.append(i == 0 ? "" : "|");
                for (char c : excluded[i].toCharArray()) {
                    regex.append(Character.isLetterOrDigit(c) ? "" : "\\").append(c);
                }
            }
            regex.append(")$)");
        }
        regex.append('[')
                .append(characterClass)
                .append("]{1,")
                .append(maxLength)
                .append('}');
        return new TextPattern(Pattern.compile(regex.toString()), allowed, maxLength, List.of(excluded));
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
        return !excluded.contains(value);
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
