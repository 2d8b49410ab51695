package org.prime4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class DjlRuntimeTest {

    @Test
    void pytorchEngineLoadsOfflineFromMavenNatives() {
        Engine engine = DjlRuntime.pytorch();
        assertThat(engine.getEngineName()).isEqualTo("PyTorch");
        assertThat(engine.getVersion()).startsWith("2.7.1");
        assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
    }

    @Test
    void gradientOfSumOfCubesPlusSineMatchesCalculus() {
        Engine engine = DjlRuntime.pytorch();
        try (NDManager manager = engine.newBaseManager()) {
            float[] xs = {-1.5f, 0f, 0.5f, 2f};
            NDArray x = manager.create(xs);
            x.setRequiresGradient(true);
            try (GradientCollector gc = engine.newGradientCollector()) {
                NDArray y = x.pow(3).add(x.sin()).sum(); // d/dx = 3x^2 + cos x
                gc.backward(y);
            }
            float[] grad = x.getGradient().toFloatArray();
            for (int i = 0; i < xs.length; i++) {
                double expected = 3 * xs[i] * xs[i] + Math.cos(xs[i]);
                assertThat((double) grad[i]).isCloseTo(expected, within(1e-5));
            }
        }
    }
}
