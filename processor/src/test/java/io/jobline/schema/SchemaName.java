package io.jobline.schema;

/** The message schemas in {@code schemas/}, one per kind of message. */
public enum SchemaName {
    COMMAND("command"),
    JOB("job"),
    TIMELINE_EVENT("timeline-event"),
    EVENT_ENVELOPE("event-envelope"),
    REJECTION("rejection"),
    EXPORT_RECORD("export-record"),
    BUNDLE_MANIFEST("bundle-manifest");

    private final String baseName;

    SchemaName(String baseName) {
        this.baseName = baseName;
    }

    /** The name of the examples directory, {@code schemas/examples/<baseName>/}. */
    public String baseName() {
        return baseName;
    }

    public String fileName() {
        return baseName + ".schema.json";
    }

    public static SchemaName ofBaseName(String baseName) {
        for (SchemaName name : values()) {
            if (name.baseName.equals(baseName)) {
                return name;
            }
        }
        throw new IllegalArgumentException("no schema named " + baseName);
    }
}
