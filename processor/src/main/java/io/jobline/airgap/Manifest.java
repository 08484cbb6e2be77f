package io.jobline.airgap;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import io.jobline.domain.EgressPolicy;
import io.jobline.domain.LifecyclePolicy;
import io.jobline.domain.RetryPolicy;
import io.jobline.wire.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code manifest.json} of a bundle ({@code schemas/bundle-manifest.schema.json}): what was
 * exported (topics, partitions, offset ranges, record counts), the SHA-256 of every file, and the
 * processor's topic names and decision policy at export time.
 */
public record Manifest(
        String joblineVersion, String createdAt, Source source, Processor processor, List<Topic> topics) {

    public static final String FORMAT = "jobline-bundle";
    public static final int FORMAT_VERSION = 1;

    /** The cluster the records came from; import uses its id to recognise records it has already written. */
    public record Source(String clusterId, String bootstrapServers, String isolationLevel) {}

    /** The processor's application id and topic names, and the policy it decided under. */
    public record Processor(
            String applicationId,
            String commandsTopic,
            String timelineTopic,
            String rejectionsTopic,
            ProcessorPolicy policy) {}

    /** One exported topic: its partition count and one file per partition. */
    public record Topic(String name, int partitions, List<PartitionFile> files) {

        public Optional<PartitionFile> file(int partition) {
            return files.stream().filter(f -> f.partition() == partition).findFirst();
        }
    }

    /**
     * One partition's file.
     *
     * @param startOffset the first offset asked for (inclusive)
     * @param endOffset the offset the export read up to (exclusive): the last stable offset when it started
     * @param firstOffset the offset of the first record in the file, or null when it has none
     * @param lastOffset the offset of the last record in the file, or null when it has none
     * @param sha256 lower-case hex SHA-256 of the file, as {@code sha256sum} prints it
     */
    public record PartitionFile(
            int partition,
            String file,
            long startOffset,
            long endOffset,
            Long firstOffset,
            Long lastOffset,
            long records,
            long bytes,
            String sha256) {}

    public Optional<Topic> topic(String name) {
        return topics.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    public long records() {
        return topics.stream()
                .flatMap(t -> t.files().stream())
                .mapToLong(PartitionFile::records)
                .sum();
    }

    // ---- writing ----------------------------------------------------------------------------

    public byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.setPrettyPrinter(new DefaultPrettyPrinter());
            write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    private void write(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("format", FORMAT);
        g.writeNumberField("formatVersion", FORMAT_VERSION);
        g.writeStringField("joblineVersion", joblineVersion);
        g.writeStringField("createdAt", createdAt);
        g.writeObjectFieldStart("source");
        Json.writeStringOrNull(g, "clusterId", source.clusterId());
        g.writeStringField("bootstrapServers", source.bootstrapServers());
        g.writeStringField("isolationLevel", source.isolationLevel());
        g.writeEndObject();
        g.writeObjectFieldStart("processor");
        g.writeStringField("applicationId", processor.applicationId());
        g.writeObjectFieldStart("topics");
        g.writeStringField("commands", processor.commandsTopic());
        g.writeStringField("timeline", processor.timelineTopic());
        g.writeStringField("rejections", processor.rejectionsTopic());
        g.writeEndObject();
        writePolicy(g, processor.policy());
        g.writeEndObject();
        g.writeArrayFieldStart("topics");
        for (Topic topic : topics) {
            g.writeStartObject();
            g.writeStringField("name", topic.name());
            g.writeNumberField("partitions", topic.partitions());
            g.writeArrayFieldStart("files");
            for (PartitionFile file : topic.files()) {
                g.writeStartObject();
                g.writeNumberField("partition", file.partition());
                g.writeStringField("file", file.file());
                g.writeNumberField("startOffset", file.startOffset());
                g.writeNumberField("endOffset", file.endOffset());
                Json.writeNumberOrNull(g, "firstOffset", file.firstOffset());
                Json.writeNumberOrNull(g, "lastOffset", file.lastOffset());
                g.writeNumberField("records", file.records());
                g.writeNumberField("bytes", file.bytes());
                g.writeStringField("sha256", file.sha256());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writePolicy(JsonGenerator g, ProcessorPolicy policy) throws IOException {
        LifecyclePolicy lifecycle = policy.lifecycle();
        EgressPolicy egress = lifecycle.egress();
        RetryPolicy retry = lifecycle.defaultRetry();
        g.writeObjectFieldStart("policy");
        g.writeBooleanField("sealed", egress.sealed());
        g.writeArrayFieldStart("egressAllow");
        for (String entry : egress.allowlist()) {
            g.writeString(entry);
        }
        g.writeEndArray();
        Json.writeStringOrNull(g, "allowlistDigest", egress.admission().allowlistDigest());
        g.writeNumberField("maxCommandBytes", policy.maxCommandBytes());
        g.writeNumberField("maxDependencies", lifecycle.maxDependencies());
        g.writeNumberField("defaultLeaseMs", lifecycle.defaultLeaseMs());
        g.writeObjectFieldStart("defaultRetry");
        g.writeNumberField("maxRetries", retry.maxRetries());
        g.writeNumberField("initialDelayMs", retry.initialDelayMs());
        g.writeNumberField("multiplier", retry.multiplier());
        g.writeNumberField("maxDelayMs", retry.maxDelayMs());
        g.writeNumberField("jitter", retry.jitter());
        g.writeEndObject();
        g.writeEndObject();
    }

    // ---- reading ----------------------------------------------------------------------------

    /** Parses and checks a manifest; {@code name} names it in errors. */
    public static Manifest parse(byte[] json, String name) {
        JsonNode root;
        try {
            root = Json.readTree(json);
        } catch (IOException e) {
            throw new AirGapException(name + " is not JSON: " + e.getMessage());
        }
        Fields m = new Fields(root, name);
        if (!FORMAT.equals(m.text("format"))) {
            throw new AirGapException(name + ": format is not '" + FORMAT + "'");
        }
        long version = m.number("formatVersion");
        if (version != FORMAT_VERSION) {
            throw new AirGapException(name + ": formatVersion " + version + " is not supported by this jobline"
                    + " (it reads version " + FORMAT_VERSION + ")");
        }
        Fields source = m.object("source");
        Fields processor = m.object("processor");
        Fields topicNames = processor.object("topics");
        List<Topic> topics = new ArrayList<>();
        // Import and replay address partitions by these numbers: one outside its topic, or listed
        // twice, would write where no partition is, or the same records twice.
        Set<String> listedTopics = new HashSet<>();
        Set<String> fileNames = new HashSet<>();
        for (Fields topic : m.array("topics")) {
            String topicName = topic.text("name");
            if (!listedTopics.add(topicName)) {
                throw new AirGapException(name + ": topic " + topicName + " is listed twice");
            }
            int partitions = topic.integer("partitions", 1, Integer.MAX_VALUE);
            Set<Integer> seen = new HashSet<>();
            List<PartitionFile> files = new ArrayList<>();
            for (Fields file : topic.array("files")) {
                int partition = file.integer("partition", 0, partitions - 1);
                if (!seen.add(partition)) {
                    throw new AirGapException(
                            name + ": partition " + partition + " of " + topicName + " is listed twice");
                }
                String fileName = file.fileName("file");
                if (!fileNames.add(fileName)) {
                    throw new AirGapException(name + ": " + fileName + " is listed twice");
                }
                files.add(new PartitionFile(
                        partition,
                        fileName,
                        file.number("startOffset"),
                        file.number("endOffset"),
                        file.optionalNumber("firstOffset"),
                        file.optionalNumber("lastOffset"),
                        file.number("records"),
                        file.number("bytes"),
                        file.sha256("sha256")));
            }
            topics.add(new Topic(topicName, partitions, List.copyOf(files)));
        }
        return new Manifest(
                m.text("joblineVersion"),
                m.text("createdAt"),
                new Source(
                        source.optionalText("clusterId"),
                        source.text("bootstrapServers"),
                        source.text("isolationLevel")),
                new Processor(
                        processor.text("applicationId"),
                        topicNames.text("commands"),
                        topicNames.text("timeline"),
                        topicNames.text("rejections"),
                        readPolicy(processor.object("policy"))),
                List.copyOf(topics));
    }

    private static ProcessorPolicy readPolicy(Fields p) {
        List<String> allow = new ArrayList<>();
        for (JsonNode entry : p.node("egressAllow")) {
            allow.add(entry.asText());
        }
        Fields r = p.object("defaultRetry");
        try {
            RetryPolicy retry = new RetryPolicy(
                    r.integer("maxRetries", Integer.MIN_VALUE, Integer.MAX_VALUE),
                    r.number("initialDelayMs"),
                    r.decimal("multiplier"),
                    r.number("maxDelayMs"),
                    r.decimal("jitter"));
            LifecyclePolicy lifecycle = new LifecyclePolicy(
                    new EgressPolicy(p.bool("sealed"), allow),
                    retry,
                    p.number("defaultLeaseMs"),
                    p.integer("maxDependencies", Integer.MIN_VALUE, Integer.MAX_VALUE));
            return new ProcessorPolicy(lifecycle, p.integer("maxCommandBytes", Integer.MIN_VALUE, Integer.MAX_VALUE));
        } catch (IllegalArgumentException e) {
            throw new AirGapException(p.name + ": processor.policy: " + e.getMessage());
        }
    }

    /** Required-field access that names the manifest and the field when something is wrong. */
    private record Fields(JsonNode node, String name) {

        JsonNode node(String field) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                throw new AirGapException(name + ": " + field + " is missing");
            }
            return value;
        }

        String text(String field) {
            JsonNode value = node(field);
            if (!value.isTextual()) {
                throw new AirGapException(name + ": " + field + " is not a string");
            }
            return value.textValue();
        }

        String optionalText(String field) {
            JsonNode value = node.get(field);
            return value == null || value.isNull() ? null : text(field);
        }

        String fileName(String field) {
            String file = text(field);
            if (!file.matches("[A-Za-z0-9._-]+\\.ndjson") || file.startsWith(".")) {
                throw new AirGapException(name + ": " + field + " '" + file + "' is not a bundle file name");
            }
            return file;
        }

        String sha256(String field) {
            String hex = text(field);
            if (!hex.matches("[0-9a-f]{64}")) {
                throw new AirGapException(name + ": " + field + " is not a lower-case hex SHA-256");
            }
            return hex;
        }

        long number(String field) {
            JsonNode value = node(field);
            if (!value.canConvertToExactIntegral() || !value.canConvertToLong()) {
                throw new AirGapException(name + ": " + field + " is not an integer");
            }
            return value.asLong();
        }

        /** An integer from {@code min} to {@code max}: an int, never one cut down to fit. */
        int integer(String field, int min, int max) {
            long value = number(field);
            if (value < min || value > max) {
                throw new AirGapException(
                        name + ": " + field + " " + value + " is out of range (" + min + " to " + max + ")");
            }
            return (int) value;
        }

        Long optionalNumber(String field) {
            JsonNode value = node.get(field);
            return value == null || value.isNull() ? null : number(field);
        }

        double decimal(String field) {
            JsonNode value = node(field);
            if (!value.isNumber()) {
                throw new AirGapException(name + ": " + field + " is not a number");
            }
            return value.asDouble();
        }

        boolean bool(String field) {
            JsonNode value = node(field);
            if (!value.isBoolean()) {
                throw new AirGapException(name + ": " + field + " is not true or false");
            }
            return value.booleanValue();
        }

        Fields object(String field) {
            JsonNode value = node(field);
            if (!value.isObject()) {
                throw new AirGapException(name + ": " + field + " is not an object");
            }
            return new Fields(value, name);
        }

        List<Fields> array(String field) {
            JsonNode value = node(field);
            if (!value.isArray()) {
                throw new AirGapException(name + ": " + field + " is not an array");
            }
            List<Fields> items = new ArrayList<>();
            value.forEach(item -> items.add(new Fields(item, name)));
            return items;
        }
    }
}
