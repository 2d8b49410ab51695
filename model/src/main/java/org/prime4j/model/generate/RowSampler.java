package org.prime4j.model.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Turns one row of logits into a token on the host, with the row's own RNG: a sequence's samples depend on
 * its seed and its logits only, never on what else shares the batch. Order as vLLM: temperature, then top-k,
 * then top-p; the processed distribution is renormalized over the kept tokens.
 */
final class RowSampler {

    private final SamplingParams params;
    private final SplittableRandom rng;

    RowSampler(SamplingParams params, long seed) {
        this.params = params;
        this.rng = new SplittableRandom(seed);
    }

    /** Chosen token plus the processed log-probs of the whole vocabulary (-inf for filtered tokens). */
    record Choice(int token, float[] logprobs) {}

    /**
     * @param logprobs the raw log-softmax of the batch's logits, row-major; this row's {@code vocab} entries
     *                 start at {@code offset}
     */
    Choice next(float[] logprobs, int offset, int vocab) {
        float[] lp;
        if (params.greedy() || (params.temperature() == 1 && !filters(vocab))) {
            // Nothing to process: the distribution is the model's own, already normalized on the device.
            lp = Arrays.copyOfRange(logprobs, offset, offset + vocab);
        } else {
            lp = processed(logprobs, offset, vocab);
        }
        return new Choice(params.greedy() ? argmax(lp) : draw(lp), lp);
    }

    private float[] processed(float[] logprobs, int offset, int vocab) {
        double[] z = new double[vocab];
        double t = params.temperature();
        for (int i = 0; i < vocab; i++) {
            z[i] = logprobs[offset + i] / t;
        }
        filter(z);
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : z) {
            sum += Math.exp(v - max);
        }
        double logZ = max + Math.log(sum);
        float[] lp = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            lp[i] = (float) (z[i] - logZ);
        }
        return lp;
    }

    private int draw(float[] lp) {
        double u = rng.nextDouble();
        double acc = 0;
        int last = -1;
        for (int i = 0; i < lp.length; i++) {
            if (lp[i] == Float.NEGATIVE_INFINITY) {
                continue;
            }
            acc += Math.exp(lp[i]);
            last = i;
            if (u < acc) {
                return i;
            }
        }
        return last; // rounding left u above the total mass: the last kept token
    }

    private boolean filters(int vocab) {
        return (params.topK() > 0 && params.topK() < vocab) || params.topP() < 1;
    }

    private void filter(double[] z) {
        int k = params.topK();
        boolean useK = k > 0 && k < z.length;
        boolean useP = params.topP() < 1;
        if (!useK && !useP) {
            return;
        }
        Integer[] order = new Integer[z.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(z[b], z[a]));
        int keep = useK ? k : z.length;
        if (useP) {
            double max = z[order[0]];
            double total = 0;
            for (int i = 0; i < keep; i++) {
                total += Math.exp(z[order[i]] - max);
            }
            // Keep the shortest most-likely prefix whose mass reaches top_p (at least one token).
            double acc = 0;
            int n = 0;
            while (n < keep) {
                acc += Math.exp(z[order[n]] - max) / total;
                n++;
                if (acc >= params.topP()) {
                    break;
                }
            }
            keep = n;
        }
        for (int i = keep; i < order.length; i++) {
            z[order[i]] = Double.NEGATIVE_INFINITY;
        }
    }

    static int argmax(float[] z) {
        int best = 0;
        for (int i = 1; i < z.length; i++) {
            if (z[i] > z[best]) {
                best = i;
            }
        }
        return best;
    }

    /** The n largest entries of lp, best first (ties: lower id first). */
    static int[] top(float[] lp, int n) {
        n = Math.min(n, lp.length);
        int[] ids = new int[n];
        boolean[] used = new boolean[lp.length];
        for (int j = 0; j < n; j++) {
            int best = -1;
            for (int i = 0; i < lp.length; i++) {
                if (!used[i] && (best < 0 || lp[i] > lp[best])) {
                    best = i;
                }
            }
            used[best] = true;
            ids[j] = best;
        }
        return ids;
    }
}
