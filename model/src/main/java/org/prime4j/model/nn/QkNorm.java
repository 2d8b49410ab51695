package org.prime4j.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Qwen3 RMS-normalizes every query and key head over its head_dim, with one weight for all query heads
 * ({@code q_norm}) and one for all key heads ({@code k_norm}), before the rotation.
 */
final class QkNorm {

    private QkNorm() {}

    /**
     * The weight, shape (heads + kvHeads, headDim), that normalizes the fused q|k heads of the KV-cache path in
     * one RMSNorm: q_norm repeated per query head, then k_norm per key head. The broadcasting products start
     * from arrays of the call's manager, so the results land there and not on the model's.
     */
    static NDArray fusedWeight(NDManager call, int heads, int kvHeads, DataType compute, NDArray qNorm,
                               NDArray kNorm) {
        NDArray q = call.ones(new Shape(heads, 1), compute).mul(qNorm);
        NDArray k = call.ones(new Shape(kvHeads, 1), compute).mul(kNorm);
        return q.concat(k, 0);
    }
}
