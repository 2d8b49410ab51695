package org.prime4j.model.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.prime4j.model.DjlRuntime;

/** The memory of arrays made from host data must outlive the NDArray object that made them. */
class OwnedArraysTest {

    static final int N = 1024;

    static float[] ramp(float offset) {
        float[] x = new float[N];
        for (int i = 0; i < x.length; i++) {
            x[i] = offset + i;
        }
        return x;
    }

    /** Collects, lets the direct-buffer cleaners run, then reuses freed native memory with NaN garbage. */
    static void collectAndScribble() throws InterruptedException {
        for (int round = 0; round < 5; round++) {
            System.gc();
            Thread.sleep(20);
            List<ByteBuffer> garbage = new ArrayList<>();
            for (int i = 0; i < 256; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(N * Float.BYTES).order(ByteOrder.nativeOrder());
                while (b.remaining() >= Float.BYTES) {
                    b.putFloat(Float.NaN);
                }
                garbage.add(b);
            }
        }
    }

    @Test
    void aViewOutlivesTheArrayItWasTakenFrom() throws Exception {
        try (NDManager root = DjlRuntime.pytorch().newBaseManager(); NDManager keep = root.newSubManager()) {
            NDArray view;
            try (NDManager transient_ = root.newSubManager()) {
                NDArray owned = OwnedArrays.copyOf(transient_, ramp(0), new Shape(N / 32, 32));
                view = owned.reshape(N);
                view.attach(keep);
            }
            collectAndScribble();
            assertThat(view.toFloatArray()).containsExactly(ramp(0));
        }
    }

    @Test
    void aScalarSavedForBackwardSurvivesACollectionBeforeTheBackwardPass() throws Exception {
        try (NDManager root = DjlRuntime.pytorch().newBaseManager()) {
            NDArray x = OwnedArrays.copyOf(root, ramp(1), new Shape(N));
            x.setRequiresGradient(true);
            try (NDManager call = root.newSubManager();
                 GradientCollector gc = DjlRuntime.pytorch().newGradientCollector()) {
                NDArray xc = x.reshape(N);
                xc.attach(call);
                NDArray y = xc.mul(OwnedArrays.scalar(xc, 2.5)).div(OwnedArrays.scalar(xc, 0.5)).sum();
                collectAndScribble();
                gc.backward(y);
            }
            float[] expected = new float[N];
            java.util.Arrays.fill(expected, 5f);
            assertThat(x.getGradient().toFloatArray()).containsExactly(expected);
        }
    }

    @Test
    void overwritingInPlaceKeepsViewsLiveAndCurrent() throws Exception {
        try (NDManager root = DjlRuntime.pytorch().newBaseManager()) {
            NDArray dst = OwnedArrays.copyOf(root, ramp(0), new Shape(N / 32, 32));
            NDArray view = dst.reshape(N);
            OwnedArrays.overwrite(dst, ramp(5));
            collectAndScribble();
            assertThat(dst.toFloatArray()).containsExactly(ramp(5));
            assertThat(view.toFloatArray()).containsExactly(ramp(5));
        }
    }

    @Test
    void aTrainableParameterCanBeOverwritten() {
        try (NDManager root = DjlRuntime.pytorch().newBaseManager()) {
            NDArray p = OwnedArrays.copyOf(root, ramp(0), new Shape(N));
            p.setRequiresGradient(true);
            OwnedArrays.overwrite(p, ramp(7));
            assertThat(p.toFloatArray()).containsExactly(ramp(7));
            assertThat(p.hasGradient()).isTrue();
        }
    }
}
