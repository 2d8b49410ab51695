package org.prime4j.orchestrator.prime;

/**
 * The implicit process reward model of PRIME (Cui et al. 2025, eq. 3-4): a causal LM pi_phi, trained only on
 * outcome labels, whose token-level log-likelihood ratio against the reference model is a dense reward.
 *
 * <pre>
 *   q_t = log pi_phi(y_t | x, y_&lt;t) - log pi_ref(y_t | x, y_&lt;t)
 *   r_t = beta * q_t                          (process reward of token t)
 *   L   = BCE( sigmoid(beta * sum_t q_t), o ) (PRM loss on the outcome label o in [0, 1])
 * </pre>
 *
 * This class holds the arithmetic on host arrays; the gradient of {@code L} is taken in the trainer.
 * Rows are ragged: one row per response, one entry per response token.
 */
public final class ImplicitPrm {

    private ImplicitPrm() {}

    /** Per-token q_t = logpi_phi - logpi_ref; rows must have equal lengths pairwise. */
    public static double[][] logRatios(float[][] prmLogprobs, float[][] refLogprobs) {
        requireSameShape(prmLogprobs, refLogprobs);
        double[][] q = new double[prmLogprobs.length][];
        for (int i = 0; i < q.length; i++) {
            q[i] = new double[prmLogprobs[i].length];
            for (int t = 0; t < q[i].length; t++) {
                q[i][t] = (double) prmLogprobs[i][t] - refLogprobs[i][t];
            }
        }
        return q;
    }

    /** r_t = beta * q_t. */
    public static double[][] processRewards(double[][] q, double beta) {
        double[][] r = new double[q.length][];
        for (int i = 0; i < q.length; i++) {
            r[i] = new double[q[i].length];
            for (int t = 0; t < r[i].length; t++) {
                r[i][t] = beta * q[i][t];
            }
        }
        return r;
    }

    /**
     * The PRM's outcome logit for one response, beta * sum_t q_t: sigmoid of it is the PRM's estimate that the
     * response is correct. Used for the PRM loss and its pairwise accuracy metric.
     */
    public static double outcomeLogit(double[] q, double beta) {
        double s = 0;
        for (double v : q) {
            s += v;
        }
        return beta * s;
    }

    /**
     * Binary cross-entropy of sigmoid(logit) against label o, in the numerically stable form
     * max(z, 0) - z*o + log(1 + exp(-|z|)) (never log(0), even for |z| in the hundreds).
     */
    public static double bceWithLogits(double logit, double label) {
        return Math.max(logit, 0) - logit * label + Math.log1p(Math.exp(-Math.abs(logit)));
    }

    static void requireSameShape(float[][] a, float[][] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("row counts differ: " + a.length + " vs " + b.length);
        }
        for (int i = 0; i < a.length; i++) {
            if (a[i].length != b[i].length) {
                throw new IllegalArgumentException(
                        "response " + i + ": " + a[i].length + " vs " + b[i].length + " token log-probs");
            }
        }
    }
}
