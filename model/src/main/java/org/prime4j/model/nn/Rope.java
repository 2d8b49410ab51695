package org.prime4j.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.prime4j.model.config.Llama3RopeScaling;

/**
 * Rotary position embeddings in Hugging Face's rotate-half convention: a head vector x = [x1, x2] becomes
 * {@code x * cos + [-x2, x1] * sin}. The tables are computed on the host in float arithmetic, in the order
 * torch uses ({@code theta ^ (2k / d)}, then {@code pos * inv_freq}), so they match the reference bit for bit
 * or nearly; with per-row positions this is what makes left padding invisible to a sequence. Llama 3.1's
 * rope scaling only rewrites the inverse frequencies.
 */
final class Rope {

    private final int headDim;
    private final float[] invFreq;

    Rope(int headDim, double theta, Llama3RopeScaling scaling) {
        this.headDim = headDim;
        int half = headDim / 2;
        invFreq = new float[half];
        for (int k = 0; k < half; k++) {
            float exponent = (float) (2 * k) / headDim;
            invFreq[k] = 1f / (float) Math.pow(theta, exponent);
        }
        if (scaling != null) {
            scaling.rescale(invFreq);
        }
    }

    /**
     * {cos, signedSin} of shape (rows, cols, 1, headDim) for positions given row-major. signedSin carries the
     * minus sign of rotate-half on its first half, so that {@code rotateHalf(x) * sin == swapHalves(x) *
     * signedSin} and the rotation costs one split and one concat.
     */
    NDArray[] tables(NDManager manager, int[] positions, int rows, int cols) {
        int half = headDim / 2;
        float[] cos = new float[positions.length * headDim];
        float[] sin = new float[positions.length * headDim];
        for (int p = 0; p < positions.length; p++) {
            int base = p * headDim;
            for (int k = 0; k < half; k++) {
                float angle = positions[p] * invFreq[k];
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                cos[base + k] = c;
                cos[base + half + k] = c;
                sin[base + k] = -s;
                sin[base + half + k] = s;
            }
        }
        Shape shape = new Shape(rows, cols, 1, headDim);
        return new NDArray[] {manager.create(cos, shape), manager.create(sin, shape)};
    }

    /** x of shape (B, T, heads, headDim). */
    static NDArray apply(NDArray x, NDArray cos, NDArray signedSin) {
        var halves = x.split(2, 3);
        NDArray swapped = halves.get(1).concat(halves.get(0), 3);
        return x.mul(cos).add(swapped.mul(signedSin));
    }
}
