package io.jobline.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void shouldDoubleEachWaitUpToTheMaximum() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(500));

        assertThat(new long[] {wait(backoff), wait(backoff), wait(backoff), wait(backoff), wait(backoff)})
                .containsExactly(100, 200, 400, 500, 500);
        assertThat(backoff.failures()).isEqualTo(5);
    }

    @Test
    void shouldStartOverAfterASuccess() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30));
        wait(backoff);
        wait(backoff);

        backoff.reset();

        assertThat(wait(backoff)).isEqualTo(100);
        assertThat(backoff.failures()).isEqualTo(1);
    }

    @Test
    void shouldNeverWaitLongerThanTheMaximumEvenAtFirst() {
        assertThat(wait(new Backoff(Duration.ofMillis(100), Duration.ofMillis(40))))
                .isEqualTo(40);
    }

    private static long wait(Backoff backoff) {
        return backoff.next().toMillis();
    }
}
