package io.jobline.airgap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobline.schema.SchemaName;
import io.jobline.schema.Schemas;
import io.jobline.wire.Json;
import io.jobline.wire.JsonBuffer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The one NDJSON record format (DESIGN §7): what is written reads back byte for byte. */
class RecordLinesTest {

    private static final List<LogRecord.Header> JSON = List.of(LogRecord.Header.of("content-type", "application/json"));

    @Test
    void shouldRoundTripRecordsByteForByte() {
        List<LogRecord> records = List.of(
                record("job-42", "{\"type\":\"job.start\",\"jobId\":\"job-42\",\"note\":\"tab\\t \\\"quoted\\\"\"}"),
                new LogRecord(
                        "jobline.commands",
                        3,
                        1041,
                        1_764_380_000_123L,
                        null,
                        "héllo \uD83D\uDE80 \u2028 \u0001 \u007f".getBytes(StandardCharsets.UTF_8),
                        JSON),
                new LogRecord(
                        "jobline.commands",
                        0,
                        7,
                        0,
                        bytes(0xff, 0xfe, 'j'),
                        bytes(0, 1, 0xc3, 0x28),
                        List.of(new LogRecord.Header("trace", bytes(0xde, 0xad)), new LogRecord.Header("empty", null))),
                new LogRecord(
                        null,
                        LogRecord.NO_PARTITION,
                        LogRecord.NO_OFFSET,
                        -5,
                        "k".getBytes(StandardCharsets.UTF_8),
                        null,
                        List.of()));

        List<LogRecord> read = readAll(write(records));

        assertThat(read).hasSize(records.size());
        for (int i = 0; i < records.size(); i++) {
            assertSameRecord(read.get(i), records.get(i));
        }
    }

    @Test
    void shouldWriteTextWhenValidUtf8AndBase64Otherwise() {
        String lines = new String(
                write(List.of(new LogRecord("t", 0, 0, 1, bytes(0xc3, 0xa9), bytes(0xed, 0xa0, 0x80), JSON))),
                StandardCharsets.UTF_8);

        // U+00E9 stays text; an encoded surrogate (ED A0 80) is not UTF-8, so it is carried as base64.
        assertThat(lines)
                .contains("\"key\":\"é\"")
                .contains("\"valueBase64\":\"7aCA\"")
                .doesNotContain("],\"value\":");
    }

    @Test
    void shouldWriteLinesThatTheExportRecordSchemaAccepts() throws IOException {
        byte[] written = write(List.of(
                record("job-1", "{\"a\":1}"),
                new LogRecord("t", 1, 2, 3, bytes(0xff), null, List.of(new LogRecord.Header("h", null))),
                new LogRecord(null, LogRecord.NO_PARTITION, LogRecord.NO_OFFSET, 3, null, bytes('x'), List.of())));

        for (String line : new String(written, StandardCharsets.UTF_8).split("\n")) {
            Schemas.assertValid(SchemaName.EXPORT_RECORD, Json.MAPPER.readTree(line));
        }
    }

    @Test
    void shouldReadLinesWrittenByOtherToolsInAnyMemberOrder() {
        String lines = "{ \"value\" : \"v\",\n \"timestamp\": 9, \"future\": {\"x\": [1]}, \"key\": \"k\" }\n\n"
                + "{\"timestamp\":10,\"headers\":[{\"value\":\"b\",\"key\":\"a\"}]}";

        List<LogRecord> read = readAll(lines.getBytes(StandardCharsets.UTF_8));

        assertThat(read).hasSize(2);
        assertThat(read.get(0).keyString()).isEqualTo("k");
        assertThat(read.get(0).value()).isEqualTo(bytes('v'));
        assertThat(read.get(0).hasPartition()).isFalse();
        assertThat(read.get(1).headers())
                .singleElement()
                .satisfies(h -> assertThat(h.key()).isEqualTo("a"))
                .satisfies(h -> assertThat(h.value()).isEqualTo(bytes('b')));
    }

