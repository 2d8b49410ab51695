package org.prime4j.orchestrator.train;

import java.util.List;

/**
 * The importance-sampling weights of one batch (see {@link IsCorrection}), computed on the host before the
 * update: constants of the loss, so no gradient flows through them (veRL and TRL detach them too).
 *
 * @param pg               per response token, the factor on the PPO term (token_tis: min(rho_t, C); else 1)
 * @param keep             per response token, 1 when its response counts in the loss and its denominator
 *                         (seq_mask: 0 for a dropped response; else 1)
 * @param ratioMean        token mean of rho_t before truncation; NaN without sampler log-probs
 * @param ratioMax         token max of rho_t before truncation; NaN without sampler log-probs
 * @param maskedFraction   fraction of responses seq_mask dropped (0 under token_tis, NaN under none)
 * @param truncatedFraction fraction of tokens whose token_tis weight hit the cap (0 under seq_mask, NaN under none)
 */
record IsWeights(float[][] pg, float[][] keep, double ratioMean, double ratioMax, double maskedFraction,
                 double truncatedFraction) {

    /** log rho is clamped to this before exp, as the PPO ratio is. */
    private static final double MAX_LOG_RATIO = PolicyTrainer.MAX_LOG_RATIO;

    /**
     * @param old     the trainer's old log-probs per response token
     * @param sampler the sampler's log-probs per response token; null rows only with {@code NONE}
     */
    static IsWeights of(IsCorrection mode, double cap, List<TrainSample> batch, float[][] old) {
        int n = batch.size();
        float[][] pg = new float[n][];
        float[][] keep = new float[n][];
        boolean haveSampler = old != null && batch.stream().allMatch(s -> s.serverLogprobs() != null);
        double sum = 0;
        double max = Double.NEGATIVE_INFINITY;
        long tokens = 0;
        long truncated = 0;
        int masked = 0;
        for (int i = 0; i < n; i++) {
            int len = batch.get(i).responseIds().length;
            pg[i] = ones(len);
            keep[i] = ones(len);
            if (!haveSampler) {
                continue;
            }
            float[] sampler = batch.get(i).serverLogprobs();
            double logSum = 0;
            for (int t = 0; t < len; t++) {
                double logRho = Math.max(-MAX_LOG_RATIO, Math.min(MAX_LOG_RATIO, (double) old[i][t] - sampler[t]));
                double rho = Math.exp(logRho);
                sum += rho;
                max = Math.max(max, rho);
                tokens++;
                logSum += logRho;
                if (mode == IsCorrection.TOKEN_TIS) {
                    if (rho > cap) {
                        truncated++;
                    }
                    pg[i][t] = (float) Math.min(rho, cap);
                }
            }
            // the geometric mean compared in log space: exp(mean) outside [1/C, C] iff |mean| > ln C
            if (mode == IsCorrection.SEQ_MASK && Math.abs(logSum / len) > Math.log(cap)) {
                java.util.Arrays.fill(keep[i], 0f);
                masked++;
            }
        }
        double nan = Double.NaN;
        return new IsWeights(pg, keep, haveSampler ? sum / tokens : nan, haveSampler ? max : nan,
                mode == IsCorrection.NONE ? nan : (double) masked / n,
                mode == IsCorrection.NONE ? nan : haveSampler ? (double) truncated / tokens : 0);
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        return v;
    }

    /** Response tokens of rows [from, to) that count in the loss. */
    long keptTokens(int from, int to) {
        long k = 0;
        for (int i = from; i < to; i++) {
            for (float x : keep[i]) {
                k += x > 0 ? 1 : 0;
            }
        }
        return k;
    }
}
