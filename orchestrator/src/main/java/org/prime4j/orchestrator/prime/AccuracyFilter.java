package org.prime4j.orchestrator.prime;

import org.prime4j.orchestrator.settings.Checks;
import org.prime4j.orchestrator.settings.FieldError;

/**
 * PRIME's online prompt filter: keep a prompt only when the mean verifier score of its K samples lies in
 * [lower, upper] (inclusive; paper: [0.2, 0.8]). Groups that are all right or all wrong carry no RLOO signal
 * and make the PRM's task trivially one-sided.
 *
 * @param lower inclusive lower bound of the group's mean score
 * @param upper inclusive upper bound
 */
public record AccuracyFilter(double lower, double upper) {

    public static final AccuracyFilter PAPER = new AccuracyFilter(0.2, 0.8);

    public AccuracyFilter {
        Checks.within("lower", lower, 0, 1);
        Checks.within("upper", upper, 0, 1);
        if (lower > upper) {
            throw new FieldError("upper", "must be >= lower (" + lower + "), got " + upper);
        }
    }

    /** Which groups of K consecutive scores pass. */
    public boolean[] keep(double[] scores, int k) {
        if (k < 1 || scores.length % k != 0) {
            throw new IllegalArgumentException(scores.length + " scores do not split into groups of " + k);
        }
        boolean[] keep = new boolean[scores.length / k];
        for (int g = 0; g < keep.length; g++) {
            double mean = 0;
            for (int i = g * k; i < g * k + k; i++) {
                mean += scores[i];
            }
            mean /= k;
            // A small tolerance so that 0.2 computed as (1+0+0+0+0)/5 is not rejected by rounding.
            keep[g] = mean >= lower - 1e-12 && mean <= upper + 1e-12;
        }
        return keep;
    }
}
