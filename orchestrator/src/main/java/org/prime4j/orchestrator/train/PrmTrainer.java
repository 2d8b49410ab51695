package org.prime4j.orchestrator.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.prime4j.model.lora.LoraAdapter;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.nn.OwnedArrays;
import org.prime4j.model.score.TokenLogprobs;
import org.prime4j.orchestrator.prime.ImplicitPrm;

/**
 * The implicit PRM pi_phi of PRIME (docs/design.md step 6), trained in the JVM on outcome labels only:
 * {@code q_t = log pi_phi(y_t | x, y_<t) - log pi_ref(y_t | x, y_<t)} over response tokens and
 * {@code L = mean_i BCE(sigmoid(beta * sum_t q_{i,t}), o_i)}, minimized with AdamW after a global-norm clip.
 * Micro-batches are left-padded and their gradients accumulate (each contributes its rows' BCE sum / N, so
 * the total is the batch mean). The host-side formulas (q, the outcome logit, the BCE) are
 * {@link ImplicitPrm}'s; only the differentiable copy of the loss lives here.
 *
 * <p>The trainer takes the model over for training (all parameters trainable) but does not own it: closing
 * frees the optimizer only.
 */
public final class PrmTrainer extends ModelTrainer implements PrmStepper {

    private final PrmSettings settings;

    public PrmTrainer(CausalLM prm, PrmSettings settings) {
        this(prm, null, settings);
    }

    /** Trains only {@code adapter} over the frozen {@code base} (null adapter: the whole model). */
    public PrmTrainer(CausalLM base, LoraAdapter adapter, PrmSettings settings) {
        super(base, adapter, requireSettings(settings).lora(), settings.lr(), settings.weightDecay());
        this.settings = settings;
    }

    private static PrmSettings requireSettings(PrmSettings settings) {
        if (settings == null) {
            throw new IllegalArgumentException("prm settings must not be null");
        }
        return settings;
    }

    @Override
    public PrmSettings settings() {
        return settings;
    }

    /**
     * One PRM step over a batch laid out in groups of {@code groupSize} consecutive responses to one prompt:
     * {@code prm.epochs} AdamW steps, each on the whole batch. Every sample needs reference log-probs.
     */
    @Override
    public PrmResult step(List<TrainSample> batch, int groupSize) {
        validate(batch, groupSize);
        float[][] ref = new float[batch.size()][];
        for (int i = 0; i < ref.length; i++) {
            ref[i] = batch.get(i).refLogprobs();
        }
        double gradNorm = Double.NaN;
        float[][] trainLogprobs = null;
        if (settings.update() != PrmUpdate.NONE) {
            trainLogprobs = forward(batch, true);
            gradNorm = trained.step(settings.maxGradNorm());
            // Further passes only move the PRM: loss, gradient norm and (for after) the rewards stay the first
            // pass's, so the step's figures remain the pre-update ones whatever the epoch count.
            for (int e = 1; e < settings.epochs(); e++) {
                forward(batch, true);
                trained.step(settings.maxGradNorm());
            }
        }
        float[][] rewardLogprobs = settings.update() == PrmUpdate.AFTER ? trainLogprobs
                : OptimizedModel.withoutGradient(() -> forward(batch, false));
        double[][] preQ = ImplicitPrm.logRatios(trainLogprobs == null ? rewardLogprobs : trainLogprobs, ref);
        double loss = meanLoss(preQ, batch);
        double[][] q = ImplicitPrm.logRatios(rewardLogprobs, ref);
        double[] logits = new double[q.length];
        long tokens = 0;
        for (int i = 0; i < q.length; i++) {
            logits[i] = ImplicitPrm.outcomeLogit(q[i], settings.beta());
            tokens += q[i].length;
        }
        int[] pairs = new int[2];
        double accuracy = pairwiseAccuracy(logits, batch, groupSize, pairs);
        double[] preLogits = logits;
        if (settings.update() == PrmUpdate.BEFORE) {
            preLogits = new double[preQ.length];
            for (int i = 0; i < preQ.length; i++) {
                preLogits[i] = ImplicitPrm.outcomeLogit(preQ[i], settings.beta());
            }
        }
        return new PrmResult(q, logits, loss, accuracy, pairs[1], gradNorm, tokens, preLogits);
    }

