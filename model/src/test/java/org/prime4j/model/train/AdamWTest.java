package org.prime4j.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.prime4j.model.DjlRuntime;

/** AdamW + global-norm clipping against torch.optim.AdamW + clip_grad_norm_ (fixtures/adamw.json). */
class AdamWTest {

    static float[] floats(JsonNode a) {
        float[] f = new float[a.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) a.get(i).asDouble();
        }
        return f;
    }

    static void runAgainstTorch(int microBatches) throws Exception {
        JsonNode fx = new ObjectMapper().readTree(AdamWTest.class.getResource("/fixtures/adamw.json"));
        Engine engine = DjlRuntime.pytorch();
        try (NDManager m = engine.newBaseManager()) {
            Map<String, NDArray> params = new LinkedHashMap<>();
            for (int i = 0; i < 2; i++) {
                long[] shape = new ObjectMapper().convertValue(fx.get("shapes").get(i), long[].class);
                NDArray p = m.create(floats(fx.get("start").get(i)), new Shape(shape));
                p.setRequiresGradient(true);
                p.setName("p" + i);
                params.put("p" + i, p);
            }
            AdamW opt = new AdamW(m, params, new AdamW.Settings(fx.get("lr").asDouble(), fx.get("beta1").asDouble(),
                    fx.get("beta2").asDouble(), fx.get("eps").asDouble(), fx.get("weight_decay").asDouble()));
            List<NDArray> ps = List.copyOf(params.values());
            for (JsonNode step : fx.get("steps")) {
                // d/dp sum(p * g) = g: the torch step's gradients, here split over micro-batches that accumulate.
                for (int mb = 0; mb < microBatches; mb++) {
                    try (NDManager call = m.newSubManager(); GradientCollector gc = engine.newGradientCollector()) {
                        NDArray loss = null;
                        for (int i = 0; i < 2; i++) {
                            NDArray g = call.create(floats(step.get("grads").get(i)), ps.get(i).getShape());
                            NDArray term = ps.get(i).mul(g).sum();
                            loss = loss == null ? term : loss.add(term);
                        }
                        gc.backward(loss);
                    }
                }
                double norm = opt.clipAndStep(1.0 / microBatches, fx.get("max_grad_norm").asDouble());
                assertThat(norm).isCloseTo(step.get("norm").asDouble(), within(1e-4 * step.get("norm").asDouble()));
                for (int i = 0; i < 2; i++) {
                    float[] got = ps.get(i).toFloatArray();
                    float[] want = floats(step.get("after").get(i));
                    for (int k = 0; k < got.length; k++) {
                        assertThat((double) got[k]).as("p%d[%d]", i, k).isCloseTo(want[k], within(2e-6));
                    }
                }
            }
            assertThat(opt.steps()).isEqualTo(4);
            opt.close();
        }
    }

    @Test
    void matchesTorchAdamWWithGlobalNormClipping() throws Exception {
        runAgainstTorch(1);
    }

    @Test
    void gradientsAccumulateAcrossMicroBatchesUntilTheStep() throws Exception {
        runAgainstTorch(3);
    }

    @Test
    void refusesParametersWithoutGradients() {
        try (NDManager m = DjlRuntime.pytorch().newBaseManager()) {
            NDArray frozen = m.zeros(new Shape(2));
            assertThatThrownBy(() -> new AdamW(m, Map.of("w", frozen), AdamW.Settings.of(1e-3, 0)))
                    .hasMessageContaining("parameter w does not require a gradient");
            assertThatThrownBy(() -> AdamW.Settings.of(-1, 0)).hasMessageContaining("lr");
        }
    }
}
