package io.jobline.domain;

/** The retry settings a job.create asked for; a missing field takes the configured default. */
public record RetrySpec(Integer maxRetries, Long initialDelayMs, Double multiplier, Long maxDelayMs, Double jitter) {

    public static final RetrySpec NONE = new RetrySpec(null, null, null, null, null);

    public RetryPolicy over(RetryPolicy defaults) {
        return new RetryPolicy(
                maxRetries != null ? maxRetries : defaults.maxRetries(),
                initialDelayMs != null ? initialDelayMs : defaults.initialDelayMs(),
                multiplier != null ? multiplier : defaults.multiplier(),
                maxDelayMs != null ? maxDelayMs : defaults.maxDelayMs(),
                jitter != null ? jitter : defaults.jitter());
    }
}
