package io.jobline.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads the fields of one JSON object the way {@code schemas/command.schema.json} defines them,
 * collecting every violation instead of stopping at the first, so a rejection lists them all.
 * A test keeps this reader and the schema in agreement.
 */
final class FieldReader {

    private final ObjectNode object;
    private final String path;
    private final List<String> violations;

    FieldReader(ObjectNode object, String path, List<String> violations) {
        this.object = object;
        this.path = path;
        this.violations = violations;
    }

    List<String> violations() {
        return violations;
    }

    /** Reports every field not in {@code allowed}; the schema is strict so typos do not pass. */
    void rejectUnknown(Set<String> allowed) {
        Iterator<String> names = object.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                violations.add(path + name + ": is not a known field");
            }
        }
    }

    String requiredText(String name, int maxLength) {
        return text(name, true, maxLength, null);
    }

    String optionalText(String name, int maxLength) {
        return text(name, false, maxLength, null);
    }

    String requiredText(String name, int maxLength, TextPattern pattern) {
        return text(name, true, maxLength, pattern);
    }

    String optionalText(String name, int maxLength, TextPattern pattern) {
        return text(name, false, maxLength, pattern);
    }

    private String text(String name, boolean required, int maxLength, TextPattern pattern) {
        JsonNode node = present(name, required);
        if (node == null) {
            return null;
        }
        if (!node.isTextual()) {
            return violation(name, "must be a string");
        }
        String value = node.textValue();
        if (value.isEmpty() || !fits(value, maxLength)) {
            return violation(name, "must be 1 to " + maxLength + " characters long");
        }
        String unstorable = unstorable(value);
        if (unstorable != null) {
            return violation(name, unstorable);
        }
        if (pattern != null && !pattern.matches(value)) {
            return violation(name, "must match " + pattern.pattern());
        }
        return value;
    }

    /**
     * Whether {@code value} has at most {@code maxLength} characters as JSON Schema counts them:
     * code points, so an emoji (two UTF-16 units in a Java string) counts once.
     */
    static boolean fits(String value, int maxLength) {
        // A string has no more code points than UTF-16 units: count them only when it matters.
        return value.length() <= maxLength || value.codePointCount(0, value.length()) <= maxLength;
    }

    /**
     * Why PostgreSQL could not store {@code value}, or null: U+0000, or one half of a UTF-16
     * surrogate pair without the other (no character at all). A command that put either into a
     * job's events would keep every such event out of PostgreSQL for good.
     */
    static String unstorable(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\u0000') {
                return "holds \\u0000, which PostgreSQL cannot store";
            }
            if (Character.isHighSurrogate(c)
                    && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "holds an unpaired surrogate (\\u" + HexFormat.of().toHexDigits(c)
                        + "), which is not Unicode text";
            }
        }
        return null;
    }

    Long requiredLong(String name, long min, long max) {
        return integer(name, true, min, max);
    }

    Long optionalLong(String name, long min, long max) {
        return integer(name, false, min, max);
    }

    private Long integer(String name, boolean required, long min, long max) {
        JsonNode node = present(name, required);
        if (node == null) {
            return null;
        }
        if (!node.isIntegralNumber() && !(node.isNumber() && isWhole(node))) {
            return violation(name, "must be an integer");
        }
        if (!node.canConvertToLong() || node.longValue() < min || node.longValue() > max) {
            return violation(name, "must be between " + min + " and " + max);
        }
        return node.longValue();
    }

    private static boolean isWhole(JsonNode node) {
        // JSON Schema counts 2.0 as an integer.
        return node.decimalValue().stripTrailingZeros().scale() <= 0;
    }

    Double optionalNumber(String name, double min, double max) {
        JsonNode node = present(name, false);
        if (node == null) {
            return null;
        }
        if (!node.isNumber()) {
            return violation(name, "must be a number");
        }
        double value = node.doubleValue();
        // On a bound, compared exactly, as the schema compares: 1.00000000000000000001 is above 1,
        // though it is 1.0 as a double.
        boolean onBound = value == min || value == max;
        BigDecimal exact = onBound ? node.decimalValue() : null;
        if (value < min
                || value > max
                || (onBound
                        && (exact.compareTo(new BigDecimal(min)) < 0 || exact.compareTo(new BigDecimal(max)) > 0))) {
            return violation(name, "must be between " + min + " and " + max);
        }
        return value;
    }

    Boolean optionalBoolean(String name) {
        JsonNode node = present(name, false);
        if (node == null) {
            return null;
        }
        if (!node.isBoolean()) {
            return violation(name, "must be true or false");
        }
        return node.booleanValue();
    }

    ObjectNode requiredObject(String name) {
        return object(name, true);
    }

    ObjectNode optionalObject(String name) {
        return object(name, false);
    }

    private ObjectNode object(String name, boolean required) {
        JsonNode node = present(name, required);
        if (node == null) {
            return null;
        }
        if (!node.isObject()) {
            return violation(name, "must be an object");
        }
        return (ObjectNode) node;
    }

    /** A reader for the object in field {@code name}, reporting under its path. */
    FieldReader nested(ObjectNode child, String name) {
        return new FieldReader(child, path + name + ".", violations);
    }

    List<String> optionalTextArray(String name, int maxLength, TextPattern pattern) {
        JsonNode node = present(name, false);
        if (node == null) {
            return null;
        }
        if (!node.isArray()) {
            return violation(name, "must be an array of strings");
        }
        List<String> values = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            String itemPath = name + "[" + i + "]";
            String unstorable;
            if (!item.isTextual() || item.textValue().isEmpty() || !fits(item.textValue(), maxLength)) {
                violation(itemPath, "must be a string of 1 to " + maxLength + " characters");
            } else if ((unstorable = unstorable(item.textValue())) != null) {
                violation(itemPath, unstorable);
            } else if (pattern != null && !pattern.matches(item.textValue())) {
                violation(itemPath, "must match " + pattern.pattern());
            } else {
                values.add(item.textValue());
            }
        }
        return values;
    }

    /**
     * A string that must be one of {@code allowed}. A list, not a set: the message names them, and
     * it must read the same in every JVM (a {@code Set.of} iterates in an order seeded per run).
     */
    String requiredEnum(String name, List<String> allowed) {
        JsonNode node = present(name, true);
        if (node == null) {
            return null;
        }
        if (!node.isTextual() || !allowed.contains(node.textValue())) {
            return violation(name, "must be one of " + allowed);
        }
        return node.textValue();
    }

    private JsonNode present(String name, boolean required) {
        JsonNode node = object.get(name);
        if (node == null || node.isNull()) {
            if (required) {
                violations.add(path + name + ": is required");
            } else if (node != null) {
                violations.add(path + name + ": must not be null (leave it out instead)");
            }
            return null;
        }
        return node;
    }

    private <T> T violation(String name, String problem) {
        violations.add(path + name + ": " + problem);
        return null;
    }
}
