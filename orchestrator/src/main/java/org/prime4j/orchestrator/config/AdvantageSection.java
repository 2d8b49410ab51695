package org.prime4j.orchestrator.config;

import org.prime4j.orchestrator.prime.AdvantageConfig;
import org.prime4j.orchestrator.prime.AdvantageEstimator;
import org.prime4j.orchestrator.prime.RewardNorm;
import org.prime4j.orchestrator.settings.FieldError;
import org.prime4j.orchestrator.settings.Checks;

/**
 * How advantages are formed (step 8); defaults are the paper's.
 *
 * @param estimator   prime_rloo (paper), grpo or reinforce_baseline
 * @param processCoef c_p (5); 0 gives the paper's outcome-only RLOO baseline
 * @param outcomeCoef c_o (5)
 * @param gamma       discount of returns (1)
 * @param rewardNorm  batch_norm (paper) or none
 */
public record AdvantageSection(AdvantageEstimator estimator, Double processCoef, Double outcomeCoef, Double gamma,
                               RewardNorm rewardNorm) {

    public AdvantageSection {
        estimator = Checks.orDefault(estimator, AdvantageConfig.PAPER.estimator());
        processCoef = Checks.orDefault(processCoef, AdvantageConfig.PAPER.processCoef());
        outcomeCoef = Checks.orDefault(outcomeCoef, AdvantageConfig.PAPER.outcomeCoef());
        if (!Double.isFinite(processCoef)) {
            throw new FieldError("process_coef", "must be finite, got " + processCoef);
        }
        if (!Double.isFinite(outcomeCoef)) {
            throw new FieldError("outcome_coef", "must be finite, got " + outcomeCoef);
        }
        gamma = Checks.within("gamma", Checks.orDefault(gamma, AdvantageConfig.PAPER.gamma()), 0, 1);
        rewardNorm = Checks.orDefault(rewardNorm, AdvantageConfig.PAPER.rewardNorm());
    }

    public AdvantageConfig config() {
        return new AdvantageConfig(estimator, processCoef, outcomeCoef, gamma, rewardNorm);
    }
}
