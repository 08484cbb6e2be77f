package io.jobline.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one Jackson configuration of jobline. Every message is written field by field with a
 * {@link JsonGenerator}, so the bytes depend only on the values: the live timeline and an offline
 * replay come out identical.
 */
public final class Json {

    /** How deep a command may nest; a deeper one is malformed (README, "Commands"). */
    public static final int MAX_COMMAND_DEPTH = 200;

    /**
     * How deep jobline's own records may nest: they carry a command's payload or result a few
     * levels down (an event's {@code data.job.payload}, a rejection's {@code command}), so this
     * leaves room above {@link #MAX_COMMAND_DEPTH}. Anything that reads what jobline wrote (the
     * sink, verify, tail, the API) must never refuse what the processor accepted.
     */
    static final int MAX_RECORD_DEPTH = MAX_COMMAND_DEPTH + 100;

    public static final ObjectMapper MAPPER = mapper(MAX_RECORD_DEPTH);

    /** Trees read and written through readers and a writer made once, not resolved again per call. */
    private static final ObjectReader TREE_READER = MAPPER.readerFor(JsonNode.class);

    private static final ObjectReader COMMAND_TREE_READER =
            mapper(MAX_COMMAND_DEPTH).readerFor(JsonNode.class);

    private static final ObjectWriter TREE_WRITER = MAPPER.writerFor(JsonNode.class);

    private Json() {}

    private static ObjectMapper mapper(int maxNestingDepth) {
        return new ObjectMapper(JsonFactory.builder()
                        .streamReadConstraints(StreamReadConstraints.builder()
                                .maxNestingDepth(maxNestingDepth)
                                .build())
                        .build())
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                // A payload's 100.0 stays 100.0: stripped, it would come back as 1E+2.
                .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
    }

    /** The tree of {@code bytes}: null or a missing node when they hold no JSON value. */
    public static JsonNode readTree(byte[] bytes) throws IOException {
        return TREE_READER.readTree(bytes);
    }

    /** The tree of a command from outside, nested at most {@link #MAX_COMMAND_DEPTH} deep. */
    public static JsonNode readCommandTree(byte[] bytes) throws IOException {
        try {
            return COMMAND_TREE_READER.readTree(bytes);
        } catch (NumberFormatException e) {
            // JSON, but a number whose exponent no BigDecimal holds (1e-2147483648): Jackson throws
            // this, not a JSON error, and a caller that let it through would stop on the record.
            throw new JsonParseException(null, "a number that cannot be read: " + e.getMessage());
        }
    }

    /** Something that writes one JSON value. */
    @FunctionalInterface
    public interface Writer {
        void write(JsonGenerator generator) throws IOException;
    }

    /** Runs {@code writer} into a fresh byte array. */
    public static byte[] bytes(Writer writer) {
        try (ByteArrayBuilder buffer = new ByteArrayBuilder(512);
                JsonGenerator generator = MAPPER.getFactory().createGenerator(buffer)) {
            writer.write(generator);
            generator.flush();
            return buffer.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory failed", e);
        }
    }

    /** The tree of JSON bytes that are expected to be valid (our own records); throws when they are not. */
    public static JsonNode tree(byte[] bytes) {
        try {
            return readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + e.getMessage(), e);
        }
    }

    /** Compact text of a tree, used to carry payloads and results through the domain unchanged. */
    public static String compact(JsonNode node) {
        try {
            return TREE_WRITER.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void writeStringOrNull(JsonGenerator generator, String field, String value) throws IOException {
        if (value == null) {
            generator.writeNullField(field);
        } else {
            generator.writeStringField(field, value);
        }
    }

    public static void writeNumberOrNull(JsonGenerator generator, String field, Long value) throws IOException {
        if (value == null) {
            generator.writeNullField(field);
        } else {
            generator.writeNumberField(field, value);
        }
    }

    public static void writeTimeOrNull(JsonGenerator generator, String field, Long epochMillis) throws IOException {
        if (epochMillis == null) {
            generator.writeNullField(field);
        } else {
            generator.writeStringField(field, Timestamps.format(epochMillis));
        }
    }
}
