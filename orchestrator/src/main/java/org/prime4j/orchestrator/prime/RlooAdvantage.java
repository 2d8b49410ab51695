package org.prime4j.orchestrator.prime;

/**
 * REINFORCE leave-one-out per reward source (PRIME, eq. 5), for consecutive groups of K responses to one prompt.
 *
 * <pre>
 *   process: m_i = mean_t r_{i,t};   R~_{i,t} = r_{i,t} * K/(K-1) - (sum_j m_j)/(K-1)
 *   outcome: R~_i = o_i * K/(K-1) - (sum_j o_j)/(K-1)   (= o_i minus the mean of the other K-1),
 *            placed on the last response token only
 * </pre>
 */
public final class RlooAdvantage {

    private RlooAdvantage() {}

    /** Leave-one-out process rewards; rows i*K .. i*K+K-1 form prompt i's group. */
    public static double[][] process(double[][] r, int k) {
        requireGroups(r.length, k);
        double[][] out = new double[r.length][];
        for (int g = 0; g < r.length; g += k) {
            double sumOfMeans = 0;
            for (int i = g; i < g + k; i++) {
                sumOfMeans += mean(r[i]);
            }
            for (int i = g; i < g + k; i++) {
                out[i] = new double[r[i].length];
                for (int t = 0; t < r[i].length; t++) {
                    out[i][t] = r[i][t] * k / (k - 1) - sumOfMeans / (k - 1);
                }
            }
        }
        return out;
    }

    /** Leave-one-out outcome rewards on the last token of each response (zeros elsewhere). */
    public static double[][] outcome(double[] o, int[] lengths, int k) {
        requireGroups(o.length, k);
        if (lengths.length != o.length) {
            throw new IllegalArgumentException(o.length + " outcomes but " + lengths.length + " responses");
        }
        double[][] out = new double[o.length][];
        for (int g = 0; g < o.length; g += k) {
            double sum = 0;
            for (int i = g; i < g + k; i++) {
                sum += o[i];
            }
            for (int i = g; i < g + k; i++) {
                out[i] = new double[lengths[i]];
                if (lengths[i] > 0) {
                    out[i][lengths[i] - 1] = o[i] * k / (k - 1) - sum / (k - 1);
                }
            }
        }
        return out;
    }

    static void requireGroups(int rows, int k) {
        if (k < 2) {
            throw new IllegalArgumentException("leave-one-out needs at least 2 samples per prompt, got " + k);
        }
        if (rows % k != 0) {
            throw new IllegalArgumentException(rows + " responses do not split into groups of " + k);
        }
    }

    static double mean(double[] row) {
        if (row.length == 0) {
            return 0;
        }
        double s = 0;
        for (double v : row) {
            s += v;
        }
        return s / row.length;
    }
}
