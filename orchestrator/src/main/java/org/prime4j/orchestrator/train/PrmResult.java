package org.prime4j.orchestrator.train;

/**
 * What one PRM step returns.
 *
 * @param q                per response, the token log-ratios q_t = log pi_phi - log pi_ref (pre-update for
 *                         {@code after} and {@code none}, post-update for {@code before})
 * @param outcomeLogits    per response, beta * sum_t q_t (from the same forward pass as {@code q})
 * @param loss             mean BCE(sigmoid(beta * sum_t q_t), o) of the forward pass that produced the gradient
 *                         (for {@code none}: of the only forward pass)
 * @param pairwiseAccuracy over every group, the fraction of (better, worse) outcome pairs whose better response
 *                         has the strictly higher outcome logit; NaN when no group has two distinct outcomes
 * @param pairs            how many such pairs there were
 * @param gradNorm         global gradient norm before clipping; NaN when there was no update
 * @param tokens           response tokens in the batch
 * @param preUpdateLogits  per response, the outcome logit before this step's update (the same array as
 *                         {@code outcomeLogits} except for {@code before}): what the online diagnostics rank
 */
public record PrmResult(double[][] q, double[] outcomeLogits, double loss, double pairwiseAccuracy, int pairs,
                        double gradNorm, long tokens, double[] preUpdateLogits) {

    /** A result whose logits are the pre-update ones ({@code after}, {@code none}). */
    public PrmResult(double[][] q, double[] outcomeLogits, double loss, double pairwiseAccuracy, int pairs,
                     double gradNorm, long tokens) {
        this(q, outcomeLogits, loss, pairwiseAccuracy, pairs, gradNorm, tokens, outcomeLogits);
    }
}
