package org.prime4j.orchestrator.loop;

import java.util.Map;

/**
 * What one PRIME step measured: one line of {@code metrics.jsonl}. NaN (a metric that has no value this step,
 * e.g. pairwise accuracy with no mixed group) is written as null.
 *
 * @param accuracy             mean outcome of every sampled response, before filtering
 * @param sampledPrompts       prompts sampled this step (first draw plus refills)
 * @param keptPrompts          prompts that passed the filter and were trained on
 * @param filteredFraction     1 - kept / sampled (surplus beyond prompts_per_step counts as filtered)
 * @param refills              further draws after the first
 * @param truncatedFraction    responses cut at max_tokens, over all sampled
 * @param verifyErrors         verifications that failed with an error (score 0)
 * @param verifyTimeouts       verifications past their deadline (score 0)
 * @param keptAccuracy         mean outcome of the trained responses
 * @param time                 seconds per phase (rollout, verify, ref, prm, policy, publish, eval, total)
 */
public record StepMetrics(
        int step,
        long epoch,
        double accuracy,
        int sampledPrompts,
        int keptPrompts,
        double filteredFraction,
        int refills,
        double truncatedFraction,
        int verifyErrors,
        int verifyTimeouts,
        double keptAccuracy,
        double prmLoss,
        double prmPairwiseAccuracy,
        double prmGradNorm,
        double processRewardMean,
        double processRewardStd,
        double advantageMean,
        double advantageStd,
        double advantageMin,
        double advantageMax,
        double responseLengthMean,
        int responseLengthMax,
        double policyLoss,
        double approxKl,
        double clipFraction,
        double policyGradNorm,
        double entropy,
        double klToReference,
        double mismatchMean,
        double mismatchMax,
        double evalAccuracy,
        Map<String, Double> time) {

    public StepMetrics {
        time = Map.copyOf(time);
    }

    /** Whether the step trained (some prompt passed the filter). */
    public boolean trained() {
        return keptPrompts > 0;
    }

    /** The metrics with the held-out accuracy of this step filled in. */
    public StepMetrics withEvalAccuracy(double a, double seconds) {
        Map<String, Double> t = new java.util.LinkedHashMap<>(time);
        t.put("eval", seconds);
        t.merge("total", seconds, Double::sum);
        return new StepMetrics(step, epoch, accuracy, sampledPrompts, keptPrompts, filteredFraction, refills,
                    truncatedFraction, verifyErrors, verifyTimeouts, keptAccuracy, prmLoss, prmPairwiseAccuracy,
                    prmGradNorm, processRewardMean, processRewardStd, advantageMean, advantageStd, advantageMin,
                    advantageMax, responseLengthMean, responseLengthMax, policyLoss, approxKl, clipFraction,
                    policyGradNorm, entropy, klToReference, mismatchMean, mismatchMax, a, t);
    }

    /** Filled phase by phase during a step; metrics a step did not reach stay NaN (written as null). */
    static final class Builder {
        final int step;
        final long epoch;
        double accuracy = Double.NaN;
        int sampledPrompts;
        int keptPrompts;
        double filteredFraction = Double.NaN;
        int refills;
        double truncatedFraction = Double.NaN;
        int verifyErrors;
        int verifyTimeouts;
        double keptAccuracy = Double.NaN;
        double prmLoss = Double.NaN;
        double prmPairwiseAccuracy = Double.NaN;
        double prmGradNorm = Double.NaN;
        double processRewardMean = Double.NaN;
        double processRewardStd = Double.NaN;
        double advantageMean = Double.NaN;
        double advantageStd = Double.NaN;
        double advantageMin = Double.NaN;
        double advantageMax = Double.NaN;
        double responseLengthMean = Double.NaN;
        int responseLengthMax;
        double policyLoss = Double.NaN;
        double approxKl = Double.NaN;
        double clipFraction = Double.NaN;
        double policyGradNorm = Double.NaN;
        double entropy = Double.NaN;
        double klToReference = Double.NaN;
        double mismatchMean = Double.NaN;
        double mismatchMax = Double.NaN;
        double evalAccuracy = Double.NaN;
        Map<String, Double> time = Map.of();

        Builder(int step, long epoch) {
            this.step = step;
            this.epoch = epoch;
        }

        StepMetrics build() {
            return new StepMetrics(step, epoch, accuracy, sampledPrompts, keptPrompts, filteredFraction, refills,
                    truncatedFraction, verifyErrors, verifyTimeouts, keptAccuracy, prmLoss, prmPairwiseAccuracy,
                    prmGradNorm, processRewardMean, processRewardStd, advantageMean, advantageStd, advantageMin,
                    advantageMax, responseLengthMean, responseLengthMax, policyLoss, approxKl, clipFraction,
                    policyGradNorm, entropy, klToReference, mismatchMean, mismatchMax, evalAccuracy, time);
        }
    }
}
