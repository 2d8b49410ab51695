package org.prime4j.model.nn;

import ai.djl.ndarray.NDArray;

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
}
