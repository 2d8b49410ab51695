package org.prime4j.orchestrator.train;

/**
 * Hyper-parameters of the implicit PRM's update.
 *
 * @param lr             AdamW learning rate (a first-class knob for small models: docs/design.md "Demo sizing")
 * @param beta           the implicit reward scale of r_t = beta * q_t (paper: 0.05)
 * @param update         after (paper default), before or none
 * @param microBatchSize responses per forward/backward pass (gradients accumulate over micro-batches)
 * @param maxGradNorm    global-norm clip; <= 0 disables it
 * @param weightDecay    AdamW's decoupled weight decay
 */
public record PrmSettings(double lr, double beta, PrmUpdate update, int microBatchSize, double maxGradNorm,
                          double weightDecay) {

    public PrmSettings {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("prm lr must be >= 0 and finite, got " + lr);
        }
        if (!(beta > 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("prm beta must be > 0 and finite, got " + beta);
        }
        if (update == null) {
            throw new IllegalArgumentException("prm update mode must be given (after, before or none)");
        }
        if (microBatchSize <= 0) {
            throw new IllegalArgumentException("prm micro_batch_size must be > 0, got " + microBatchSize);
        }
        if (Double.isNaN(maxGradNorm)) {
            throw new IllegalArgumentException("prm max_grad_norm must be a number");
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("prm weight_decay must be >= 0, got " + weightDecay);
        }
    }

    /** Paper defaults around a learning rate: beta 0.05, update after, clip 1.0, weight decay 0.01 (verl's). */
    public static PrmSettings defaults(double lr, int microBatchSize) {
        return new PrmSettings(lr, 0.05, PrmUpdate.AFTER, microBatchSize, 1.0, 0.01);
    }
}
