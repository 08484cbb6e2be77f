package io.jobline.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.DisallowUnknownKeywordFactory;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every example under {@code schemas/examples/<schema>/valid} must pass its schema and every one
 * under {@code .../invalid} must fail it. The file name says what an invalid example breaks, and
 * command examples start with the command type they exercise ({@code job.start-missing-worker.json});
 * examples not about one type start with {@code command-}.
 */
class SchemaExamplesTest {

    static final String DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";

    /** DESIGN §3: the command types; the schema must define exactly these. */
    static final Set<String> COMMAND_TYPES = Set.of(
            "job.create",
            "job.start",
            "job.heartbeat",
            "job.complete",
            "job.fail",
            "job.cancel",
            "job.retry",
            "timer.fire",
            "dependency.watch",
            "dependency.completed",
            "dependency.failed");

    static final String UNTYPED_COMMAND_PREFIX = "command-";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    record Example(SchemaName schema, boolean valid, Path file) {

        String fileName() {
            return file.getFileName().toString();
        }

        @Override
        public String toString() {
            return schema.baseName() + "/" + (valid ? "valid" : "invalid") + "/" + fileName();
        }
    }

    static Stream<Arguments> validExamples() {
        return examples().stream().filter(Example::valid).map(e -> Arguments.of(e.toString(), e));
    }

