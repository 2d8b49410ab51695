package org.prime4j.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Collection;

/**
 * Gradient bookkeeping DJL leaves to the caller. {@code getGradient()} wraps the gradient in a new NDArray on the
 * parameter's manager (a leak per call), so every fetch here happens inside a sub-manager that is closed at once;
 * closing a wrapper leaves the gradient itself in place.
 */
public final class Gradients {

    private Gradients() {}

    /** The global L2 norm over all gradients: sqrt(sum_p ||grad_p||^2), as torch's clip_grad_norm_ reports. */
    public static double globalNorm(NDManager scratchParent, Collection<NDArray> params) {
        try (NDManager scratch = scratchParent.newSubManager()) {
            NDList norms = new NDList(params.size());
            for (NDArray p : params) {
                NDArray g = fetch(scratch, p);
                norms.add(g.norm());
            }
            return NDArrays.stack(norms).square().sum().sqrt().getFloat();
        }
    }

    /** torch's clip_grad_norm_ coefficient: min(1, maxNorm / (norm + 1e-6)); maxNorm <= 0 disables clipping. */
    public static double clipScale(double norm, double maxNorm) {
        if (maxNorm <= 0) {
            return 1.0;
        }
        return Math.min(1.0, maxNorm / (norm + 1e-6));
    }

    /** Sets every gradient to zero (the start of the next accumulation). */
    public static void zero(Collection<NDArray> params) {
        for (NDArray p : params) {
            JniUtils.zeroGrad((PtNDArray) p);
        }
    }

    /** The gradient of p as an array owned by {@code scratch}; fails clearly when p received none. */
    public static NDArray fetch(NDManager scratch, NDArray p) {
        if (!p.hasGradient()) {
            throw new IllegalStateException("parameter " + p.getName() + " does not require a gradient");
        }
        NDArray g = p.getGradient();
        g.attach(scratch);
        return g;
    }
}
