package org.prime4j.orchestrator.train;

/**
 * Hyper-parameters of the PPO policy update (docs/design.md step 9).
 *
 * @param lr             AdamW learning rate
 * @param clipEps        PPO clip range epsilon: the ratio is clipped to [1 - eps, 1 + eps]
 * @param miniBatchSize  responses per optimizer step (the batch is cut in order, the last one may be smaller)
 * @param microBatchSize responses per forward/backward pass inside a mini-batch
 * @param epochs         passes over the batch (paper: 1)
 * @param maxGradNorm    global-norm clip; <= 0 disables it
 * @param oldLogprobs    trainer (recomputed before the first update) or server (the sampler's)
 * @param klCoef         weight of the k3 KL estimate to the reference model (0: off, the paper's setting)
 * @param entropyCoef    weight of the entropy bonus (0: off, the paper's setting)
 * @param weightDecay    AdamW's decoupled weight decay
 */
public record PolicySettings(double lr, double clipEps, int miniBatchSize, int microBatchSize, int epochs,
                             double maxGradNorm, OldLogprobs oldLogprobs, double klCoef, double entropyCoef,
                             double weightDecay) {

    public PolicySettings {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("policy lr must be >= 0 and finite, got " + lr);
        }
        if (!(clipEps > 0 && clipEps < 1)) {
            throw new IllegalArgumentException("policy clip_eps must be in (0, 1), got " + clipEps);
        }
        if (miniBatchSize <= 0) {
            throw new IllegalArgumentException("policy mini_batch_size must be > 0, got " + miniBatchSize);
        }
        if (microBatchSize <= 0 || microBatchSize > miniBatchSize) {
            throw new IllegalArgumentException("policy micro_batch_size must be in [1, mini_batch_size = "
                    + miniBatchSize + "], got " + microBatchSize);
        }
        if (epochs <= 0) {
            throw new IllegalArgumentException("policy epochs must be > 0, got " + epochs);
        }
        if (Double.isNaN(maxGradNorm)) {
            throw new IllegalArgumentException("policy max_grad_norm must be a number");
        }
        if (oldLogprobs == null) {
            throw new IllegalArgumentException("policy old_logprobs must be given (trainer or server)");
        }
        if (!(klCoef >= 0) || Double.isInfinite(klCoef)) {
            throw new IllegalArgumentException("policy kl_coef must be >= 0 and finite, got " + klCoef);
        }
        if (!(entropyCoef >= 0) || Double.isInfinite(entropyCoef)) {
            throw new IllegalArgumentException("policy entropy_coef must be >= 0 and finite, got " + entropyCoef);
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("policy weight_decay must be >= 0, got " + weightDecay);
        }
    }

    /** Paper defaults: clip 0.2, one epoch, clip norm 1.0, trainer old log-probs, no KL, no entropy, wd 0.01. */
    public static PolicySettings defaults(double lr, int miniBatchSize, int microBatchSize) {
        return new PolicySettings(lr, 0.2, miniBatchSize, microBatchSize, 1, 1.0, OldLogprobs.TRAINER, 0, 0, 0.01);
    }
}
