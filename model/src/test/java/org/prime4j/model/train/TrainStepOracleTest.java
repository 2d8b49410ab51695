package org.prime4j.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.prime4j.model.DjlRuntime;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.nn.PaddedBatch;
import org.prime4j.model.score.TokenLogprobs;

/**
 * Backward through the whole model against PyTorch autograd: loss = -mean log-prob of the real targets of a
 * left-padded batch; gradients, global norm, and weights after clip + AdamW (fixtures/.../train_step.json).
 */
class TrainStepOracleTest {

    @ParameterizedTest
    @ValueSource(strings = {"qwen2-gqa-tied-f32", "llama-bias-headdim-f32", "qwen3-gqa-headdim-tied-f32"})
    void oneTrainingStepMatchesPyTorch(String name) throws Exception {
        Path dir = Path.of(getClass().getResource("/fixtures/" + name).toURI());
        ObjectMapper json = new ObjectMapper();
        JsonNode fx = json.readTree(dir.resolve("train_step.json").toFile());
        List<int[]> seqs = new ArrayList<>();
        for (JsonNode row : json.readTree(dir.resolve("expected.json").toFile()).get("sequences")) {
            seqs.add(json.convertValue(row, int[].class));
        }
        try (CausalLM model = CausalLM.load(dir)) {
            model.setTrainable(true);
            PaddedBatch batch = PaddedBatch.leftPad(seqs, 0);
            try (NDManager call = model.manager().newSubManager();
                 GradientCollector gc = DjlRuntime.pytorch().newGradientCollector()) {
                NDArray lp = TokenLogprobs.compute(model, call, batch);
                NDArray mask = TokenLogprobs.targetMask(call, batch);
                NDArray loss = lp.mul(mask).sum().neg().div(mask.sum());
                assertThat((double) loss.getFloat()).isCloseTo(fx.get("loss").asDouble(), within(1e-5));
                gc.backward(loss);
            }
            Map<String, NDArray> params = model.parameters();
            try (NDManager scratch = model.manager().newSubManager()) {
                for (var e : iterable(fx.get("grads"))) {
                    float[] got = Gradients.fetch(scratch, params.get(e.getKey())).toFloatArray();
                    assertClose(got, e.getValue(), 1e-5, "grad " + e.getKey());
                }
            }
            AdamW opt = new AdamW(model.manager(), params, new AdamW.Settings(fx.get("lr").asDouble(),
                    fx.get("beta1").asDouble(), fx.get("beta2").asDouble(), fx.get("eps").asDouble(),
                    fx.get("weight_decay").asDouble()));
            double norm = opt.clipAndStep(1.0, fx.get("max_grad_norm").asDouble());
            assertThat(norm).isCloseTo(fx.get("grad_norm").asDouble(), within(1e-4));
            for (var e : iterable(fx.get("after"))) {
                assertClose(params.get(e.getKey()).toFloatArray(), e.getValue(), 1e-5, "after " + e.getKey());
            }
            opt.close();
        }
    }

    static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode obj) {
        return obj::fields;
    }

    static void assertClose(float[] got, JsonNode want, double tol, String what) {
        assertThat(got.length).as(what).isEqualTo(want.size());
        double worst = 0;
        for (int i = 0; i < got.length; i++) {
            worst = Math.max(worst, Math.abs(got[i] - want.get(i).asDouble()));
        }
        assertThat(worst).as("max error of " + what).isLessThan(tol);
    }
}
