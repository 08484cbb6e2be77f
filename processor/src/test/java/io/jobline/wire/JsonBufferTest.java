package io.jobline.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** {@link JsonBuffer} writes what Jackson's generator writes, byte for byte. */
class JsonBufferTest {

    private static final JsonBuffer.Name TEXT = JsonBuffer.name("text");
    private static final JsonBuffer.Name NUMBER = JsonBuffer.name("n");
    private static final JsonBuffer.Name REAL = JsonBuffer.name("réel\"");
    private static final JsonBuffer.Name LIST = JsonBuffer.name("list");

    @Property(tries = 2_000)
    void shouldWriteStringsAndNumbersAsJacksonDoes(
            @ForAll("text") String text,
            @ForAll long number,
            @ForAll double real,
            @ForAll List<@From("text") String> list) {
        JsonBuffer mine = new JsonBuffer(16)
                .startObject()
                .field(TEXT, text)
                .field(NUMBER, number)
                .field(REAL, real)
                .name(LIST)
                .startArray();
        list.forEach(mine::string);
        mine.endArray().fieldOrNull(TEXT, (String) null).endObject();

        byte[] jackson = Json.bytes(g -> {
            g.writeStartObject();
            g.writeStringField("text", text);
            g.writeNumberField("n", number);
            g.writeNumberField("réel\"", real);
            g.writeArrayFieldStart("list");
            for (String item : list) {
                g.writeString(item);
            }
            g.writeEndArray();
            g.writeNullField("text");
            g.writeEndObject();
        });
        assertThat(new String(mine.toByteArray(), StandardCharsets.UTF_8))
                .isEqualTo(new String(jackson, StandardCharsets.UTF_8));
        assertThat(mine.toByteArray()).isEqualTo(jackson);
    }

    @Provide
    Arbitrary<String> text() {
        // Weighted towards what needs care: controls, quotes, backslashes, 2- and 3-byte UTF-8,
        // surrogate pairs and lone surrogates.
        String interesting = "\"\\/\n\t\u0000\u001f\u007féé€\u2028\uD83D\uDE00aZ0 ";
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars(interesting).ofMaxLength(40),
                Arbitraries.strings().all().ofMaxLength(40));
    }

    @Test
    void shouldKeepTheTextOfEveryRoundDoubleOfARetryPolicyWithoutEvictingAnother() {
        // A policy's multiplier and jitter are rendered into every event: 2.0 and 0.0 once shared a slot.
        JsonBuffer buffer = new JsonBuffer(64);
        for (double[] pair : new double[][] {{2.0, 0.0}, {2.0, 0.2}, {1.5, 0.5}, {3.0, 1.0}}) {
            byte[] first = buffer.doubleText(pair[0]);
            byte[] second = buffer.doubleText(pair[1]);
            assertThat(buffer.doubleText(pair[0]))
                    .as("%s after %s", pair[0], pair[1])
                    .isSameAs(first);
            assertThat(buffer.doubleText(pair[1]))
                    .as("%s after %s", pair[1], pair[0])
                    .isSameAs(second);
        }
    }

    @Test
    void shouldWriteNonFiniteDoublesAsStringsAsJacksonDoes() {
        JsonBuffer mine = new JsonBuffer(16).startArray();
        byte[] jackson = Json.bytes(g -> {
            g.writeStartArray();
            for (double d : new double[] {Double.NaN, Double.POSITIVE_INFINITY, -0.0, 1e-300}) {
                g.writeNumber(d);
                mine.number(d);
            }
            g.writeEndArray();
        });
        assertThat(mine.endArray().toByteArray()).isEqualTo(jackson);
    }

    @Test
    void shouldReopenAnObjectToAddAMember() {
        JsonBuffer buffer = new JsonBuffer(4).startObject().endObject().reopenObject();
        buffer.field(NUMBER, 1).endObject().reopenObject().field(TEXT, "x").endObject();

        assertThat(new String(buffer.toByteArray(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":1,\"text\":\"x\"}");
        assertThatThrownBy(() -> new JsonBuffer(4).startArray().reopenObject())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldEmptyOnResetAndGrowPastItsCapacity() {
        JsonBuffer buffer = new JsonBuffer(1).string("x".repeat(100));
        buffer.reset().number(Long.MIN_VALUE);

        assertThat(new String(buffer.toByteArray(), StandardCharsets.US_ASCII)).isEqualTo("-9223372036854775808");
    }
}
