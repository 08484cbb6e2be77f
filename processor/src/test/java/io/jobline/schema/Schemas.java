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
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates JSON documents against the wire contracts in {@code schemas/}, read from disk so
 * that tests always check the files that ship. The schemas are compiled once per JVM, on first
 * use; compiled schemas are immutable and safe to share between threads.
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
    private static final Comparator<ValidationMessage> BY_LOCATION =
            Comparator.comparing(ValidationMessage::getInstanceLocation).thenComparing(ValidationMessage::getMessage);

    private final Map<SchemaName, JsonSchema> schemas = new EnumMap<>(SchemaName.class);
    /** The command schema's branches by command type, each also compiled on its own (see explainCommand). */
    private final Map<String, JsonSchema> commandBranches = new HashMap<>();

    private final Set<String> headerProperties = new HashSet<>();

    private Schemas(Path directory) {
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                // In 2020-12 format is only an annotation unless asked for; notBefore and timestamps rely on date-time.
                .formatAssertionsEnabled(true)
                .regularExpressionFactory(EcmaAnchoredRegularExpressionFactory.INSTANCE)
                .build();
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(
                SpecVersion.VersionFlag.V202012,
                builder -> builder.schemaMappers(mappers ->
                        mappers.mapPrefix(ID_PREFIX, directory.toUri().toString())));
        for (SchemaName name : SchemaName.values()) {
            schemas.put(name, compile(factory, config, ID_PREFIX + name.fileName()));
        }
        JsonNode command = schemas.get(SchemaName.COMMAND).getSchemaNode();
        for (JsonNode branch : command.path("oneOf")) {
            String ref = branch.path("$ref").asText();
            String type = command.at(ref.substring(1))
                    .path("properties")
                    .path("type")
                    .path("const")
                    .asText();
            commandBranches.put(type, compile(factory, config, ID_PREFIX + SchemaName.COMMAND.fileName() + ref));
        }
        command.path("$defs").path("header").path("properties").fieldNames().forEachRemaining(headerProperties::add);
    }

    private static JsonSchema compile(JsonSchemaFactory factory, SchemaValidatorsConfig config, String location) {
        JsonSchema schema = factory.getSchema(SchemaLocation.of(location), config);
        // Resolve every $ref now: a broken reference should fail loading, not the first test that reaches it.
        schema.initializeValidators();
        return schema;
    }

    /** The schemas, loaded and compiled on first use. */
    public static Schemas load() {
        return Holder.INSTANCE;
    }

    /** The schemas directory: system property {@value #DIRECTORY_PROPERTY}, else {@code ../schemas}. */
    public static Path directory() {
        String configured = System.getProperty(DIRECTORY_PROPERTY);
        Path dir = Paths.get(configured != null ? configured : "../schemas")
                .toAbsolutePath()
                .normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("no schemas directory at " + dir + " (set -D" + DIRECTORY_PROPERTY + ")");
        }
        return dir;
    }

    /** Every violation of {@code name} by {@code document}, as "path: message"; empty when valid. */
    public static List<String> errors(SchemaName name, JsonNode document) {
        return load().validate(name, document);
    }

    /** Fails the test, naming each violation and showing the document, unless it is valid. */
    public static void assertValid(SchemaName name, JsonNode document) {
        List<String> errors = errors(name, document);
        if (!errors.isEmpty()) {
            String nl = System.lineSeparator();
            fail(
                    "%s is not valid against schemas/%s:%s  - %s%sdocument:%s%s",
                    name, name.fileName(), nl, String.join(nl + "  - ", errors), nl, nl, pretty(document));
        }
    }

    /**
     * Every violation of {@code name} by {@code document}, as "path: message"; empty when valid.
     * Validity is always the whole schema's verdict; only the explanation of a command is narrowed.
     */
    public List<String> validate(SchemaName name, JsonNode document) {
        Set<ValidationMessage> messages = schemas.get(name).validate(document);
        if (!messages.isEmpty() && name == SchemaName.COMMAND) {
            return format(explainCommand(document, messages));
        }
        return format(messages);
    }

    /**
     * A oneOf reports why the document fails each of its eleven branches: dozens of lines for one
     * typo. Each branch accepts only its own type, so the branch that "type" names explains the
     * failure alone; when no branch is named, the top-level keywords (an object, a known type) do.
     */
    private Collection<ValidationMessage> explainCommand(JsonNode document, Set<ValidationMessage> all) {
        JsonSchema branch = commandBranches.get(document.path("type").asText());
        List<ValidationMessage> explanation = branch == null
                ? all.stream().filter(m -> !isInsideOneOf(m)).toList()
                : branch.validate(document).stream()
                        .filter(m -> !isHeaderCascade(m))
                        .toList();
        return explanation.isEmpty() ? all : explanation;
    }

    private static boolean isInsideOneOf(ValidationMessage message) {
        return message.getEvaluationPath().getNameCount() > 0
                && "oneOf".equals(message.getEvaluationPath().getName(0));
    }

    /**
     * When the header part of a branch fails, its annotations are dropped (as the spec says), so
     * unevaluatedProperties then reports every header field too. The header's own error is the cause.
     */
    private boolean isHeaderCascade(ValidationMessage message) {
        return "unevaluatedProperties".equals(message.getType()) && headerProperties.contains(message.getProperty());
    }

    private static List<String> format(Collection<ValidationMessage> messages) {
        return messages.stream()
                .sorted(BY_LOCATION)
                .map(ValidationMessage::getMessage)
                .distinct()
                .toList();
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
     * JSON Schema patterns are ECMA-262 regular expressions, in which {@code $} matches only at
     * the end of the input; in java.util.regex it also matches before a final line terminator,
     * which would let {@code "job-1\n"} pass {@code ^[A-Za-z0-9._:@-]{1,200}$}. Each unescaped
     * {@code $} outside a character class becomes {@code \z}; the rest of the syntax the schemas
     * use means the same in both dialects.
     */
    static final class EcmaAnchoredRegularExpressionFactory implements RegularExpressionFactory {

        static final EcmaAnchoredRegularExpressionFactory INSTANCE = new EcmaAnchoredRegularExpressionFactory();

        @Override
        public RegularExpression getRegularExpression(String regex) {
            Pattern pattern = Pattern.compile(toJava(regex));
            // JSON Schema patterns are not implicitly anchored: find, not matches.
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
