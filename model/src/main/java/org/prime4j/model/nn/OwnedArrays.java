package org.prime4j.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Host data into long-lived arrays whose memory libtorch owns. DJL's PyTorch engine does not copy host data:
 * {@code NDManager.create(float[])} and {@code NDArray.set(float[])} point the tensor at a Java direct buffer
 * (torch::from_blob, no deleter) that only the creating NDArray object keeps reachable. Any other tensor over
 * that storage (a view, a tensor saved for backward) dangles once that object is closed, or once {@code set}
 * swaps in a new buffer and the old one is collected; it then reads whatever reuses the freed memory. Weights,
 * adapters and optimizer state therefore go through here: one extra host-to-tensor copy per load.
 *
 * <p>The same holds for DJL's scalar overloads ({@code mul(Number)}, {@code div(Number)}, {@code maximum(Number)}):
 * they wrap the number in such a buffer and close it right after the forward op, but autograd keeps the scalar
 * tensor for the backward pass, which then reads freed memory (NaN or garbage gradients once a GC ran in between).
 * Differentiable code multiplies, divides and compares with {@link #scalar} instead.
 */
public final class OwnedArrays {

    private OwnedArrays() {}

    /** A FLOAT32 array on {@code manager} holding a copy of {@code data}, in memory libtorch allocated. */
    public static NDArray copyOf(NDManager manager, float[] data, Shape shape) {
        try (NDArray staged = manager.create(data, shape)) {
            return staged.duplicate();
        }
    }

    /** A 0-d array of {@code like}'s dtype on {@code like}'s manager holding {@code value}, in libtorch memory. */
    public static NDArray scalar(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value, like.getDataType());
    }

    /**
     * Copies {@code data} into {@code dst}'s existing storage (unlike {@code NDArray.set}, which swaps the
     * storage): views of {@code dst} and everyone holding it see the new values, and no memory changes owner.
     */
    public static void overwrite(NDArray dst, float[] data) {
        if (data.length != dst.size()) {
            throw new IllegalArgumentException(dst.getName() + ": " + data.length + " values for shape "
                    + dst.getShape());
        }
        try (NDManager scratch = dst.getManager().newSubManager()) {
            dst.set(new NDIndex("..."), scratch.create(data, dst.getShape()));
        }
    }
}
