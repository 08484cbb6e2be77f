package io.jobline.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(3, 1_000, 2.0, 300_000, 0.2);

    @Test
    void shouldAllowRetriesUpToMaxRetriesForRetryableErrorsOnly() {
        assertThat(policy.allowsRetry(1, true)).isTrue();
        assertThat(policy.allowsRetry(3, true)).isTrue();
        assertThat(policy.allowsRetry(4, true)).isFalse();
        assertThat(policy.allowsRetry(1, false)).isFalse();
    }

    @Test
    void shouldGrowTheDelayExponentiallyWithinTheJitterBand() {
        for (int n = 1; n <= 10; n++) {
            double base = Math.min(300_000, 1_000 * Math.pow(2.0, n - 1));
            assertThat(policy.delayMs("job-7", n))
                    .isBetween((long) Math.floor(base * 0.8), (long) Math.floor(base * 1.2));
        }
    }

    @Test
    void shouldComputeThePowerAsStrictMathDoesOnEveryMachine() {
        // 10.45^17: Math.pow gives 211337680991661600 on this machine, StrictMath 211337680991661568.
        RetryPolicy steep = new RetryPolicy(20, 1, 10.45, Long.MAX_VALUE / 4, 0.0);
        assertThat(steep.delayMs("job-7", 18)).isEqualTo(211_337_680_991_661_568L);
    }

    @Test
    void shouldCapTheDelayAtMaxDelay() {
        assertThat(policy.delayMs("job-7", 30)).isLessThanOrEqualTo((long) (300_000 * 1.2));
    }

    @Test
    void shouldComputeTheJitterExactlyAsDesignSection3Says() throws Exception {
        // An independent computation with exact arithmetic: u = first 8 bytes of SHA-256 / 2^64.
        for (String jobId : new String[] {"job-1", "job-42", "ünïcode-id"}) {
            for (int n = 1; n <= 5; n++) {
                byte[] digest =
                        MessageDigest.getInstance("SHA-256").digest((jobId + ":" + n).getBytes(StandardCharsets.UTF_8));
                byte[] first8 = java.util.Arrays.copyOf(digest, 8);
                BigDecimal u = new BigDecimal(new BigInteger(1, first8))
                        .divide(new BigDecimal(BigInteger.TWO.pow(64)), 30, RoundingMode.HALF_EVEN);
                BigDecimal base = BigDecimal.valueOf(Math.min(300_000, 1_000 * Math.pow(2.0, n - 1)));
                BigDecimal factor = BigDecimal.ONE.add(BigDecimal.valueOf(0.2)
                        .multiply(u.multiply(BigDecimal.valueOf(2)).subtract(BigDecimal.ONE)));
                long expected =
                        base.multiply(factor).setScale(0, RoundingMode.FLOOR).longValueExact();
                assertThat(policy.delayMs(jobId, n))
                        .as("%s failure %d", jobId, n)
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void shouldGiveTheSameDelayForTheSameJobAndFailure() {
        assertThat(policy.delayMs("job-9", 2)).isEqualTo(policy.delayMs("job-9", 2));
        assertThat(policy.delayMs("job-9", 2)).isNotEqualTo(policy.delayMs("job-10", 2));
    }

    @Test
    void shouldRefuseNonsensicalSettings() {
        assertThatThrownBy(() -> new RetryPolicy(-1, 0, 2, 0, 0)).hasMessageContaining("maxRetries");
        assertThatThrownBy(() -> new RetryPolicy(1, 0, 0.5, 0, 0)).hasMessageContaining("multiplier");
        assertThatThrownBy(() -> new RetryPolicy(1, 0, 2, 0, 1.5)).hasMessageContaining("jitter");
    }

    @Test
    void shouldFillMissingFieldsOfASpecFromTheDefaults() {
        RetryPolicy merged = new RetrySpec(5, null, null, null, 0.0).over(RetryPolicy.DEFAULT);
        assertThat(merged).isEqualTo(new RetryPolicy(5, 1_000, 2.0, 300_000, 0.0));
    }
}
