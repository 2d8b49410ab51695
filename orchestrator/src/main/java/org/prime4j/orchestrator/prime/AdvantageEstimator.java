package org.prime4j.orchestrator.prime;

/**
 * Advantage estimators over a batch of groups of K responses (rows i*K .. i*K+K-1 answer prompt i).
 * PRIME "combines with various advantage functions"; {@link #PRIME_RLOO} is the paper's.
 */
public enum AdvantageEstimator {

    /**
     * RLOO per source, then summed: R_t = c_p R~p_t + c_o R~o_t; G = returns(R, gamma); A = whiten(G) over
     * all response tokens of the batch. With c_p = 0 this is the paper's outcome-only RLOO baseline; with
     * process_reward response, R~p is the leave-one-out of each response's summed r_t, on its last token.
     */
    PRIME_RLOO {
        @Override
        double[][] compute(double[][] processRewards, double[] outcomes, int[] lengths, int k, AdvantageConfig c) {
            double[][] outcome = RlooAdvantage.outcome(outcomes, lengths, k);
            // Outcome-only RLOO (c_p = 0) must not need, or be disturbed by, process rewards.
            double[][] process = c.processCoef() == 0
                    ? TokenAdvantages.broadcast(new double[outcomes.length], lengths)
                    : c.processReward().rloo(c.rewardNorm().apply(processRewards), lengths, k);
            double[][] total = TokenAdvantages.combine(c.processCoef(), process, c.outcomeCoef(), outcome);
            return TokenAdvantages.whiten(TokenAdvantages.returns(total, c.gamma()));
        }
    },

    /** GRPO: (o_i - mean_group) / (std_group + 1e-6), unbiased std, on every token of response i. */
    GRPO {
        @Override
        double[][] compute(double[][] processRewards, double[] outcomes, int[] lengths, int k, AdvantageConfig c) {
            double[] mean = groupMeans(outcomes, k);
            double[] a = new double[outcomes.length];
            for (int g = 0; g < outcomes.length; g += k) {
                double ss = 0;
                for (int i = g; i < g + k; i++) {
                    ss += (outcomes[i] - mean[g / k]) * (outcomes[i] - mean[g / k]);
                }
                double std = Math.sqrt(ss / (k - 1));
                for (int i = g; i < g + k; i++) {
                    a[i] = (outcomes[i] - mean[g / k]) / (std + 1e-6);
                }
            }
            return TokenAdvantages.broadcast(a, lengths);
        }
    },

    /** REINFORCE with the group-mean baseline: o_i - mean_group on every token of response i. */
    REINFORCE_BASELINE {
        @Override
        double[][] compute(double[][] processRewards, double[] outcomes, int[] lengths, int k, AdvantageConfig c) {
            double[] mean = groupMeans(outcomes, k);
            double[] a = new double[outcomes.length];
            for (int i = 0; i < outcomes.length; i++) {
                a[i] = outcomes[i] - mean[i / k];
            }
            return TokenAdvantages.broadcast(a, lengths);
        }
    };

    /** The mean outcome of each group of K consecutive responses. */
    static double[] groupMeans(double[] outcomes, int k) {
        RlooAdvantage.requireGroups(outcomes.length, k);
        double[] mean = new double[outcomes.length / k];
        for (int i = 0; i < outcomes.length; i++) {
            mean[i / k] += outcomes[i] / k;
        }
        return mean;
    }

    abstract double[][] compute(double[][] processRewards, double[] outcomes, int[] lengths, int k, AdvantageConfig c);

    /**
     * Per-token advantages of a batch.
     *
     * @param processRewards r_t = beta * q_t per response token (may be null when c_p = 0 or the estimator
     *                       ignores process rewards)
     * @param outcomes       verifier scores o_i in [0, 1]
     * @param lengths        response lengths in tokens
     * @param k              samples per prompt
     */
    public static double[][] advantages(
            AdvantageConfig config, double[][] processRewards, double[] outcomes, int[] lengths, int k) {
        if (processRewards != null) {
            for (int i = 0; i < lengths.length; i++) {
                if (processRewards[i].length != lengths[i]) {
                    throw new IllegalArgumentException("response " + i + ": " + processRewards[i].length
                            + " process rewards for " + lengths[i] + " tokens");
                }
            }
        } else if (config.estimator() == PRIME_RLOO && config.processCoef() != 0) {
            throw new IllegalArgumentException("PRIME_RLOO with process_coef != 0 needs process rewards");
        }
        return config.estimator().compute(processRewards, outcomes, lengths, k, config);
    }
}
