package org.prime4j.orchestrator.prime;

/**
 * Where PRIME's implicit rewards go. {@link #TOKEN} is the paper's dense reward: r_t = beta * q_t on every
 * response token. {@link #RESPONSE} sums them into one implicit outcome reward per response (the implicit
 * PRM used as an ORM) and treats it as the verifier's outcome is treated, leave-one-out on the last token:
 * the same information without the per-token credit assignment, the comparison issue 13 asks for.
 */
public enum ProcessReward {
    TOKEN,
    RESPONSE;

    /** The leave-one-out process term of PRIME_RLOO from (normalized) per-token rewards. */
    double[][] rloo(double[][] normalized, int[] lengths, int k) {
        if (this == TOKEN) {
            return RlooAdvantage.process(normalized, k);
        }
        double[] sums = new double[normalized.length];
        for (int i = 0; i < sums.length; i++) {
            for (double r : normalized[i]) {
                sums[i] += r;
            }
        }
        return RlooAdvantage.outcome(sums, lengths, k);
    }
}
