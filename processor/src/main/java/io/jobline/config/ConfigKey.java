package io.jobline.config;

import java.util.Locale;
import java.util.function.Function;

/**
 * One configuration key: its property name, the environment variable that sets it, a default,
 * a description for the reference, and a parser that explains what is wrong with a bad value.
 * The value of a {@code secret} key never appears in a message: messages end up in terminals and logs.
 */
public record ConfigKey<T>(
        String name, T defaultValue, String description, Function<String, T> parser, boolean secret) {

    public ConfigKey(String name, T defaultValue, String description, Function<String, T> parser) {
        this(name, defaultValue, description, parser, false);
    }

    /** {@code jobline.topic.commands} is set by {@code JOBLINE_TOPIC_COMMANDS}. */
    public String envName() {
        return name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    T parse(String raw) {
        try {
            return parser.apply(raw.trim());
        } catch (RuntimeException e) {
            throw secret ? new ConfigException(name, e.getMessage()) : new ConfigException(name, raw, e.getMessage());
        }
    }

    static Function<String, Integer> intAtLeast(int min) {
        return within(Integer::parseInt, min, null);
    }

    static Function<String, Integer> intWithin(int min, int max) {
        return within(Integer::parseInt, min, max);
    }

    static Function<String, Long> longAtLeast(long min) {
        return within(Long::parseLong, min, null);
    }

    static Function<String, Long> longWithin(long min, long max) {
        return within(Long::parseLong, min, max);
    }

    static Function<String, Double> doubleWithin(double min, double max) {
        return within(Double::parseDouble, min, max);
    }

    /** A number from {@code min} to {@code max} (no upper bound when null). */
    private static <T extends Comparable<T>> Function<String, T> within(Function<String, T> parse, T min, T max) {
        return raw -> {
            T value = parse.apply(raw);
            if (max == null && value.compareTo(min) < 0) {
                throw new IllegalArgumentException("must be at least " + min);
            }
            if (max != null && (value.compareTo(min) < 0 || value.compareTo(max) > 0)) {
                throw new IllegalArgumentException("must be between " + min + " and " + max);
            }
            return value;
        };
    }

    static Function<String, Boolean> bool() {
        return raw -> switch (raw.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new IllegalArgumentException("must be true or false");
        };
    }

    static Function<String, String> nonEmpty() {
        return raw -> {
            if (raw.isEmpty()) {
                throw new IllegalArgumentException("must not be empty");
            }
            return raw;
        };
    }

    static Function<String, String> oneOf(String... allowed) {
        return raw -> {
            for (String option : allowed) {
                if (option.equals(raw)) {
                    return raw;
                }
            }
            throw new IllegalArgumentException("must be one of " + String.join(", ", allowed));
        };
    }
}
