package org.prime4j.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Keys and values of every layer for the tokens seen so far, shape (B, kvHeads, T, headDim) each, on the
 * cache's own manager: each step's temporaries can then be freed while the cache grows. Closing the cache
 * frees it.
 *
 * <p>The cache may also hold a snapshot of fused projection weights for its generation ({@link
 * FusedProjections}): keys computed with one set of weights are meaningless under another, so a cache never
 * outlives a weight update anyway.
 */
public final class KvCache implements AutoCloseable {

    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private FusedProjections fused;

    public KvCache(NDManager parent, int layers) {
        this.manager = parent.newSubManager();
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    /** Tokens cached so far (0 before the first forward). */
    public long length() {
        return keys[0] == null ? 0 : keys[0].getShape().get(2);
    }

    /** Appends this step's keys/values of one layer; returns the full (cached + new) keys and values. */
    NDArray[] append(int layer, NDArray k, NDArray v) {
        keys[layer] = grow(keys[layer], k);
        values[layer] = grow(values[layer], v);
        return new NDArray[] {keys[layer], values[layer]};
    }

    private NDArray grow(NDArray old, NDArray step) {
        if (old == null) {
            step.attach(manager);
            return step;
        }
        NDArray grown = old.concat(step, 2);
        grown.attach(manager);
        old.close();
        return grown;
    }

    NDManager manager() {
        return manager;
    }

    FusedProjections fused() {
        return fused;
    }

    void fused(FusedProjections f) {
        this.fused = f;
    }

    @Override
    public void close() {
        manager.close();
    }
}
