package org.prime4j.orchestrator.prime;

/** How process rewards are scaled before advantages are taken. */
public enum RewardNorm {
    /** Raw r_t = beta * q_t. */
    NONE,
    /**
     * PRIME's {@code batch_norm}: r &lt;- r / (max over the batch of |sum_{s&gt;=t} r_{i,s}| + 1e-6), so that no
     * return-to-go exceeds 1 in magnitude and the process term cannot swamp the outcome term.
     */
    BATCH_NORM;

    static final double EPS = 1e-6;

    public double[][] apply(double[][] r) {
        if (this == NONE) {
            return r;
        }
        double max = 0;
        for (double[] row : r) {
            double toGo = 0;
            for (int t = row.length - 1; t >= 0; t--) {
                toGo += row[t];
                max = Math.max(max, Math.abs(toGo));
            }
        }
        double scale = 1.0 / (max + EPS);
        double[][] out = new double[r.length][];
        for (int i = 0; i < r.length; i++) {
            out[i] = new double[r[i].length];
            for (int t = 0; t < r[i].length; t++) {
                out[i][t] = r[i][t] * scale;
            }
        }
        return out;
    }
}
