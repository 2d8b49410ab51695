package org.prime4j.orchestrator.prime;

/** Operations over ragged per-token arrays (one row per response) that every estimator shares. */
public final class TokenAdvantages {

    /** verl's masked_whiten epsilon. */
    static final double WHITEN_EPS = 1e-8;

    private TokenAdvantages() {}

    /** G_t = sum_{s&gt;=t} gamma^(s-t) R_s, per response. */
    public static double[][] returns(double[][] rewards, double gamma) {
        double[][] g = new double[rewards.length][];
        for (int i = 0; i < rewards.length; i++) {
            g[i] = new double[rewards[i].length];
            double acc = 0;
            for (int t = rewards[i].length - 1; t >= 0; t--) {
                acc = rewards[i][t] + gamma * acc;
                g[i][t] = acc;
            }
        }
        return g;
    }

    /**
     * (x - mean) / sqrt(var + 1e-8) over every token of the batch, with the unbiased variance (as verl's
     * masked_whiten, which PRIME's code uses).
     */
    public static double[][] whiten(double[][] x) {
        long n = 0;
        double sum = 0;
        for (double[] row : x) {
            n += row.length;
            for (double v : row) {
                sum += v;
            }
        }
        if (n < 2) {
            throw new IllegalArgumentException("whitening needs at least 2 tokens in the batch, got " + n);
        }
        double mean = sum / n;
        double ss = 0;
        for (double[] row : x) {
            for (double v : row) {
                ss += (v - mean) * (v - mean);
            }
        }
        double inv = 1.0 / Math.sqrt(ss / (n - 1) + WHITEN_EPS);
        double[][] out = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            out[i] = new double[x[i].length];
            for (int t = 0; t < x[i].length; t++) {
                out[i][t] = (x[i][t] - mean) * inv;
            }
        }
        return out;
    }

    /** a * x + b * y, element-wise; rows must match. */
    static double[][] combine(double a, double[][] x, double b, double[][] y) {
        double[][] out = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            if (x[i].length != y[i].length) {
                throw new IllegalArgumentException("response " + i + ": " + x[i].length + " vs " + y[i].length);
            }
            out[i] = new double[x[i].length];
            for (int t = 0; t < x[i].length; t++) {
                out[i][t] = a * x[i][t] + b * y[i][t];
            }
        }
        return out;
    }

    /** A per-response scalar spread over all of that response's tokens. */
    static double[][] broadcast(double[] perResponse, int[] lengths) {
        double[][] out = new double[perResponse.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new double[lengths[i]];
            java.util.Arrays.fill(out[i], perResponse[i]);
        }
        return out;
    }
}
