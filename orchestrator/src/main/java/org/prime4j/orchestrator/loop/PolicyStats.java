package org.prime4j.orchestrator.loop;

import org.prime4j.orchestrator.train.PolicyResult;

/**
 * The PPO update in the metrics (step 9); see {@link PolicyResult}.
 *
 * @param klToReference k3 KL to the reference (NaN when off)
 * @param mismatchMean  mean |trainer - sampler| log-prob over response tokens, before the update
 * @param mismatchMax   the largest such difference
 */
public record PolicyStats(double policyLoss, double approxKl, double clipFraction, double policyGradNorm,
                          double entropy, double klToReference, double mismatchMean, double mismatchMax) {

    /** A step that did not train: written as nulls. */
    public static final PolicyStats NONE = new PolicyStats(Double.NaN, Double.NaN, Double.NaN, Double.NaN,
            Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    static PolicyStats of(PolicyResult r) {
        return new PolicyStats(r.loss(), r.approxKl(), r.clipFraction(), r.gradNorm(), r.entropy(), r.kl(),
                r.logprobMismatchMean(), r.logprobMismatchMax());
    }
}
