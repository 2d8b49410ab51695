package org.prime4j.orchestrator.train;

/**
 * What one PPO update returns; token means are over every response token of every mini-batch and epoch,
 * taken from the forward pass that produced each gradient.
 *
 * @param loss                mean over optimizer steps of the mini-batch loss (PPO + kl - entropy terms)
 * @param clipFraction        fraction of tokens whose clipped surrogate was the active (larger) loss
 * @param approxKl            token mean of old - new log-prob (PPO's approximate KL to the behaviour policy)
 * @param gradNorm            mean over optimizer steps of the global gradient norm before clipping
 * @param logprobMismatchMean mean |trainer - server| log-prob over tokens, before any update; NaN without
 *                            server log-probs
 * @param logprobMismatchMax  max of the same; NaN without server log-probs
 * @param entropy             token mean of the policy's entropy
 * @param kl                  token mean of the k3 KL estimate to the reference; NaN without reference log-probs
 * @param tokens              response tokens in the batch
 * @param steps               optimizer steps taken (mini-batches x epochs)
 * @param stepLosses          the loss of each optimizer step, in order
 * @param stepGradNorms       the pre-clip gradient norm of each optimizer step, in order
 * @param isRatioMean         token mean of pi_old / pi_sampler (before truncation); NaN without sampler log-probs
 * @param isRatioMax          token max of the same
 * @param isMaskedFraction    fraction of responses policy.is_correction seq_mask dropped; NaN when the correction
 *                            is off
 * @param isTruncatedFraction fraction of tokens whose token_tis weight hit policy.is_cap; NaN when off
 */
public record PolicyResult(double loss, double clipFraction, double approxKl, double gradNorm,
                           double logprobMismatchMean, double logprobMismatchMax, double entropy, double kl,
                           long tokens, int steps, double[] stepLosses, double[] stepGradNorms, double isRatioMean,
                           double isRatioMax, double isMaskedFraction, double isTruncatedFraction) {

    /** Without importance-sampling figures (all NaN). */
    public PolicyResult(double loss, double clipFraction, double approxKl, double gradNorm,
                        double logprobMismatchMean, double logprobMismatchMax, double entropy, double kl,
                        long tokens, int steps, double[] stepLosses, double[] stepGradNorms) {
        this(loss, clipFraction, approxKl, gradNorm, logprobMismatchMean, logprobMismatchMax, entropy, kl, tokens,
                steps, stepLosses, stepGradNorms, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
}
