package org.prime4j.model.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The host-side sampler against the definition of vLLM's sampling, computed here from scratch: the processed
 * distribution is softmax(logits / T), then top-k keeps the k most likely tokens, then top-p keeps the shortest
 * most-likely prefix whose (renormalized) mass reaches p, and what is kept is renormalized. Checked two ways:
 * the log-probs the sampler returns equal that distribution's logs (-inf for dropped tokens), and the
 * empirical frequencies of many draws match it by a chi-square statistic. The bound on the statistic is far in
 * the tail (for the degrees of freedom here, P(chi2 > bound) < 1e-8 for a correct sampler), so a correct
 * sampler fails only with negligible probability whatever the seed, while a wrong temperature (T vs 1/T) or
 * a wrong kept set moves the statistic by orders of magnitude.
 */
class RowSamplerTest {

    /** Unnormalized logits of a 6-token vocabulary with clearly separated probabilities. */
    private static final double[] LOGITS = {2.0, 1.2, 0.7, 0.0, -0.8, -2.0};
    private static final int DRAWS = 100_000;

    /** Chi-square bound: P(chi2_df > 30 + 10 df) < 1e-8 for df <= 5 (e.g. df 5: P(chi2 > 80) ~ 1e-15). */
    private static double bound(int df) {
        return 30 + 10.0 * df;
    }

    /** The batch row as the generator hands it over: log-softmax of the logits, here at offset vocab. */
    private static float[] twoRows() {
        double max = Arrays.stream(LOGITS).max().orElseThrow();
        double sum = 0;
        for (double v : LOGITS) {
            sum += Math.exp(v - max);
        }
        double logZ = max + Math.log(sum);
        float[] rows = new float[2 * LOGITS.length];
        Arrays.fill(rows, 0, LOGITS.length, -100f); // a different first row, which must not be read
        for (int i = 0; i < LOGITS.length; i++) {
            rows[LOGITS.length + i] = (float) (LOGITS[i] - logZ);
        }
        return rows;
    }

    /** softmax(logits / T), then top-k, then top-p on the renormalized rest, renormalized: the oracle. */
    static double[] expected(double t, int topK, double topP) {
        int v = LOGITS.length;
        double[] p = new double[v];
        double sum = 0;
        for (int i = 0; i < v; i++) {
            p[i] = Math.exp(LOGITS[i] / t);
            sum += p[i];
        }
        for (int i = 0; i < v; i++) {
            p[i] /= sum;
        }
        Integer[] order = new Integer[v];
        for (int i = 0; i < v; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
        int keep = topK > 0 ? Math.min(topK, v) : v;
        double keptMass = 0;
        for (int j = 0; j < keep; j++) {
            keptMass += p[order[j]];
        }
        if (topP < 1) {
            double acc = 0;
            int n = 0;
            while (n < keep && acc < topP) {
                acc += p[order[n]] / keptMass;
                n++;
            }
            keep = n;
        }
        double[] out = new double[v];
        double kept = 0;
        for (int j = 0; j < keep; j++) {
            kept += p[order[j]];
        }
        for (int j = 0; j < keep; j++) {
            out[order[j]] = p[order[j]] / kept;
        }
        return out;
    }

    @ParameterizedTest(name = "T {0}, top_k {1}, top_p {2}")
    @CsvSource({
            "0.5, -1, 1.0",
            "2.0, -1, 1.0",
            "0.7, -1, 1.0",
            "1.0, 3, 1.0",
            "2.0, 3, 1.0",
            "0.5, 2, 1.0",
            "2.0, -1, 0.8",  // T = 2 flattens: top-p 0.8 keeps 4 tokens (at T = 0.5 it would keep 2)
            "0.5, -1, 0.8",
            "2.0, 4, 0.7",   // top-k first, then top-p on the renormalized top 4
            "1.0, -1, 0.6",
    })
    void processedLogprobsAndDrawsFollowSoftmaxOfLogitsOverT(double t, int topK, double topP) {
        double[] p = expected(t, topK, topP);
        RowSampler sampler = new RowSampler(SamplingParams.sample(t, topP, topK, 1234, 1), 99);
        float[] rows = twoRows();
        int v = LOGITS.length;

        RowSampler.Choice first = sampler.next(rows, v, v);
        for (int i = 0; i < v; i++) {
            if (p[i] == 0) {
                assertEquals(Float.NEGATIVE_INFINITY, first.logprobs()[i], "token " + i + " is filtered out");
            } else {
                assertEquals(Math.log(p[i]), first.logprobs()[i], 1e-5, "log-prob of token " + i);
            }
        }

        long[] counts = new long[v];
        counts[first.token()]++;
        for (int n = 1; n < DRAWS; n++) {
            counts[sampler.next(rows, v, v).token()]++;
        }
        double chi2 = 0;
        int df = -1;
        for (int i = 0; i < v; i++) {
            if (p[i] == 0) {
                assertEquals(0, counts[i], "a filtered token is never drawn: " + Arrays.toString(counts));
                continue;
            }
            double e = p[i] * DRAWS;
            chi2 += (counts[i] - e) * (counts[i] - e) / e;
            df++;
        }
        assertTrue(chi2 < bound(Math.max(df, 1)), "chi2 " + chi2 + " (df " + df + ") of counts "
                + Arrays.toString(counts) + " against " + Arrays.toString(p));
    }

    /** The oracle itself is not degenerate where it matters: T moves the distribution and the top-p set. */
    @Test
    void temperatureChangesTheDistributionAndTheTopPSet() {
        double[] hot = expected(2.0, -1, 0.8);
        double[] cold = expected(0.5, -1, 0.8);
        assertEquals(4, Arrays.stream(hot).filter(x -> x > 0).count());
        assertEquals(2, Arrays.stream(cold).filter(x -> x > 0).count());
        assertTrue(expected(2.0, -1, 1)[0] < 0.5 && expected(0.5, -1, 1)[0] > 0.75);
    }

    @Test
    void greedyTakesTheArgmaxAndTemperatureOneReturnsTheModelsOwnLogprobs() {
        float[] rows = twoRows();
        int v = LOGITS.length;
        RowSampler greedy = new RowSampler(SamplingParams.greedy(1), 1);
        assertEquals(0, greedy.next(rows, v, v).token());
        RowSampler plain = new RowSampler(SamplingParams.sample(1.0, 1.0, -1, 1, 1), 1);
        float[] lp = plain.next(rows, v, v).logprobs();
        for (int i = 0; i < v; i++) {
            assertEquals(rows[v + i], lp[i], 0f);
        }
    }
}
