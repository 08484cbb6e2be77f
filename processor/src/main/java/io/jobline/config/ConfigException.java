package io.jobline.config;

/** A configuration value that cannot be used; the message names the key and says why. */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String key;

    public ConfigException(String key, String value, String problem) {
        super("invalid configuration " + key + "=" + (value == null ? "(unset)" : "'" + value + "'") + ": " + problem);
        this.key = key;
    }

    public ConfigException(String key, String problem) {
        super("invalid configuration " + key + ": " + problem);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
