package io.jobline.airgap;

import io.jobline.config.JoblineConfig;
import io.jobline.domain.EgressPolicy;
import io.jobline.domain.LifecyclePolicy;
import java.util.List;

/**
 * Every setting that changes a decision: the lifecycle policy (egress, default retry, default
 * lease, most dependencies) and the largest command accepted. A bundle's manifest records it so
 * that an offline replay decides exactly as the live processor did.
 */
public record ProcessorPolicy(LifecyclePolicy lifecycle, int maxCommandBytes) {

    public static ProcessorPolicy from(JoblineConfig config) {
        return new ProcessorPolicy(config.lifecyclePolicy(), config.get(JoblineConfig.MAX_COMMAND_BYTES));
    }

    public EgressPolicy egress() {
        return lifecycle.egress();
    }

    /** This policy with another sealed flag and allowlist (replay's {@code --sealed}, {@code --egress-allow}). */
    public ProcessorPolicy withEgress(boolean sealed, List<String> allowlist) {
        return new ProcessorPolicy(lifecycle.withEgress(new EgressPolicy(sealed, allowlist)), maxCommandBytes);
    }
}