    @Test
    void shouldNameTheFileAndLineOfABadRecord() {
        byte[] lines = "{\"timestamp\":1,\"key\":\"a\"}\n{\"key\":\"b\"}\n".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> readAll(lines, "jobline.commands-3.ndjson"))
                .isInstanceOf(AirGapException.class)
                .hasMessageContaining("jobline.commands-3.ndjson line 2")
                .hasMessageContaining("no timestamp");
    }

    @Property(tries = 500)
    void shouldRoundTripAnyBytes(@ForAll byte[] key, @ForAll byte[] value, @ForAll long timestamp) {
        LogRecord record = new LogRecord("t", 0, 0, timestamp, key, value, JSON);

        assertSameRecord(readAll(write(List.of(record))).get(0), record);
    }

    @Property(tries = 1000)
    void shouldWriteAJsonBufferAsItsOwnBytes(
            @ForAll("jsonLike") String text,
            @ForAll("jsonLike") String name,
            @ForAll("jsonLike") String rawString,
            @ForAll boolean rawWhitespace,
            @ForAll long number)
            throws IOException {
        // Its text as a string, with what the buffer noted while writing: quotes, backslashes, and
        // raw JSON that brings its own (a string, and perhaps a newline, which needs the escaper).
        JsonBuffer json = new JsonBuffer(8)
                .startObject()
                .field(JsonBuffer.name(name), text)
                .name(JsonBuffer.name("raw"))
                .raw("[" + Json.MAPPER.writeValueAsString(rawString) + (rawWhitespace ? ",\n1]" : ",1]"))
                .field(JsonBuffer.name("n"), number)
                .timeOrNull(JsonBuffer.name("at"), number & 0xFFFFFFFFFFL)
                .endObject()
                .reopenObject()
                .field(JsonBuffer.name("hash"), "sha256:" + name)
                .endObject();
        ByteArrayOutputStream fromBuffer = new ByteArrayOutputStream();
        try (RecordLineWriter writer = new RecordLineWriter(fromBuffer, 64)) {
            writer.write("t", 1, LogRecord.NO_OFFSET, 7, null, JSON, json);
        }

        assertThat(json.quotable()).isEqualTo(!rawWhitespace);
        assertThat(new String(fromBuffer.toByteArray(), StandardCharsets.UTF_8))
                .isEqualTo(new String(
                        write(List.of(new LogRecord("t", 1, LogRecord.NO_OFFSET, 7, null, json.toByteArray(), JSON))),
                        StandardCharsets.UTF_8));
    }

    @Property(tries = 2000)
    void shouldRoundTripJsonLikeText(@ForAll("jsonLike") String text) {
        LogRecord record = new LogRecord("t", 0, 0, 1, null, text.getBytes(StandardCharsets.UTF_8), JSON);

        assertSameRecord(readAll(write(List.of(record))).get(0), record);
    }

    @Property(tries = 2000)
    void shouldEscapeExactlyTheCharactersJsonRequires(@ForAll("jsonLike") String text) {
        byte[] value = text.getBytes(StandardCharsets.UTF_8); // a lone surrogate becomes '?'
        LogRecord record = new LogRecord(null, LogRecord.NO_PARTITION, LogRecord.NO_OFFSET, 1, null, value, List.of());

        String line = new String(write(List.of(record)), StandardCharsets.UTF_8);

        assertThat(line)
                .isEqualTo("{\"timestamp\":1,\"key\":null,\"headers\":[],\"value\":\""
                        + escaped(new String(value, StandardCharsets.UTF_8)) + "\"}\n");
    }

    /** The escaping, one character at a time: short forms where JSON has them, else lower-case \\u00xx. */
    private static String escaped(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> out.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return out.toString();
    }

    /** Text rich in what the writer must escape or pass through, in runs of every length around eight. */
    @Provide
    Arbitrary<String> jsonLike() {
        return Arbitraries.strings()
                .withChars("\"\\\n\t\r\b\f\u0000\u0001\u001f\u007fa:{},/é\u2028\uD83D\uDE80 ")
                .ofMaxLength(64)
                .list()
                .ofMaxSize(6)
                .map(parts -> String.join("plainplain", parts));
    }

    @Property(tries = 1000)
    void shouldUnescapeWhatAnyJsonWriterEscapes(@ForAll("anyText") String text) throws IOException {
        // Jackson with every non-ASCII character escaped: \\uXXXX for all of them, pairs and lone halves.
        String escaped = Json.MAPPER
                .writer()
                .with(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII)
                .writeValueAsString(text);
        byte[] line = ("{\"timestamp\":1,\"value\":" + escaped + "}").getBytes(StandardCharsets.US_ASCII);

        assertThat(readAll(line).get(0).value()).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 1000)
    void shouldUnescapeSolidusQuoteAndBackslashWhereverTheyFallInAWord(@ForAll("jsonLike") String text) {
        String json = escaped(text).replace("/", "\\/"); // JSON may escape '/'; this writer does not
        byte[] line = ("{\"timestamp\":1,\"value\":\"" + json + "\"}").getBytes(StandardCharsets.UTF_8);

        assertThat(readAll(line).get(0).value()).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
    }

    @Provide
    Arbitrary<String> anyText() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(40),
                Arbitraries.strings()
                        .withChars("\"\\/\b\f\n\r\t\u0000é€\uD83D\uDE80a")
                        .ofMaxLength(40));
    }

    @Test
    void shouldReadAValueLongerThanTheReadBuffer() {
        String value = "{\"q\":\"" + "x\\\"y".repeat(60_000) + "\"}";
        LogRecord record = new LogRecord(
                null,
                LogRecord.NO_PARTITION,
                LogRecord.NO_OFFSET,
                5,
                null,
                value.getBytes(StandardCharsets.UTF_8),
                JSON);

        assertSameRecord(readAll(write(List.of(record, record))).get(1), record);
    }

    @Test
    void shouldSkipAByteOrderMarkAtTheStartOfAFile() {
        byte[] line = "\uFEFF{\"timestamp\":3,\"key\":\"k\"}\n".getBytes(StandardCharsets.UTF_8);

        assertThat(readAll(line))
                .singleElement()
                .satisfies(r -> assertThat(r.keyString()).isEqualTo("k"));
    }

    @Test
    void shouldReadLongRunsOfUnpairedSurrogatesAndRefuseDeepNestingWithoutOverflowingTheStack() {
        String highs = "\\ud800".repeat(20_000);
        byte[] line = ("{\"timestamp\":1,\"value\":\"" + highs + "\"}").getBytes(StandardCharsets.US_ASCII);
        assertThat(readAll(line).get(0).value()).hasSize(20_000).containsOnly('?');

        String deep = "[".repeat(100_000);
        assertThatThrownBy(() -> readAll(("{\"timestamp\":1,\"x\":" + deep).getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(AirGapException.class)
                .hasMessageContaining("nested more than 200 deep");
    }

    @Test
    void shouldRefuseNumbersThatAreNotInRangeIntegers() {
        assertThatThrownBy(() -> readAll("{\"timestamp\":1.5}".getBytes(StandardCharsets.US_ASCII)))
                .hasMessageContaining("timestamp is an integer");
        assertThatThrownBy(() -> readAll("{\"timestamp\":9223372036854775808}".getBytes(StandardCharsets.US_ASCII)))
                .hasMessageContaining("timestamp is out of range");
        assertThatThrownBy(() -> readAll("{\"timestamp\":1,\"partition\":-1}".getBytes(StandardCharsets.US_ASCII)))
                .hasMessageContaining("partition is out of range");
        assertThat(readAll("{\"timestamp\":-9223372036854775808}".getBytes(StandardCharsets.US_ASCII))
                        .get(0)
                        .timestamp())
                .isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void shouldRefuseLinesThatAreNotJsonRecords() {
        assertThatThrownBy(() -> readAll(bytes('{', '"', 'k', 'e', 'y', '"', ':', '"', 0xC3, '"', '}')))
                .hasMessageContaining("not valid UTF-8");
        assertThatThrownBy(() -> readAll("{\"timestamp\":1,\"key\":\"ab".getBytes(StandardCharsets.US_ASCII)))
                .hasMessageContaining("ends inside a string");
        assertThatThrownBy(() -> readAll("[1]".getBytes(StandardCharsets.US_ASCII)))
                .hasMessageContaining("a record is a JSON object");
        assertThatThrownBy(() -> readAll("{\"timestamp\" 1}".getBytes(StandardCharsets.US_ASCII)))
                .hasMessageContaining("expected ':'");
        assertThatThrownBy(() -> readAll("{\"timestamp\":1,\"x\":nope}".getBytes(StandardCharsets.US_ASCII)))
                .hasMessageContaining("not a JSON value");
    }

    @Property(tries = 2000)
    void shouldJudgeUtf8AsStrictlyAsJava(@ForAll byte[] bytes) {
        assertThat(Utf8.isWellFormed(bytes)).isEqualTo(decodesStrictly(bytes));
    }

    @Test
    void shouldRejectOverlongSurrogateAndOutOfRangeSequences() {
        assertThat(Utf8.isWellFormed(bytes(0xc0, 0xaf))).as("overlong /").isFalse();
        assertThat(Utf8.isWellFormed(bytes(0xe0, 0x80, 0xaf)))
                .as("overlong 3-byte")
                .isFalse();
        assertThat(Utf8.isWellFormed(bytes(0xed, 0xbf, 0xbf))).as("surrogate").isFalse();
        assertThat(Utf8.isWellFormed(bytes(0xf4, 0x90, 0x80, 0x80)))
                .as("above U+10FFFF")
                .isFalse();
        assertThat(Utf8.isWellFormed(bytes(0xf0, 0x9f, 0x9a, 0x80)))
                .as("U+1F680")
                .isTrue();
        assertThat(Utf8.isWellFormed(bytes(0xe2, 0x82))).as("truncated").isFalse();
    }

    static LogRecord record(String key, String value) {
        return new LogRecord(
                "jobline.commands",
                0,
                0,
                1_764_000_000_000L,
                key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8),
                JSON);
    }

    static void assertSameRecord(LogRecord actual, LogRecord expected) {
        assertThat(actual.topic()).isEqualTo(expected.topic());
        assertThat(actual.partition()).isEqualTo(expected.partition());
        assertThat(actual.offset()).isEqualTo(expected.offset());
        assertThat(actual.timestamp()).isEqualTo(expected.timestamp());
        assertThat(actual.key()).isEqualTo(expected.key());
        assertThat(actual.value()).isEqualTo(expected.value());
        assertThat(actual.headers()).hasSameSizeAs(expected.headers());
        for (int i = 0; i < expected.headers().size(); i++) {
            assertThat(actual.headers().get(i).key())
                    .isEqualTo(expected.headers().get(i).key());
            assertThat(actual.headers().get(i).value())
                    .isEqualTo(expected.headers().get(i).value());
        }
    }

    private static boolean decodesStrictly(byte[] bytes) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static byte[] write(List<LogRecord> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RecordLineWriter writer = new RecordLineWriter(out, 64)) {
            for (LogRecord record : records) {
                writer.write(record);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    private static List<LogRecord> readAll(byte[] lines) {
        return readAll(lines, "test.ndjson");
    }

    private static List<LogRecord> readAll(byte[] lines, String name) {
        List<LogRecord> records = new ArrayList<>();
        try (RecordLineReader reader = new RecordLineReader(new ByteArrayInputStream(lines), name)) {
            LogRecord record;
            while ((record = reader.next()) != null) {
                records.add(record);
            }
        }
        return records;
    }

    static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }
}
