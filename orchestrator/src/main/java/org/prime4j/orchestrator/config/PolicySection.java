package org.prime4j.orchestrator.config;

import org.prime4j.orchestrator.train.OldLogprobs;
import org.prime4j.orchestrator.train.PolicySettings;
import org.prime4j.orchestrator.settings.FieldError;
import org.prime4j.orchestrator.settings.Checks;

/**
 * The PPO update of the policy (step 9).
 *
 * @param lr           AdamW learning rate (paper: 5e-7 at 7B)
 * @param clip         PPO clip epsilon
 * @param miniBatch    responses per optimizer step
 * @param microBatch   responses per forward/backward pass (gradients accumulate)
 * @param epochs       PPO epochs over the batch (paper: 1)
 * @param maxGradNorm  global-norm clip (<= 0: off)
 * @param oldLogprobs  trainer (recomputed, default) or server (the sampler's)
 * @param klCoef       k3 KL to the reference (paper: 0)
 * @param entropyCoef  entropy bonus (paper: 0)
 * @param weightDecay  AdamW's decoupled weight decay
 */
public record PolicySection(Double lr, Double clip, Integer miniBatch, Integer microBatch, Integer epochs,
                            Double maxGradNorm, OldLogprobs oldLogprobs, Double klCoef, Double entropyCoef,
                            Double weightDecay) {

    public PolicySection {
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
    }

    public PolicySettings settings() {
        return new PolicySettings(lr, clip, miniBatch, microBatch, epochs, maxGradNorm, oldLogprobs, klCoef,
                entropyCoef, weightDecay);
    }
}
