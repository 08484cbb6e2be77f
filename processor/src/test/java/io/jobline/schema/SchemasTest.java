package io.jobline.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The test utility itself: other tests rely on its verdicts and on its messages being to the point. */
class SchemasTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void loadsOnce() {
        assertThat(Schemas.load()).isSameAs(Schemas.load());
    }

    @Test
    void aValidCommandHasNoErrors() {
        assertThat(
                        Schemas.errors(
                                SchemaName.COMMAND,
                                json(
                                        "{\"type\":\"job.start\",\"commandId\":\"c-1\",\"jobId\":\"job-1\",\"workerId\":\"w-1\"}")))
                .isEmpty();
    }

    @Test
    void aCommandIsExplainedByTheBranchOfItsTypeOnly() {
        assertThat(
                        Schemas.errors(
                                SchemaName.COMMAND,
                                json(
                                        "{\"type\":\"job.start\",\"commandId\":\"c-1\",\"jobId\":\"job 1\",\"workerId\":\"w-1\"}")))
                .singleElement()
                .asString()
                .startsWith("/jobId: ");
    }

    @Test
    void aCommandOfUnknownTypeIsExplainedByItsType() {
        assertThat(Schemas.errors(
                        SchemaName.COMMAND, json("{\"type\":\"job.pause\",\"commandId\":\"c-1\",\"jobId\":\"job-1\"}")))
                .singleElement()
                .asString()
                .startsWith("/type: ");
    }

    @Test
    void anUnknownFieldIsStillReportedWhenTheHeaderAlsoFails() {
        assertThat(
                        Schemas.errors(
                                SchemaName.COMMAND,
                                json(
                                        "{\"type\":\"job.start\",\"commandId\":\"\",\"jobId\":\"job-1\",\"workerId\":\"w-1\",\"x\":1}")))
                .hasSize(2)
                .anyMatch(e -> e.startsWith("/commandId: "))
                .anyMatch(e -> e.contains("'x'"));
    }

    @Test
    void assertValidNamesEveryErrorAndShowsTheDocument() {
        JsonNode rejection =
                json("{\"reason\":\"nope\",\"message\":\"m\",\"status\":null,\"time\":\"2026-11-29T10:00:00Z\","
                        + "\"rawBase64\":\"\"}");
        assertThatThrownBy(() -> Schemas.assertValid(SchemaName.REJECTION, rejection))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("rejection.schema.json")
                .hasMessageContaining("/reason: ")
                .hasMessageContaining("/time: ")
                .hasMessageContaining("\"rawBase64\" : \"\"");
    }

    @Test
    void patternsAnchorAtTheVeryEndAsInEcmaScript() {
        assertThat(Schemas.EcmaAnchoredRegularExpressionFactory.toJava("^a$")).isEqualTo("^a\\z");
        assertThat(Schemas.EcmaAnchoredRegularExpressionFactory.toJava("^[$]\\$$"))
                .isEqualTo("^[$]\\$\\z");
        assertThat(Schemas.EcmaAnchoredRegularExpressionFactory.INSTANCE
                        .getRegularExpression("^a$")
                        .matches("a\n"))
                .isFalse();
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
