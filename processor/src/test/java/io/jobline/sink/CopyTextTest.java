package io.jobline.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CopyTextTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final CopyText row = new CopyText(out);

    @Test
    void shouldSeparateFieldsWithTabsAndEndRowsWithNewlines() throws IOException {
        row.text("a").number(42).nullField().endRow();
        row.text("b").endRow();

        assertThat(written()).isEqualTo("a\t42\t\\N\nb\n");
    }

    @Test
    void shouldEscapeBackslashTabNewlineAndCarriageReturn() throws IOException {
        row.text("{\"s\":\"x\\\"y\"}\t\n\r").endRow();

        assertThat(written()).isEqualTo("{\"s\":\"x\\\\\"y\"}\\t\\n\\r\n");
    }

    @Test
    void shouldLeaveMultiByteUtf8AsItIs() throws IOException {
        row.bytes("zürich – 東京".getBytes(StandardCharsets.UTF_8)).endRow();

        assertThat(written()).isEqualTo("zürich – 東京\n");
    }

    private String written() {
        return out.toString(StandardCharsets.UTF_8);
    }
}
