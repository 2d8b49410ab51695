package org.prime4j.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.function.Function;

/**
 * Backward through a causal LM one decoder layer at a time (activation checkpointing, Chen et al. 2016). The
 * forward pass records nothing and keeps only each layer's input; backward then re-runs one layer with its input
 * as a leaf that needs a gradient, and feeds it the gradient of the layer's output ({@code torch.autograd
 * .backward(y, g)}), which yields the gradient of its input and adds to every trainable array the layer used
 * (an adapter's A and B). Besides bounding activations, this is what keeps a frozen 16-bit base small: in a
 * recorded pass, {@code x W^T} saves the widened W of every layer for backward, an FP32 copy of the whole
 * model; here at most one layer's widened weights (and the head's) are alive at a time.
 *
 * <p>The gradients equal those of the ordinary pass (the same operations run on the same values); the price
 * is one more forward pass. The recompute must draw the same values as the first pass, so adapters must be
 * deterministic (no dropout).
 */
public final class LayerCheckpointing {

    private LayerCheckpointing() {}

    /**
     * Computes {@code loss(logits)} for a cache-free pass over {@code batch} and back-propagates it into every
     * array that requires a gradient (gradients add to what is already there, as with GradientCollector).
     * Intermediates land on {@code call}; only the per-layer inputs stay until backward has passed them.
     *
     * @param loss maps the FP32 logits (rows, width, vocab) to a scalar; may read values out for the caller
     * @return the loss value
     */
    public static double backward(CausalLM model, NDManager call, PaddedBatch batch, Function<NDArray, NDArray> loss) {
        ProjectionAdapter adapter = model.adapter();
        if (adapter != null && !adapter.deterministic()) {
            throw new IllegalStateException("activation checkpointing recomputes each layer, so the adapter must "
                    + "be deterministic; turn its dropout off (lora_dropout 0) or train without checkpointing");
        }
        int layers = model.config().numHiddenLayers();
        int rows = batch.rows();
        int cols = batch.width();
        boolean was = JniUtils.isGradMode();
        NDArray[] inputs = new NDArray[layers];
        try {
            JniUtils.setGradMode(false);
            NDArray[] tables = model.tables(call, batch.positions(), rows, cols, batch.mask(), cols);
            NDArray h = model.embed(call, batch.ids(), rows, cols);
            for (int i = 0; i < layers; i++) {
                inputs[i] = h;
                h = model.block(call, i, h, tables);
            }
            JniUtils.setGradMode(true);
            double value;
            NDArray g;
            try (NDManager scope = call.newSubManager()) {
                NDArray top = leaf(scope, h);
                if (model.frozenWeights() == null) {
                    NDArray l = loss.apply(model.head(scope, top));
                    value = l.getFloat();
                    JniUtils.backward((PtNDArray) l, (PtNDArray) l.onesLike(), false, false);
                } else {
                    value = headBackward(model, scope, top, loss);
                }
                g = gradientOf(top, call);
            }
            h.close();
            for (int i = layers - 1; i >= 0; i--) {
                try (NDManager scope = call.newSubManager()) {
                    NDArray x = leaf(scope, inputs[i]);
                    NDArray y = model.block(scope, i, x, tables);
                    JniUtils.backward((PtNDArray) y, (PtNDArray) g, false, false);
                    g.close();
                    // The embedding is frozen: the first layer's input gradient is not needed.
                    g = i > 0 ? gradientOf(x, call) : null;
                }
                inputs[i].close();
                inputs[i] = null;
            }
            return value;
        } finally {
            JniUtils.setGradMode(was);
            for (NDArray in : inputs) {
                if (in != null) {
                    in.close();
                }
            }
        }
    }

    /**
     * The head segment of a frozen base, its backward by hand: autograd would keep every widened slice of the
     * (vocab x hidden) head for backward, the largest FP32 copy a frozen base makes (2 GiB at 7B). Instead the
     * logits are made without a graph and become a leaf; the loss's gradient w.r.t. them is taken back through
     * the head a slice at a time ({@code g W}), then through the final norm by autograd into {@code top}.
     */
    private static double headBackward(CausalLM model, NDManager scope, NDArray top,
                                       Function<NDArray, NDArray> loss) {
        NDArray normed = model.finalNorm(scope, top);
        JniUtils.setGradMode(false);
        NDArray logits = model.projectHead(scope, normed);
        JniUtils.setGradMode(true);
        logits.setRequiresGradient(true);
        NDArray l = loss.apply(logits);
        double value = l.getFloat();
        JniUtils.backward((PtNDArray) l, (PtNDArray) l.onesLike(), false, false);
        NDArray gradLogits = logits.getGradient();
        gradLogits.attach(scope);
        JniUtils.setGradMode(false);
        NDArray gradNormed = model.headInputGradient(scope, gradLogits);
        JniUtils.setGradMode(true);
        gradLogits.close();
        JniUtils.backward((PtNDArray) normed, (PtNDArray) gradNormed, false, false);
        return value;
    }

    /** A copy of {@code a} on {@code scope} with no history that requires a gradient. */
    private static NDArray leaf(NDManager scope, NDArray a) {
        NDArray x = a.duplicate();
        x.attach(scope);
        x.setRequiresGradient(true);
        return x;
    }

    /** A copy of {@code leaf}'s gradient on {@code home} (the leaf and its gradient die with their scope). */
    private static NDArray gradientOf(NDArray leaf, NDManager home) {
        NDArray g = leaf.getGradient();
        g.attach(leaf.getManager());
        NDArray copy = g.duplicate();
        copy.attach(home);
        return copy;
    }
}
