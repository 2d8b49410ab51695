package org.prime4j.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** The causal, padding-aware attention mask of a left-padded batch. */
final class AttentionMask {

    private AttentionMask() {
    }

    /**
     * Additive mask (rows, 1, cols, keys): 0 where query q (the q-th of the new tokens) may see key k, i.e. the
     * key is a real token and not in the future; otherwise the most negative finite value (as HF), so that a
     * padding query, which sees nothing, gets a uniform (finite) distribution instead of NaN.
     */
    static NDArray additive(NDManager call, int rows, int cols, int keys, int[] keyMask, DataType compute) {
        float blocked = compute == DataType.FLOAT16 ? -65504f : -Float.MAX_VALUE;
        float[] bias = new float[rows * cols * keys];
        int offset = keys - cols;
        for (int r = 0; r < rows; r++) {
            for (int q = 0; q < cols; q++) {
                int base = (r * cols + q) * keys;
                for (int k = 0; k < keys; k++) {
                    if (keyMask[r * keys + k] == 0 || k > offset + q) {
                        bias[base + k] = blocked;
                    }
                }
            }
        }
        return call.create(bias, new Shape(rows, 1, cols, keys));
    }

}
