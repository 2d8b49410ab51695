package org.prime4j.orchestrator.train;

import org.prime4j.orchestrator.settings.Checks;
import org.prime4j.orchestrator.settings.FieldError;

/**
 * The implicit PRM's update (design step 6), exactly as the {@code prm:} section of a run's YAML gives it: a
 * missing value takes its default, a bad one fails here, naming the field.
 *
 * @param lr          AdamW learning rate (paper: 1e-6 at 7B; a first-class knob for small models, see
 *                    docs/design.md "Demo sizing")
 * @param beta        the implicit reward scale of r_t = beta * q_t (paper: 0.05)
 * @param update      after (paper), before or none
 * @param microBatch  responses per forward/backward pass (gradients accumulate over micro-batches)
 * @param maxGradNorm global-norm clip (<= 0: off)
 * @param weightDecay AdamW's decoupled weight decay (verl's 0.01)
 * @param lora        train a LoRA adapter over the frozen base instead of the whole model (null: full)
 * @param epochs      AdamW steps per PRIME step, each a full pass over the step's batch (paper: 1); the process
 *                    rewards still come from the first pass ({@code after}) or follow the last ({@code before})
 */
public record PrmSettings(Double lr, Double beta, PrmUpdate update, Integer microBatch, Double maxGradNorm,
                          Double weightDecay, LoraSettings lora, Integer epochs) {

    public PrmSettings {
        lr = Checks.nonNegative("lr", Checks.orDefault(lr, 1e-6));
        beta = Checks.positive("beta", Checks.orDefault(beta, 0.05));
        update = Checks.orDefault(update, PrmUpdate.AFTER);
        microBatch = Checks.atLeast("micro_batch", Checks.orDefault(microBatch, 8), 1);
        maxGradNorm = Checks.orDefault(maxGradNorm, 1.0);
        if (maxGradNorm.isNaN()) {
            throw new FieldError("max_grad_norm", "must be a number");
        }
        weightDecay = Checks.nonNegative("weight_decay", Checks.orDefault(weightDecay, 0.01));
        epochs = Checks.atLeast("epochs", Checks.orDefault(epochs, 1), 1);
    }

    /** Full fine-tuning, one pass per step (the paper's); see {@link #withLora}. */
    public PrmSettings(Double lr, Double beta, PrmUpdate update, Integer microBatch, Double maxGradNorm,
                       Double weightDecay) {
        this(lr, beta, update, microBatch, maxGradNorm, weightDecay, null, null);
    }

    /** Every value at its default. */
    public static PrmSettings defaults() {
        return new PrmSettings(null, null, null, null, null, null);
    }

    /** The defaults around a learning rate and micro-batch. */
    public static PrmSettings defaults(double lr, int microBatch) {
        return new PrmSettings(lr, null, null, microBatch, null, null);
    }

    /** These settings training a LoRA adapter (null: the whole model). */
    public PrmSettings withLora(LoraSettings l) {
        return new PrmSettings(lr, beta, update, microBatch, maxGradNorm, weightDecay, l, epochs);
    }

    public PrmSettings withUpdate(PrmUpdate u) {
        return new PrmSettings(lr, beta, u, microBatch, maxGradNorm, weightDecay, lora, epochs);
    }
}
