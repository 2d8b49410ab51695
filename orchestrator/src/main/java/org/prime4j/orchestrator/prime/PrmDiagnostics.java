package org.prime4j.orchestrator.prime;

import java.util.Arrays;

/**
 * Whether the implicit PRM separates right from wrong, and whether it does so only through length (its outcome
 * logit beta * sum_t q_t is a sum over tokens, so a PRM that learned a per-token bias ranks by length): the
 * ranking statistics the loop logs each step and {@code prime4j bench prm} reports per epoch.
 *
 * <p>A response counts as correct when its outcome is at least 0.5 (the built-in verifiers score 0 or 1).
 */
public final class PrmDiagnostics {

    private PrmDiagnostics() {}

    /** Outcome as the binary label of the ranking statistics. */
    public static boolean correct(double outcome) {
        return outcome >= 0.5;
    }

    /**
     * ROC AUC of {@code scores} for the correct responses: the probability that a random correct response scores
     * above a random wrong one, ties counting one half (the Mann-Whitney U over n+ * n-, from mid-ranks).
     * NaN when the batch has only one class.
     */
    public static double auc(double[] scores, double[] outcomes) {
        requireSameLength(scores.length, outcomes.length);
        int n = scores.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
            if (Double.isNaN(scores[i])) {
                throw new IllegalArgumentException("score " + i + " is NaN");
            }
        }
        Arrays.sort(order, (x, y) -> Double.compare(scores[x], scores[y]));
        double rankSum = 0;
        long positives = 0;
        for (int i = 0; i < n; ) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double midRank = (i + j) / 2.0 + 1; // ranks are 1-based; a run of ties shares its mean rank
            for (int t = i; t <= j; t++) {
                if (correct(outcomes[order[t]])) {
                    rankSum += midRank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        double u = rankSum - positives * (positives + 1) / 2.0;
        return u / ((double) positives * negatives);
    }

    /** Pearson correlation; NaN when either side is constant (or there are fewer than two points). */
    public static double correlation(double[] x, double[] y) {
        requireSameLength(x.length, y.length);
        int n = x.length;
        if (n < 2) {
            return Double.NaN;
        }
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            double dx = x[i] - mx;
            double dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        if (sxx == 0 || syy == 0) {
            return Double.NaN;
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    /** Mean squared error of sigmoid(logit) against the outcome (the Brier score; 0.25 for a coin). */
    public static double brier(double[] logits, double[] outcomes) {
        requireSameLength(logits.length, outcomes.length);
        double s = 0;
        for (int i = 0; i < logits.length; i++) {
            double p = 1 / (1 + Math.exp(-logits[i]));
            double d = p - outcomes[i];
            s += d * d;
        }
        return logits.length == 0 ? Double.NaN : s / logits.length;
    }

    /**
     * Within each group of {@code groupSize} consecutive responses, over pairs with different outcomes, the
     * fraction where the better response has the strictly higher score; NaN when no group has such a pair.
     */
    public static double pairwiseAccuracy(double[] scores, double[] outcomes, int groupSize) {
        requireSameLength(scores.length, outcomes.length);
        if (groupSize <= 0 || scores.length % groupSize != 0) {
            throw new IllegalArgumentException(scores.length + " responses are not groups of " + groupSize);
        }
        long right = 0;
        long pairs = 0;
        for (int g = 0; g < scores.length; g += groupSize) {
            for (int i = g; i < g + groupSize; i++) {
                for (int j = g; j < g + groupSize; j++) {
                    if (outcomes[i] > outcomes[j]) {
                        pairs++;
                        right += scores[i] > scores[j] ? 1 : 0;
                    }
                }
            }
        }
        return pairs == 0 ? Double.NaN : (double) right / pairs;
    }

    private static void requireSameLength(int a, int b) {
        if (a != b) {
            throw new IllegalArgumentException(a + " scores for " + b + " outcomes");
        }
    }
}
