package org.prime4j.orchestrator.prime;

/**
 * How advantages are formed from PRIME's two reward sources.
 *
 * @param estimator    which estimator (PRIME's RLOO by default)
 * @param processCoef  c_p, weight of the implicit process rewards (paper: 5)
 * @param outcomeCoef  c_o, weight of the verifier's outcome rewards (paper: 5)
 * @param gamma        discount of the returns (paper: 1)
 * @param rewardNorm   scaling of process rewards before RLOO (paper: batch_norm)
 */
public record AdvantageConfig(
        AdvantageEstimator estimator, double processCoef, double outcomeCoef, double gamma, RewardNorm rewardNorm) {

    public static final AdvantageConfig PAPER =
            new AdvantageConfig(AdvantageEstimator.PRIME_RLOO, 5.0, 5.0, 1.0, RewardNorm.BATCH_NORM);

    public AdvantageConfig {
        if (estimator == null) {
            throw new IllegalArgumentException("advantage.estimator must be set");
        }
        if (rewardNorm == null) {
            throw new IllegalArgumentException("advantage.reward_norm must be set");
        }
        if (!(gamma >= 0 && gamma <= 1)) {
            throw new IllegalArgumentException("advantage.gamma must lie in [0, 1], got " + gamma);
        }
        if (!Double.isFinite(processCoef) || !Double.isFinite(outcomeCoef)) {
            throw new IllegalArgumentException("advantage coefficients must be finite");
        }
    }

    /** The paper's baseline: the same RLOO on outcome rewards alone. */
    public static AdvantageConfig outcomeOnlyRloo() {
        return new AdvantageConfig(AdvantageEstimator.PRIME_RLOO, 0.0, 5.0, 1.0, RewardNorm.BATCH_NORM);
    }
}
