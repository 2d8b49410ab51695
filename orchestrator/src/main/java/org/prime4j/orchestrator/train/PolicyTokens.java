package org.prime4j.orchestrator.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.nn.PaddedBatch;

/**
 * The policy's per-position log-prob of the next token and its entropy, from one forward pass: the log-softmax
 * is shared, which {@code TokenLogprobs.compute} (log-probs only) cannot offer. Both arrays are
 * (rows, width - 1) in the layout of {@link ResponseBatch}; the entropy carries a gradient only when asked.
 */
record PolicyTokens(NDArray logprobs, NDArray entropy) {

    static PolicyTokens compute(CausalLM model, NDManager call, PaddedBatch batch, boolean entropyGradient) {
        return ofLogits(call, model.logits(call, batch), batch, entropyGradient);
    }

    /** As {@link #compute}, from logits (rows, width, vocab) already computed (e.g. by a checkpointed pass). */
    static PolicyTokens ofLogits(NDManager call, NDArray logits, PaddedBatch batch, boolean entropyGradient) {
        NDArray logp = logits.get(new NDIndex(":, :-1, :")).logSoftmax(-1);
        NDArray lp = logp.gather(targets(call, batch), 2).squeeze(2);
        NDArray h = entropyGradient ? logp : logp.stopGradient();
        return new PolicyTokens(lp, h.exp().mul(h).sum(new int[] {-1}).neg());
    }

    /** (rows, width - 1, 1): the id in column j + 1 is the target of column j. */
    private static NDArray targets(NDManager call, PaddedBatch batch) {
        int w = batch.width() - 1;
        long[] t = new long[batch.rows() * w];
        for (int r = 0; r < batch.rows(); r++) {
            System.arraycopy(batch.ids(), r * batch.width() + 1, t, r * w, w);
        }
        return call.create(t, new Shape(batch.rows(), w, 1));
    }
}
