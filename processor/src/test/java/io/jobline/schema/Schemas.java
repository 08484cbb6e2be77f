package io.jobline.schema;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.regex.RegularExpression;
import com.networknt.schema.regex.RegularExpressionFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Validates JSON documents against the wire contracts in {@code schemas/}, read from disk so
 * that a test always checks the files that ship. Each schema is compiled once per JVM; a
 * compiled schema is safe to use from several threads.
 *
 * <pre>{@code
 * Schemas.assertValid(SchemaName.EVENT_ENVELOPE, json);
 * List<String> errors = Schemas.errors(SchemaName.COMMAND, json);
 * }</pre>
 */
public final class Schemas {

    /** The {@code $id} prefix of every jobline schema; mapped to the schemas directory, never fetched. */
    public static final String ID_PREFIX = "https://jobline.io/schemas/";
    public static final String DIRECTORY_PROPERTY = "jobline.schemas.dir";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Map<SchemaName, JsonSchema> compiled = new EnumMap<>(SchemaName.class);

    private Schemas(Path directory) {
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                // 2020-12 treats format as an annotation by default; the contract relies on date-time being checked.
                .formatAssertionsEnabled(true)
                .regularExpressionFactory(EcmaAnchoredRegularExpressionFactory.INSTANCE)
                .build();
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                builder -> builder.schemaMappers(mappers -> mappers.mapPrefix(ID_PREFIX, directory.toUri().toString())));
        for (SchemaName name : SchemaName.values()) {
            JsonSchema schema = factory.getSchema(SchemaLocation.of(ID_PREFIX + name.fileName()), config);
            // Resolve every $ref now: a broken reference should fail loading, not the first validation that reaches it.
            schema.initializeValidators();
            compiled.put(name, schema);
        }
    }

    /** The schemas, loaded and compiled on first use. */
    public static Schemas load() {
        return Holder.INSTANCE;
    }

    /** The schemas directory: the system property {@value #DIRECTORY_PROPERTY}, else {@code ../schemas}. */
    public static Path directory() {
        String configured = System.getProperty(DIRECTORY_PROPERTY);
        Path dir = configured != null ? Paths.get(configured) : Paths.get("..", "schemas");
        dir = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("no schemas directory at " + dir + " (set -D" + DIRECTORY_PROPERTY + ")");
        }
        return dir;
    }

    /** Every violation of {@code name} by {@code document}, as "path: message"; empty when valid. */
    public List<String> validate(SchemaName name, JsonNode document) {
        return compiled.get(name).validate(document).stream()
                .sorted(Comparator.comparing((ValidationMessage m) -> m.getInstanceLocation().toString())
                        .thenComparing(ValidationMessage::getMessage))
                .map(ValidationMessage::getMessage)
                .distinct()
                .toList();
    }

    /** Every violation of {@code name} by {@code document}; empty when valid. */
    public static List<String> errors(SchemaName name, JsonNode document) {
        return load().validate(name, document);
    }

    /** Fails the test, naming each violation and showing the document, unless it is valid. */
    public static void assertValid(SchemaName name, JsonNode document) {
        List<String> errors = errors(name, document);
        if (!errors.isEmpty()) {
            String nl = System.lineSeparator();
            fail("%s is not valid against %s:%s  - %s%sdocument:%s%s",
                    name, name.fileName(), nl, String.join(nl + "  - ", errors), nl, nl, pretty(document));
        }
    }

    private static String pretty(JsonNode document) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(document);
        } catch (Exception e) {
            return String.valueOf(document);
        }
    }

    private static final class Holder {
        static final Schemas INSTANCE = new Schemas(directory());
    }

    /**
     * JSON Schema patterns are ECMA-262 regular expressions, where {@code $} matches only at the
     * end of the input. In java.util.regex it also matches before a final line terminator, which
     * would let {@code "job-1\n"} pass {@code ^[A-Za-z0-9._:@-]{1,200}$}. This rewrites each
     * unescaped {@code $} outside a character class as {@code \z}; the rest of the syntax the
     * schemas use means the same in both dialects.
     */
    static final class EcmaAnchoredRegularExpressionFactory implements RegularExpressionFactory {

        static final EcmaAnchoredRegularExpressionFactory INSTANCE = new EcmaAnchoredRegularExpressionFactory();

        @Override
        public RegularExpression getRegularExpression(String regex) {
            Pattern pattern = Pattern.compile(toJava(regex));
            return value -> pattern.matcher(value).find();
        }

        static String toJava(String regex) {
            StringBuilder java = new StringBuilder(regex.length() + 4);
            boolean inClass = false;
            for (int i = 0; i < regex.length(); i++) {
                char c = regex.charAt(i);
                if (c == '\\' && i + 1 < regex.length()) {
                    java.append(c).append(regex.charAt(++i));
                } else if (inClass) {
                    inClass = c != ']';
                    java.append(c);
                } else if (c == '[') {
                    inClass = true;
                    java.append(c);
                } else if (c == '$') {
                    java.append("\\z");
                } else {
                    java.append(c);
                }
            }
            return java.toString();
        }
    }
}
