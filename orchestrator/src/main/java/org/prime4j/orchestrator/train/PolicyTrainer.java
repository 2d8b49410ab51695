package org.prime4j.orchestrator.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import org.prime4j.model.lora.LoraAdapter;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.nn.OwnedArrays;

/**
 * PPO on the policy (docs/design.md step 9). Per response token, with ratio = exp(log pi - log pi_old):
 * <pre>
 *   l_t = max(-A_t * ratio, -A_t * clip(ratio, 1 - eps, 1 + eps))   (log-ratio clamped to [-20, 20])
 *       + kl_coef * (exp(ref - log pi) - (ref - log pi) - 1)      (k3 estimator, off by default)
 *       - entropy_coef * H_t                                       (off by default)
 * </pre>
 * The loss of a mini-batch is the mean of l_t over all its response tokens. Micro-batches accumulate
 * gradients, each scaled by the mini-batch's token count so the sum is exactly that mean; then one global-norm
 * clip and one AdamW step per mini-batch; mini-batches are consecutive slices of the batch, in order, for
 * {@code epochs} passes.
 *
 * <p>Old log-probs are recomputed before the first update ({@code trainer}) or taken from the sampler
 * ({@code server}); whenever the sampler's log-probs are present, the train/inference mismatch is measured
 * against the trainer's pre-update log-probs (a no-grad pass, extra in {@code server} mode).
 *
 * <p>With {@code is_correction} (docs/design.md "Importance-sampling correction"), rho_t = pi_old / pi_sampler
 * from those two: {@code token_tis} multiplies the PPO term of token t by min(rho_t, C); {@code seq_mask} drops
 * the responses whose geometric-mean ratio leaves [1/C, C] from the loss and from its token count. Both weights
 * are constants of the loss (no gradient through them).
 *
 * <p>The trainer takes the model over for training (all parameters trainable) but does not own it: closing
 * frees the optimizer only.
 */
public final class PolicyTrainer extends ModelTrainer implements PolicyUpdater {

    /** Bound on |log pi - log pi_old| and |ref - log pi| before exp (verl clamps at 20 too). */
    static final float MAX_LOG_RATIO = 20f;

    private final PolicySettings settings;

    public PolicyTrainer(CausalLM policy, PolicySettings settings) {
        this(policy, null, settings);
    }

    /** Trains only {@code adapter} over the frozen {@code base} (null adapter: the whole model). */
    public PolicyTrainer(CausalLM base, LoraAdapter adapter, PolicySettings settings) {
        super(base, adapter, requireSettings(settings).lora(), settings.lr(), settings.weightDecay());
        this.settings = settings;
    }

    private static PolicySettings requireSettings(PolicySettings settings) {
        if (settings == null) {
            throw new IllegalArgumentException("policy settings must not be null");
        }
        return settings;
    }

    public PolicySettings settings() {
        return settings;
    }

