package io.jobline.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hand-written formatter writes exactly what the pattern it replaced wrote: events must not change. */
class TimestampsTest {

    private static final DateTimeFormatter PATTERN =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Property(tries = 20_000)
    void shouldFormatLikeThePatternAcrossTheRangeEventsUse(
            @ForAll @LongRange(min = -62_167_219_200_000L, max = 253_402_300_799_999L) long epochMillis) {
        assertThat(Timestamps.format(epochMillis)).isEqualTo(PATTERN.format(Instant.ofEpochMilli(epochMillis)));
    }

    @ParameterizedTest
    @ValueSource(
            longs = {
                0,
                -1,
                1,
                999,
                1_000,
                86_399_999,
                86_400_000,
                -86_400_000,
                1_764_000_000_000L,
                951_782_400_000L /* 2000-02-29 */,
                -62_167_219_200_000L /* 0000-01-01 */,
                -62_167_219_200_001L,
                253_402_300_799_999L /* 9999-12-31T23:59:59.999 */,
                253_402_300_800_000L,
                Long.MAX_VALUE / 1_000,
                -Long.MAX_VALUE / 1_000
            })
    void shouldFormatLikeThePatternAtTheEdges(long epochMillis) {
        assertThat(Timestamps.format(epochMillis)).isEqualTo(PATTERN.format(Instant.ofEpochMilli(epochMillis)));
    }
}