    static Stream<Arguments> invalidExamples() {
        return examples().stream().filter(e -> !e.valid()).map(e -> Arguments.of(e.toString(), e));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validExamples")
    void validExamplePasses(String name, Example example) {
        Schemas.assertValid(example.schema(), read(example.file()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidExamples")
    void invalidExampleFails(String name, Example example) {
        JsonNode document = read(example.file());
        // The schemas are strict, so a "$comment" alone would make any example invalid: the name says what it breaks.
        assertThat(document.has("$comment"))
                .as("%s has a \"$comment\"", example)
                .isFalse();
        assertThat(Schemas.errors(example.schema(), document))
                .as("%s must violate %s", example, example.schema().fileName())
                .isNotEmpty();
    }

    @Test
    void everySchemaHasValidAndInvalidExamples() {
        List<Example> examples = examples();
        List<String> missing = new ArrayList<>();
        for (SchemaName schema : SchemaName.values()) {
            for (boolean valid : new boolean[] {true, false}) {
                if (examples.stream().noneMatch(e -> e.schema() == schema && e.valid() == valid)) {
                    missing.add("examples/" + schema.baseName() + "/" + (valid ? "valid" : "invalid"));
                }
            }
        }
        assertThat(missing).as("example directories without an example").isEmpty();
    }

    @Test
    void everyCommandTypeHasValidAndInvalidExamples() {
        List<Example> commands = examples().stream()
                .filter(e -> e.schema() == SchemaName.COMMAND)
                .toList();
        List<String> missing = new ArrayList<>();
        for (String type : new TreeSet<>(COMMAND_TYPES)) {
            for (boolean valid : new boolean[] {true, false}) {
                if (commands.stream().noneMatch(e -> e.valid() == valid && type.equals(commandTypeOf(e)))) {
                    missing.add((valid ? "valid " : "invalid ") + type);
                }
            }
        }
        assertThat(missing).as("command types without an example").isEmpty();
    }

    @Test
    void commandExamplesAreNamedAfterTheirType() {
        for (Example example : examples()) {
            if (example.schema() != SchemaName.COMMAND) {
                continue;
            }
            String type = commandTypeOf(example);
            if (type == null) {
                assertThat(example.valid())
                        .as("%s: a valid example is named after its type", example)
                        .isFalse();
                assertThat(example.fileName())
                        .as(
                                "%s: named <type>.json, <type>-<what>.json or %s<what>.json",
                                example, UNTYPED_COMMAND_PREFIX)
                        .startsWith(UNTYPED_COMMAND_PREFIX);
                continue;
            }
            JsonNode declared = read(example.file()).path("type");
            if (declared.isTextual() && COMMAND_TYPES.contains(declared.textValue())) {
                assertThat(declared.textValue())
                        .as("%s: the type in the file", example)
                        .isEqualTo(type);
            }
        }
    }

    /** The top-level enum of types (for a clear error on an unknown type) must list exactly the oneOf branches. */
    @Test
    void commandSchemaDefinesExactlyTheDesignedTypes() {
        JsonNode schema = read(Schemas.directory().resolve(SchemaName.COMMAND.fileName()));
        List<String> branches = new ArrayList<>();
        for (JsonNode branch : schema.path("oneOf")) {
            String pointer = branch.path("$ref").asText().substring(1);
            branches.add(schema.at(pointer)
                    .path("properties")
                    .path("type")
                    .path("const")
                    .asText());
        }
        List<String> enumerated = new ArrayList<>();
        schema.path("properties").path("type").path("enum").forEach(type -> enumerated.add(type.asText()));
        assertThat(branches).as("types of the oneOf branches").containsExactlyInAnyOrderElementsOf(COMMAND_TYPES);
        assertThat(enumerated).as("the enum of types").containsExactlyInAnyOrderElementsOf(COMMAND_TYPES);
    }

    @Test
    void everySchemaFileIsDraft202012WithAJoblineId() throws IOException {
        List<Path> files = schemaFiles();
        assertThat(files)
                .extracting(p -> p.getFileName().toString())
                .contains(
                        Stream.of(SchemaName.values()).map(SchemaName::fileName).toArray(String[]::new));
        for (Path file : files) {
            JsonNode schema = read(file);
            assertThat(schema.path("$schema").asText())
                    .as("%s $schema", file.getFileName())
                    .isEqualTo(DRAFT_2020_12);
            assertThat(schema.path("$id").asText())
                    .as("%s $id", file.getFileName())
                    .isEqualTo(Schemas.ID_PREFIX + file.getFileName());
        }
    }

    /** Catches misspelled keywords ("minLenght"), which JSON Schema would otherwise silently ignore. */
    @Test
    void everySchemaFileIsAValidSchemaUsingOnlyKnownKeywords() throws IOException {
        JsonSchema metaSchema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(SchemaLocation.of(DRAFT_2020_12));
        JsonMetaSchema strict = JsonMetaSchema.builder(JsonMetaSchema.getV202012())
                .unknownKeywordFactory(DisallowUnknownKeywordFactory.getInstance())
                .build();
        JsonSchemaFactory strictFactory = JsonSchemaFactory.getInstance(
                SpecVersion.VersionFlag.V202012,
                builder -> builder.metaSchema(strict)
                        .schemaMappers(mappers -> mappers.mapPrefix(
                                Schemas.ID_PREFIX, Schemas.directory().toUri().toString())));
        for (Path file : schemaFiles()) {
            assertThat(metaSchema.validate(read(file)))
                    .as("%s against the 2020-12 meta-schema", file.getFileName())
                    .isEmpty();
            assertThatCode(() -> strictFactory
                            .getSchema(SchemaLocation.of(Schemas.ID_PREFIX + file.getFileName()))
                            .initializeValidators())
                    .as("%s uses only 2020-12 keywords", file.getFileName())
                    .doesNotThrowAnyException();
        }
    }

    /**
     * The valid events are what the code writes: each carries the hash of its own content, computed
     * as EventCodec does (SHA-256 of the compact JSON without the member), and an idempotency key
     * {@code {subject}/{causationid}/{n}} that numbers the command's events from 1.
     */
    @Test
    void validEventExamplesCarryTheirOwnHashAndAnIdempotencyKeyCountingFromOne() throws Exception {
        for (Example example : examples()) {
            if (example.schema() != SchemaName.EVENT_ENVELOPE || !example.valid()) {
                continue;
            }
            ObjectNode event = (ObjectNode) read(example.file());
            String hash = event.remove("hash").textValue();
            byte[] content = MAPPER.writeValueAsBytes(event);
            assertThat(hash)
                    .as("%s hash", example)
                    .isEqualTo("sha256:"
                            + HexFormat.of()
                                    .formatHex(
                                            MessageDigest.getInstance("SHA-256").digest(content)));
            assertThat(event.path("idempotencykey").textValue())
                    .as("%s idempotencykey", example)
                    .matches(Pattern.quote(event.path("subject").textValue() + "/"
                                    + event.path("causationid").textValue() + "/")
                            + "[1-9][0-9]*");
        }
    }

    /** A typo in a directory name would silently drop its examples from every other test here. */
    @Test
    void examplesDirectoryHoldsOnlyKnownSchemasAndJsonFiles() throws IOException {
        Path root = Schemas.directory().resolve("examples");
        try (Stream<Path> all = Files.walk(root)) {
            for (Path path : all.filter(Files::isRegularFile).toList()) {
                Path relative = root.relativize(path);
                assertThat(relative.getNameCount())
                        .as("%s is examples/<schema>/(valid|invalid)/<name>.json", relative)
                        .isEqualTo(3);
                SchemaName.ofBaseName(relative.getName(0).toString());
                assertThat(relative.getName(1).toString()).as("%s", relative).isIn("valid", "invalid");
                assertThat(relative.getFileName().toString()).as("%s", relative).endsWith(".json");
            }
        }
    }

    static List<Path> schemaFiles() throws IOException {
        try (Stream<Path> list = Files.list(Schemas.directory())) {
            return list.filter(p -> p.getFileName().toString().endsWith(".schema.json"))
                    .sorted()
                    .toList();
        }
    }

    /** The command type an example is about, from its file name; null for a {@code command-} example. */
    static String commandTypeOf(Example example) {
        String stem = example.fileName().replaceFirst("\\.json$", "");
        return COMMAND_TYPES.stream()
                .filter(type -> stem.equals(type) || stem.startsWith(type + "-"))
                .findFirst()
                .orElse(null);
    }

    static List<Example> examples() {
        Path root = Schemas.directory().resolve("examples");
        List<Example> examples = new ArrayList<>();
        for (SchemaName schema : SchemaName.values()) {
            for (boolean valid : new boolean[] {true, false}) {
                Path dir = root.resolve(schema.baseName()).resolve(valid ? "valid" : "invalid");
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                try (Stream<Path> files = Files.list(dir)) {
                    files.filter(p -> p.getFileName().toString().endsWith(".json"))
                            .sorted()
                            .forEach(file -> examples.add(new Example(schema, valid, file)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return examples;
    }

    /** Invalid examples must still be JSON: they show schema violations, not parse errors. */
    static JsonNode read(Path file) {
        try {
            return MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
