package org.prime4j.orchestrator.config;

import org.prime4j.orchestrator.train.PrmSettings;
import org.prime4j.orchestrator.train.PrmUpdate;
import org.prime4j.orchestrator.settings.FieldError;
import org.prime4j.orchestrator.settings.Checks;

/**
 * The implicit PRM (step 6).
 *
 * @param lr          AdamW learning rate (paper: 1e-6 at 7B; a first-class knob for small models)
 * @param beta        implicit reward scale (paper: 0.05)
 * @param update      after (paper), before or none
 * @param microBatch  responses per forward/backward pass
 * @param maxGradNorm global-norm clip (<= 0: off)
 * @param weightDecay AdamW's decoupled weight decay
 */
public record PrmSection(Double lr, Double beta, PrmUpdate update, Integer microBatch, Double maxGradNorm,
                         Double weightDecay) {

    public PrmSection {
        lr = Checks.nonNegative("lr", Checks.orDefault(lr, 1e-6));
        beta = Checks.positive("beta", Checks.orDefault(beta, 0.05));
        update = Checks.orDefault(update, PrmUpdate.AFTER);
        microBatch = Checks.atLeast("micro_batch", Checks.orDefault(microBatch, 8), 1);
        maxGradNorm = Checks.orDefault(maxGradNorm, 1.0);
        if (maxGradNorm.isNaN()) {
            throw new FieldError("max_grad_norm", "must be a number");
        }
        weightDecay = Checks.nonNegative("weight_decay", Checks.orDefault(weightDecay, 0.01));
    }

    public PrmSettings settings() {
        return new PrmSettings(lr, beta, update, microBatch, maxGradNorm, weightDecay);
    }
}
