package org.prime4j.orchestrator.loop;

import org.prime4j.orchestrator.train.PolicyResult;

/**
 * The PPO update in the metrics (step 9); see {@link PolicyResult}.
 *
 * @param klToReference k3 KL to the reference (NaN when off)
 * @param mismatchMean  mean |trainer - sampler| log-prob over response tokens, before the update
 * @param mismatchMax   the largest such difference
 * @param isRatioMean   token mean of pi_old / pi_sampler, before truncation (NaN without sampler log-probs)
 * @param isRatioMax    token max of the same
 * @param isMaskedFraction    responses dropped by {@code policy.is_correction: seq_mask} (NaN when off)
 * @param isTruncatedFraction tokens whose {@code token_tis} weight hit {@code policy.is_cap} (NaN when off)
 */
public record PolicyStats(double policyLoss, double approxKl, double clipFraction, double policyGradNorm,
                          double entropy, double klToReference, double mismatchMean, double mismatchMax,
                          double isRatioMean, double isRatioMax, double isMaskedFraction,
                          double isTruncatedFraction) {

    /** A step that did not train: written as nulls. */
    public static final PolicyStats NONE = new PolicyStats(Double.NaN, Double.NaN, Double.NaN, Double.NaN,
            Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    /** Without importance-sampling figures. */
    public PolicyStats(double policyLoss, double approxKl, double clipFraction, double policyGradNorm,
                       double entropy, double klToReference, double mismatchMean, double mismatchMax) {
        this(policyLoss, approxKl, clipFraction, policyGradNorm, entropy, klToReference, mismatchMean, mismatchMax,
                Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    static PolicyStats of(PolicyResult r) {
        return new PolicyStats(r.loss(), r.approxKl(), r.clipFraction(), r.gradNorm(), r.entropy(), r.kl(),
                r.logprobMismatchMean(), r.logprobMismatchMax(), r.isRatioMean(), r.isRatioMax(),
                r.isMaskedFraction(), r.isTruncatedFraction());
    }
}
