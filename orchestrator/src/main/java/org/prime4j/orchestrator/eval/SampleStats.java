package org.prime4j.orchestrator.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The per-item figures of sampled evaluation: pass@k (unbiased estimator) and the majority vote. */
public final class SampleStats {

    private SampleStats() {}

    /**
     * The unbiased pass@k estimator of Chen et al. 2021 (HumanEval): the probability that at least one of k
     * samples drawn without replacement from n samples, c of them correct, is correct:
     * {@code 1 - C(n-c, k) / C(n, k)}, computed as {@code 1 - prod_{i=n-c+1..n} (1 - k/i)} so it never
     * overflows. With {@code k == n} it is 1 when any sample is correct, else 0.
     */
    public static double passAtK(int n, int c, int k) {
        if (n < 1 || k < 1 || k > n || c < 0 || c > n) {
            throw new IllegalArgumentException("pass@k needs 1 <= k <= n and 0 <= c <= n, got n=" + n + " c=" + c
                    + " k=" + k);
        }
        if (n - c < k) {
            return 1.0;
        }
        double allWrong = 1.0;
        for (int i = n - c + 1; i <= n; i++) {
            allWrong *= 1.0 - (double) k / i;
        }
        return 1.0 - allWrong;
    }

    /**
     * The sample that wins the majority vote: the answers are grouped by equal keys (null keys, samples without
     * an answer, do not vote); the largest group wins, a tie going to the group whose first member came first.
     *
     * @return the index of the winning group's first member, or -1 when no sample has an answer
     */
    public static int majority(List<String> keys) {
        Map<String, int[]> groups = new LinkedHashMap<>(); // key -> {first index, votes}
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            if (key != null) {
                groups.computeIfAbsent(key, x -> new int[] {0, 0});
                int[] g = groups.get(key);
                if (g[1] == 0) {
                    g[0] = i;
                }
                g[1]++;
            }
        }
        int best = -1;
        int votes = 0;
        for (int[] g : groups.values()) {
            if (g[1] > votes) {
                best = g[0];
                votes = g[1];
            }
        }
        return best;
    }
}