    /**
     * The frozen PRM's q_t = log pi_phi - log pi_ref of every response (no update, no gradient): what an
     * offline probe ranks on held-out responses between updates. Every sample needs reference log-probs.
     */
    public double[][] logRatios(List<TrainSample> batch) {
        validate(batch, batch == null || batch.isEmpty() ? 1 : batch.size());
        float[][] ref = new float[batch.size()][];
        for (int i = 0; i < ref.length; i++) {
            ref[i] = batch.get(i).refLogprobs();
        }
        return ImplicitPrm.logRatios(OptimizedModel.withoutGradient(() -> forward(batch, false)), ref);
    }

    private double meanLoss(double[][] q, List<TrainSample> batch) {
        double sum = 0;
        for (int i = 0; i < q.length; i++) {
            sum += ImplicitPrm.bceWithLogits(ImplicitPrm.outcomeLogit(q[i], settings.beta()), batch.get(i).outcome());
        }
        return sum / q.length;
    }

    /**
     * Response log-probs of pi_phi for the whole batch, micro-batch by micro-batch; with {@code train}, inside a
     * gradient scope that back-propagates each micro-batch's share of the mean BCE.
     */
    private float[][] forward(List<TrainSample> batch, boolean train) {
        float[][] out = new float[batch.size()][];
        int n = batch.size();
        for (int[] range : ResponseBatch.ranges(0, n, settings.microBatch())) {
            List<TrainSample> micro = batch.subList(range[0], range[1]);
            ResponseBatch rb = new ResponseBatch(micro);
            try (NDManager call = trained.scope()) {
                if (train) {
                    trained.backward(call, rb.padded(), logits -> {
                        NDArray lp = TokenLogprobs.ofLogits(call, logits, rb.padded());
                        System.arraycopy(rb.gather(lp), 0, out, range[0], micro.size());
                        NDArray bce = bceSum(call, rb, micro, lp);
                        return bce.div(OwnedArrays.scalar(bce, n));
                    });
                } else {
                    float[][] host = rb.gather(TokenLogprobs.compute(trained.active(false), call, rb.padded()));
                    System.arraycopy(host, 0, out, range[0], host.length);
                }
            }
        }
        return out;
    }

    /** sum_i BCE(sigmoid(beta * sum_t q_{i,t}), o_i) as a differentiable scalar, in the stable form. */
    private NDArray bceSum(NDManager call, ResponseBatch rb, List<TrainSample> micro, NDArray lp) {
        float[][] ref = new float[micro.size()][];
        float[] outcomes = new float[micro.size()];
        for (int i = 0; i < ref.length; i++) {
            ref[i] = micro.get(i).refLogprobs();
            outcomes[i] = (float) micro.get(i).outcome();
        }
        // Scalar factors as arrays: DJL's mul/maximum(Number) free the scalar that backward reads (OwnedArrays).
        NDArray q = lp.sub(rb.scatter(call, ref)).mul(rb.responseMask(call)).sum(new int[] {1});
        NDArray z = q.mul(OwnedArrays.scalar(q, settings.beta()));
        NDArray o = rb.perRow(call, outcomes);
        // max(z, 0) - z*o + log(1 + exp(-|z|)), as ImplicitPrm.bceWithLogits
        return z.maximum(OwnedArrays.scalar(z, 0)).sub(z.mul(o)).add(z.abs().neg().exp().add(1f).log()).sum();
    }

    /**
     * Within each group, over pairs with different outcomes, the fraction where the better response has the
     * strictly higher PRM logit. {@code counts[1]} receives the number of pairs.
     */
    static double pairwiseAccuracy(double[] logits, List<TrainSample> batch, int groupSize, int[] counts) {
        int right = 0;
        int pairs = 0;
        for (int g = 0; g < batch.size(); g += groupSize) {
            for (int i = g; i < g + groupSize; i++) {
                for (int j = g; j < g + groupSize; j++) {
                    if (batch.get(i).outcome() > batch.get(j).outcome()) {
                        pairs++;
                        if (logits[i] > logits[j]) {
                            right++;
                        }
                    }
                }
            }
        }
        counts[0] = right;
        counts[1] = pairs;
        return pairs == 0 ? Double.NaN : (double) right / pairs;
    }

    private static void validate(List<TrainSample> batch, int groupSize) {
        if (batch == null || batch.isEmpty()) {
            throw new IllegalArgumentException("prm batch is empty");
        }
        if (groupSize <= 0 || batch.size() % groupSize != 0) {
            throw new IllegalArgumentException("prm batch of " + batch.size()
                    + " responses is not a whole number of groups of " + groupSize);
        }
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i).refLogprobs() == null) {
                throw new IllegalArgumentException("sample " + i + " has no reference log-probs (the PRM needs them)");
            }
        }
    }
}
