package org.prime4j.orchestrator.prime;

import org.prime4j.orchestrator.settings.Checks;
import org.prime4j.orchestrator.settings.FieldError;

/**
 * How advantages are formed from PRIME's two reward sources (design step 8), exactly as the {@code advantage:}
 * section of a run's YAML gives it: a missing value takes the paper's, a bad one fails here, naming the field.
 *
 * @param estimator   prime_rloo (paper), grpo or reinforce_baseline
 * @param processCoef c_p, weight of the implicit process rewards (paper: 5; 0 gives outcome-only RLOO)
 * @param outcomeCoef c_o, weight of the verifier's outcome rewards (paper: 5)
 * @param gamma       discount of the returns (paper: 1)
 * @param rewardNorm  scaling of process rewards before RLOO (paper: batch_norm)
 * @param processReward token (paper: dense r_t) or response (their sum as one implicit outcome reward)
 */
public record AdvantageConfig(AdvantageEstimator estimator, Double processCoef, Double outcomeCoef, Double gamma,
                              RewardNorm rewardNorm, ProcessReward processReward) {

    public static final AdvantageConfig PAPER = new AdvantageConfig(null, null, null, null, null);

    public AdvantageConfig {
        estimator = Checks.orDefault(estimator, AdvantageEstimator.PRIME_RLOO);
        processCoef = Checks.orDefault(processCoef, 5.0);
        outcomeCoef = Checks.orDefault(outcomeCoef, 5.0);
        if (!Double.isFinite(processCoef)) {
            throw new FieldError("process_coef", "must be finite, got " + processCoef);
        }
        if (!Double.isFinite(outcomeCoef)) {
            throw new FieldError("outcome_coef", "must be finite, got " + outcomeCoef);
        }
        gamma = Checks.within("gamma", Checks.orDefault(gamma, 1.0), 0, 1);
        rewardNorm = Checks.orDefault(rewardNorm, RewardNorm.BATCH_NORM);
        processReward = Checks.orDefault(processReward, ProcessReward.TOKEN);
    }

    /** Dense token rewards (the paper's). */
    public AdvantageConfig(AdvantageEstimator estimator, Double processCoef, Double outcomeCoef, Double gamma,
                           RewardNorm rewardNorm) {
        this(estimator, processCoef, outcomeCoef, gamma, rewardNorm, null);
    }

    /** The paper's baseline: the same RLOO on outcome rewards alone. */
    public static AdvantageConfig outcomeOnlyRloo() {
        return PAPER.withProcessCoef(0.0);
    }

    public AdvantageConfig withProcessCoef(double c) {
        return new AdvantageConfig(estimator, c, outcomeCoef, gamma, rewardNorm, processReward);
    }
}