    /** One PPO update on a batch; {@code advantages[i][t]} belongs to response token t of sample i. */
    @Override
    public PolicyResult update(List<TrainSample> batch, double[][] advantages) {
        validate(batch, advantages);
        int n = batch.size();
        boolean server = batch.stream().allMatch(s -> s.serverLogprobs() != null);
        boolean reference = batch.stream().allMatch(s -> s.refLogprobs() != null);
        float[][] trainerOld = settings.oldLogprobs() == OldLogprobs.TRAINER || server
                ? OptimizedModel.withoutGradient(() -> logprobs(batch)) : null;
        float[][] old = new float[n][];
        float[][] ref = new float[n][];
        for (int i = 0; i < n; i++) {
            old[i] = settings.oldLogprobs() == OldLogprobs.TRAINER ? trainerOld[i] : batch.get(i).serverLogprobs();
            ref[i] = reference ? batch.get(i).refLogprobs() : new float[batch.get(i).responseIds().length];
        }
        double[] mismatch = server ? mismatch(batch, trainerOld) : new double[] {Double.NaN, Double.NaN};
        IsWeights is = IsWeights.of(settings.isCorrection(), settings.isCap(), batch, trainerOld);
        long tokens = ResponseBatch.tokens(batch);

        List<int[]> minis = ResponseBatch.ranges(0, n, settings.miniBatch());
        int steps = minis.size() * settings.epochs();
        double[] stepLosses = new double[steps];
        double[] stepNorms = new double[steps];
        double[] sums = new double[4]; // clipped, old - new, entropy, k3: token sums over all passes
        int s = 0;
        for (int epoch = 0; epoch < settings.epochs(); epoch++) {
            for (int[] mini : minis) {
                // the token mean runs over the responses that count (all but seq_mask's dropped ones); a
                // mini-batch with none left has loss 0
                long miniTokens = Math.max(1, is.keptTokens(mini[0], mini[1]));
                double loss = 0;
                for (int[] micro : ResponseBatch.ranges(mini[0], mini[1], settings.microBatch())) {
                    loss += backward(batch, micro, old, ref, advantages, is, reference, miniTokens, sums);
                }
                stepLosses[s] = loss;
                stepNorms[s] = trained.step(settings.maxGradNorm());
                s++;
            }
        }
        double passTokens = (double) tokens * settings.epochs();
        return new PolicyResult(mean(stepLosses), sums[0] / passTokens, sums[1] / passTokens, mean(stepNorms),
                mismatch[0], mismatch[1],
                sums[2] / passTokens, reference ? sums[3] / passTokens : Double.NaN, tokens, steps, stepLosses,
                stepNorms, is.ratioMean(), is.ratioMax(), is.maskedFraction(), is.truncatedFraction());
    }

    /**
     * Forward + backward of one micro-batch [from, to); returns its share of the mini-batch loss and adds its
     * token sums (clipped, approximate KL, entropy, k3 KL) to {@code sums}.
     */
    private double backward(List<TrainSample> batch, int[] range, float[][] old, float[][] ref,
                            double[][] advantages, IsWeights is, boolean reference, long miniTokens,
                            double[] sums) {
        List<TrainSample> micro = batch.subList(range[0], range[1]);
        ResponseBatch rb = new ResponseBatch(micro);
        try (NDManager call = trained.scope()) {
            return trained.backward(call, rb.padded(), logits -> {
                PolicyTokens pt = PolicyTokens.ofLogits(call, logits, rb.padded(), settings.entropyCoef() > 0);
                NDArray mask = rb.responseMask(call);
                NDArray lp = pt.logprobs();
                NDArray oldLp = rb.scatter(call, slice(old, range));
                NDArray adv = rb.scatter(call, slice(advantages, range));
                // Masked before exp so padding columns (garbage log-probs) give ratio 1, not a possible inf whose
                // zero-weighted gradient would still be NaN; clamped as verl does against extreme log-ratios.
                NDArray ratio = lp.sub(oldLp).mul(mask).clip(-MAX_LOG_RATIO, MAX_LOG_RATIO).exp();
                NDArray unclipped = adv.neg().mul(ratio);
                NDArray clipped = adv.neg().mul(ratio.clip(1 - settings.clip(), 1 + settings.clip()));
                NDArray tokenLoss = unclipped.maximum(clipped);
                if (settings.isCorrection() == IsCorrection.TOKEN_TIS) {
                    tokenLoss = tokenLoss.mul(rb.scatter(call, slice(is.pg(), range)));
                }
                NDArray refDiff = rb.scatter(call, slice(ref, range)).sub(lp).mul(mask)
                        .clip(-MAX_LOG_RATIO, MAX_LOG_RATIO);
                NDArray k3 = refDiff.exp().sub(refDiff).sub(1f);
                if (settings.klCoef() > 0) {
                    tokenLoss = tokenLoss.add(k3.mul(OwnedArrays.scalar(k3, settings.klCoef())));
                }
                if (settings.entropyCoef() > 0) {
                    NDArray entropy = pt.entropy();
                    tokenLoss = tokenLoss.sub(entropy.mul(OwnedArrays.scalar(entropy, settings.entropyCoef())));
                }
                // Statistics are read before backward runs, whichever path runs it; none carries a gradient.
                sums[0] += clipped.gt(unclipped).toType(DataType.FLOAT32, false).mul(mask).sum().getFloat();
                sums[1] += oldLp.sub(lp).mul(mask).sum().getFloat();
                sums[2] += pt.entropy().mul(mask).sum().getFloat();
                if (reference) {
                    sums[3] += k3.mul(mask).sum().getFloat();
                }
                // Scalar factors as arrays: DJL's mul/div(Number) free the scalar that backward reads (OwnedArrays).
                NDArray counted = settings.isCorrection() == IsCorrection.SEQ_MASK
                        ? rb.scatter(call, slice(is.keep(), range)) : mask;
                NDArray summed = tokenLoss.mul(counted).sum();
                return summed.div(OwnedArrays.scalar(summed, miniTokens));
            });
        }
    }

