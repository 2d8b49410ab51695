package org.prime4j.model.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.nn.PaddedBatch;

/**
 * Teacher-forced log-probabilities: {@code log p(x_{j+1} | x_{<=j})} for every position of a left-padded
 * batch, as {@code logSoftmax} + {@code gather} (SoftmaxCrossEntropyLoss mishandles (B, T, V) inputs).
 */
public final class TokenLogprobs {

    private TokenLogprobs() {}

    /**
     * The trainer's path: an NDArray (rows, width - 1) on {@code call} whose column j is the log-prob of the
     * token in column j + 1. Entries whose target is padding are garbage: mask them with {@link #targetMask}.
     * Inside a GradientCollector the result carries the graph back to the parameters (and any adapter).
     */
    public static NDArray compute(CausalLM model, NDManager call, PaddedBatch batch) {
        return ofLogits(call, model.logits(call, batch), batch);
    }

    /** As {@link #compute}, from logits (rows, width, vocab) already computed (e.g. by a checkpointed pass). */
    public static NDArray ofLogits(NDManager call, NDArray logits, PaddedBatch batch) {
        return ofTargets(call, nextTokenLogprobs(logits), batch).squeeze(2);
    }

    /** log-softmax of the logits at columns 0..width-2: (rows, width - 1, vocab). */
    static NDArray nextTokenLogprobs(NDArray logits) {
        return logits.get(new NDIndex(":, :-1, :")).logSoftmax(-1);
    }

    /** The entries of the actual next tokens: (rows, width - 1, 1). */
    static NDArray ofTargets(NDManager call, NDArray nextTokenLogprobs, PaddedBatch batch) {
        return nextTokenLogprobs.gather(targets(call, batch), 2);
    }

    /** Targets (rows, width - 1, 1): the ids of columns 1..width-1. */
    static NDArray targets(NDManager call, PaddedBatch batch) {
        int w = batch.width() - 1;
        long[] t = new long[batch.rows() * Math.max(w, 0)];
        for (int r = 0; r < batch.rows(); r++) {
            System.arraycopy(batch.ids(), r * batch.width() + 1, t, r * w, w);
        }
        return call.create(t, new ai.djl.ndarray.types.Shape(batch.rows(), w, 1));
    }

    /**
     * (rows, width - 1) float mask, 1 where column j's entry of {@link #compute} is a real prediction: both the
     * context token j and the target j + 1 are real (with left padding: j >= start of the row).
     */
    public static NDArray targetMask(NDManager call, PaddedBatch batch) {
        int w = batch.width() - 1;
        float[] m = new float[batch.rows() * w];
        for (int r = 0; r < batch.rows(); r++) {
            for (int j = batch.start(r); j < w; j++) {
                m[r * w + j] = 1f;
            }
        }
        return call.create(m, new ai.djl.ndarray.types.Shape(batch.rows(), w));
    }
}
