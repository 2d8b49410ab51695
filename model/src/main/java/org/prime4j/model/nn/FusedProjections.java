package org.prime4j.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.prime4j.model.config.ModelConfig;

/**
 * Per-layer weights of the projections that read the same input, concatenated along the output dimension:
 * q|k|v (with their biases, if any) and gate|up. One linear then replaces three (or two): during decoding a step
 * is a few dozen tiny ops and the fixed cost of each dominates, so fewer launches is what makes it faster.
 * A bias entry is null when the config has no such biases. The arrays are copies (a snapshot) owned by the {@link KvCache} they were made for.
 */
record FusedProjections(NDArray[] qkvWeight, NDArray[] qkvBias, NDArray[] gateUpWeight, NDArray[] gateUpBias) {

    /**
     * Fusion copies these weights once per generation call; above this size the copy costs more than the saved
     * launches (large models are bound by the matmuls themselves, not by per-op overhead).
     */
    static final long MAX_FUSED_BYTES = 32L << 20;

    /** Concatenates one layer's named projections (weights or biases) into an array owned by {@code m}. */
    @FunctionalInterface
    interface Concat {
        NDArray concat(NDManager m, int layer, String suffix, String... projections);
    }

    /** The fused weights of every layer, or null when the copy would exceed {@link #MAX_FUSED_BYTES}. */
    static FusedProjections of(ModelConfig config, DataType compute, NDManager m, Concat fuse) {
        int layers = config.numHiddenLayers();
        long perLayer = (long) config.hiddenSize() * ((long) (config.numAttentionHeads() + 2L
                * config.numKeyValueHeads()) * config.headDim() + 2L * config.intermediateSize());
        if (perLayer * layers * compute.getNumOfBytes() > FusedProjections.MAX_FUSED_BYTES) {
            return null;
        }
        NDArray[] qkv = new NDArray[layers];
        NDArray[] qkvBias = new NDArray[layers];
        NDArray[] gateUp = new NDArray[layers];
        NDArray[] gateUpBias = new NDArray[layers];
        for (int i = 0; i < layers; i++) {
            qkv[i] = fuse.concat(m, i, ".weight", "q_proj", "k_proj", "v_proj");
            qkvBias[i] = config.attentionBias() ? fuse.concat(m, i, ".bias", "q_proj", "k_proj", "v_proj") : null;
            gateUp[i] = fuse.concat(m, i, ".weight", "gate_proj", "up_proj");
            gateUpBias[i] = config.mlpBias() ? fuse.concat(m, i, ".bias", "gate_proj", "up_proj") : null;
        }
        return new FusedProjections(qkv, qkvBias, gateUp, gateUpBias);
    }
}
