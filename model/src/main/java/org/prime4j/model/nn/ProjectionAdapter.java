package org.prime4j.model.nn;

import ai.djl.ndarray.NDArray;

/**
 * A low-rank (or other) correction added to the output of a linear projection, e.g. LoRA's
 * {@code scale * B A x}. Keyed by module path ({@code model.layers.3.self_attn.q_proj}).
 */
public interface ProjectionAdapter {

    /** The correction for module {@code module} applied to input x, or null when the module is not adapted. */
    NDArray delta(String module, NDArray x);

    /** Whether two calls with the same input give the same output (activation checkpointing needs it). */
    default boolean deterministic() {
        return true;
    }
}
