package org.prime4j.orchestrator.train;

import org.prime4j.orchestrator.settings.Checks;
import org.prime4j.orchestrator.settings.FieldError;

/**
 * The PPO update of the policy (design step 9), exactly as the {@code policy:} section of a run's YAML gives it:
 * a missing value takes its default (the paper's where it has one), a bad one fails here, naming the field.
 *
 * @param lr          AdamW learning rate (paper: 5e-7 at 7B)
 * @param clip        PPO clip range epsilon: the ratio is clipped to [1 - clip, 1 + clip]
 * @param miniBatch   responses per optimizer step (the batch is cut in order, the last one may be smaller)
 * @param microBatch  responses per forward/backward pass inside a mini-batch (gradients accumulate)
 * @param epochs      passes over the batch (paper: 1)
 * @param maxGradNorm global-norm clip (<= 0: off)
 * @param oldLogprobs trainer (recomputed before the first update, default) or server (the sampler's)
 * @param klCoef      weight of the k3 KL estimate to the reference (paper: 0, off)
 * @param entropyCoef weight of the entropy bonus (paper: 0, off)
 * @param weightDecay AdamW's decoupled weight decay
 * @param isCorrection importance-sampling correction against the sampler (none, token_tis, seq_mask)
 * @param isCap       C of the correction: token_tis truncates the ratio at C, seq_mask keeps [1/C, C] (default 2)
 * @param lora        train a LoRA adapter over the frozen base instead of the whole model (null: full)
 */
public record PolicySettings(Double lr, Double clip, Integer miniBatch, Integer microBatch, Integer epochs,
                             Double maxGradNorm, OldLogprobs oldLogprobs, Double klCoef, Double entropyCoef,
                             Double weightDecay, IsCorrection isCorrection, Double isCap, LoraSettings lora) {

    public PolicySettings {
        lr = Checks.nonNegative("lr", Checks.orDefault(lr, 5e-7));
        clip = Checks.orDefault(clip, 0.2);
        if (!(clip > 0 && clip < 1)) {
            throw new FieldError("clip", "must lie in (0, 1), got " + clip);
        }
        miniBatch = Checks.atLeast("mini_batch", Checks.orDefault(miniBatch, 256), 1);
        microBatch = Checks.atLeast("micro_batch", Checks.orDefault(microBatch, 8), 1);
        if (microBatch > miniBatch) {
            throw new FieldError("micro_batch", "must be <= mini_batch (" + miniBatch + "), got " + microBatch);
        }
        epochs = Checks.atLeast("epochs", Checks.orDefault(epochs, 1), 1);
        maxGradNorm = Checks.orDefault(maxGradNorm, 1.0);
        if (maxGradNorm.isNaN()) {
            throw new FieldError("max_grad_norm", "must be a number");
        }
        oldLogprobs = Checks.orDefault(oldLogprobs, OldLogprobs.TRAINER);
        klCoef = Checks.nonNegative("kl_coef", Checks.orDefault(klCoef, 0.0));
        entropyCoef = Checks.nonNegative("entropy_coef", Checks.orDefault(entropyCoef, 0.0));
        weightDecay = Checks.nonNegative("weight_decay", Checks.orDefault(weightDecay, 0.01));
        isCorrection = Checks.orDefault(isCorrection, IsCorrection.NONE);
        isCap = Checks.orDefault(isCap, 2.0);
        if (!(isCap > 1 && isCap < Double.POSITIVE_INFINITY)) {
            throw new FieldError("is_cap", "must be a number > 1, got " + isCap);
        }
    }

    /** Full fine-tuning without importance-sampling correction; see {@link #withIsCorrection}, {@link #withLora}. */
    public PolicySettings(Double lr, Double clip, Integer miniBatch, Integer microBatch, Integer epochs,
                          Double maxGradNorm, OldLogprobs oldLogprobs, Double klCoef, Double entropyCoef,
                          Double weightDecay) {
        this(lr, clip, miniBatch, microBatch, epochs, maxGradNorm, oldLogprobs, klCoef, entropyCoef, weightDecay,
                null, null, null);
    }

    /** These settings with an importance-sampling correction. */
    public PolicySettings withIsCorrection(IsCorrection mode, double cap) {
        return new PolicySettings(lr, clip, miniBatch, microBatch, epochs, maxGradNorm, oldLogprobs, klCoef,
                entropyCoef, weightDecay, mode, cap, lora);
    }

    /** These settings with {@code n} passes over each batch. */
    public PolicySettings withEpochs(int n) {
        return new PolicySettings(lr, clip, miniBatch, microBatch, n, maxGradNorm, oldLogprobs, klCoef, entropyCoef,
                weightDecay, isCorrection, isCap, lora);
    }

    /** These settings training a LoRA adapter (null: the whole model). */
    public PolicySettings withLora(LoraSettings l) {
        return new PolicySettings(lr, clip, miniBatch, microBatch, epochs, maxGradNorm, oldLogprobs, klCoef,
                entropyCoef, weightDecay, isCorrection, isCap, l);
    }

    /** Every value at its default. */
    public static PolicySettings defaults() {
        return new PolicySettings(null, null, null, null, null, null, null, null, null, null);
    }

    /** The defaults around a learning rate and batch sizes. */
    public static PolicySettings defaults(double lr, int miniBatch, int microBatch) {
        return new PolicySettings(lr, null, miniBatch, microBatch, null, null, null, null, null, null);
    }
}