    /**
     * The trainer's no-grad log-probs of every response token, in the very micro-batches of the update (same
     * padding, same shapes), so that the first mini-batch's ratio is exactly 1.
     */
    private float[][] logprobs(List<TrainSample> batch) {
        float[][] out = new float[batch.size()][];
        for (int[] range : microBatches(batch.size())) {
            ResponseBatch rb = new ResponseBatch(batch.subList(range[0], range[1]));
            try (NDManager call = trained.scope()) {
                float[][] host = rb.gather(PolicyTokens.compute(trained.active(false), call, rb.padded(), false)
                        .logprobs());
                System.arraycopy(host, 0, out, range[0], host.length);
            }
        }
        return out;
    }

    /** Mean and max over response tokens of |trainer - server| log-prob. */
    private static double[] mismatch(List<TrainSample> batch, float[][] trainer) {
        double sum = 0;
        double max = 0;
        long n = 0;
        for (int i = 0; i < batch.size(); i++) {
            float[] server = batch.get(i).serverLogprobs();
            for (int t = 0; t < server.length; t++) {
                double d = Math.abs((double) trainer[i][t] - server[t]);
                sum += d;
                max = Math.max(max, d);
                n++;
            }
        }
        return new double[] {sum / n, max};
    }

    private List<int[]> microBatches(int n) {
        List<int[]> out = new java.util.ArrayList<>();
        for (int[] mini : ResponseBatch.ranges(0, n, settings.miniBatch())) {
            out.addAll(ResponseBatch.ranges(mini[0], mini[1], settings.microBatch()));
        }
        return out;
    }

    private static float[][] slice(float[][] rows, int[] range) {
        return java.util.Arrays.copyOfRange(rows, range[0], range[1]);
    }

    private static double[][] slice(double[][] rows, int[] range) {
        return java.util.Arrays.copyOfRange(rows, range[0], range[1]);
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private void validate(List<TrainSample> batch, double[][] advantages) {
        if (batch == null || batch.isEmpty()) {
            throw new IllegalArgumentException("policy batch is empty");
        }
        if (advantages == null || advantages.length != batch.size()) {
            throw new IllegalArgumentException("advantages have " + (advantages == null ? 0 : advantages.length)
                    + " rows for " + batch.size() + " responses");
        }
        for (int i = 0; i < batch.size(); i++) {
            TrainSample s = batch.get(i);
            if (advantages[i] == null || advantages[i].length != s.responseIds().length) {
                throw new IllegalArgumentException("advantages of response " + i + " have "
                        + (advantages[i] == null ? 0 : advantages[i].length) + " entries for "
                        + s.responseIds().length + " tokens");
            }
            for (int t = 0; t < advantages[i].length; t++) {
                if (!Double.isFinite(advantages[i][t])) {
                    throw new IllegalArgumentException("advantage " + t + " of response " + i + " is not finite: "
                            + advantages[i][t]);
                }
            }
            if (settings.isCorrection() != IsCorrection.NONE && s.serverLogprobs() == null) {
                throw new IllegalArgumentException("is_correction: " + settings.isCorrection().name()
                        .toLowerCase(java.util.Locale.ROOT) + ", but response " + i + " has no sampler log-probs");
            }
            if (settings.oldLogprobs() == OldLogprobs.SERVER && s.serverLogprobs() == null) {
                throw new IllegalArgumentException("old_logprobs: server, but response " + i
                        + " has no server log-probs");
            }
            if (settings.klCoef() > 0 && s.refLogprobs() == null) {
                throw new IllegalArgumentException("kl_coef > 0, but response " + i + " has no reference log-probs");
            }
        }
    }
}
