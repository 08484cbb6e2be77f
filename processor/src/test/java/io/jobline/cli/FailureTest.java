package io.jobline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobline.airgap.AirGapException;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

class FailureTest {

    @Test
    void shouldAddTheCauseAnIoErrorHidesBehindItsMessage() {
        UncheckedIOException diskFull =
                new UncheckedIOException("cannot write timeline.ndjson", new IOException("No space left on device"));

        assertThat(Failure.message(diskFull)).isEqualTo("cannot write timeline.ndjson: No space left on device");
        assertThat(Failure.message(new UncheckedIOException(new IOException("No space left on device"))))
                .isEqualTo("java.io.IOException: No space left on device");
        assertThat(Failure.message(new AirGapException("digest mismatch"))).isEqualTo("digest mismatch");
    }
}
