package org.prime4j.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.prime4j.model.DjlRuntime;
import org.prime4j.model.lora.LoraAdapter;
import org.prime4j.model.score.TokenLogprobs;
import org.prime4j.model.train.Gradients;

/**
 * LoRA over a frozen BF16 base with per-layer activation checkpointing, against PyTorch autograd over the
 * widened weights (fixtures/<model>/lora_grad, from gen_checkpoint_fixtures.py), and against the plain
 * recorded pass over the same weights in FP32 parameters.
 */
class FrozenBaseCheckpointTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"qwen2-mha-untied-bf16", "llama-mqa-untied-bf16"})
    void frozenBaseLogitsMatchTheOracle(String name) throws Exception {
        Path dir = dir(name);
        JsonNode expected = JSON.readTree(dir.resolve("expected.json").toFile());
        List<int[]> seqs = sequences(expected);
        PaddedBatch batch = PaddedBatch.leftPad(seqs, 0);
        try (CausalLM model = CausalLM.loadFrozen(dir); NDManager call = model.manager().newSubManager()) {
            assertThat(model.parameters()).isEmpty();
            assertThat(model.frozenWeights().bytes()).isEqualTo(2 * ParamNames.count(model.config()));
            float[] logits = model.logits(call, batch).toFloatArray();
            int vocab = model.config().vocabSize();
            double worst = 0;
            for (int r = 0; r < seqs.size(); r++) {
                JsonNode rows = expected.get("logits").get(r);
                int start = batch.width() - seqs.get(r).length;
                for (int j = 0; j < rows.size(); j++) {
                    for (int v = 0; v < vocab; v++) {
                        float got = logits[((r * batch.width()) + start + j) * vocab + v];
                        worst = Math.max(worst, Math.abs(got - rows.get(j).get(v).asDouble()));
                    }
                }
            }
            assertThat(worst).as("max logit error").isLessThan(1e-4);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen2-mha-untied-bf16", "llama-mqa-untied-bf16"})
    void checkpointedAdapterGradientsMatchPyTorchAndThePlainPass(String name) throws Exception {
        Path dir = dir(name);
        JsonNode fx = JSON.readTree(dir.resolve("lora_grad/expected.json").toFile());
        PaddedBatch batch = PaddedBatch.leftPad(sequences(JSON.readTree(dir.resolve("expected.json").toFile())), 0);
        Map<String, float[]> checkpointed = checkpointedGrads(dir, fx, batch);
        for (var e : iterable(fx.get("grads"))) {
            assertClose(checkpointed.get(e.getKey()), e.getValue(), "checkpointed grad " + e.getKey());
        }
        // The ordinary recorded pass gives the same gradients, over FP32 parameters and over the frozen base.
        for (boolean frozen : new boolean[] {false, true}) {
        try (CausalLM model = frozen ? CausalLM.loadFrozen(dir) : CausalLM.load(dir);
             LoraAdapter adapter = LoraAdapter.load(model, dir.resolve("lora_grad"))) {
            if (!frozen) {
                model.setTrainable(false);
            }
            adapter.setTrainable(true);
            model.setAdapter(adapter);
            try (NDManager call = model.manager().newSubManager();
                 GradientCollector gc = DjlRuntime.pytorch().newGradientCollector()) {
                gc.backward(prmLoss(call, model.logits(call, batch), batch, fx));
            }
            Map<String, float[]> plain = grads(model, adapter);
            for (var e : plain.entrySet()) {
                float[] c = checkpointed.get(e.getKey());
                for (int i = 0; i < c.length; i++) {
                    assertThat((double) Math.abs(c[i] - e.getValue()[i])).as(e.getKey()).isLessThan(1e-4);
                }
            }
        }
        }
    }

    /**
     * The head's backward runs by hand a slice of the vocabulary at a time; here the tiny head is cut into
     * slices of 7 rows (the last one shorter), and the gradients must still be PyTorch's.
     */
    @ParameterizedTest
    @ValueSource(strings = {"qwen2-mha-untied-bf16", "llama-mqa-untied-bf16"})
    void theHeadCutIntoSlicesGivesTheSameGradients(String name) throws Exception {
        Path dir = dir(name);
        JsonNode fx = JSON.readTree(dir.resolve("lora_grad/expected.json").toFile());
        PaddedBatch batch = PaddedBatch.leftPad(sequences(JSON.readTree(dir.resolve("expected.json").toFile())), 0);
        long saved = HalfWeights.headSliceElements;
        Map<String, float[]> sliced;
        try {
            int hidden = JSON.readTree(dir.resolve("config.json").toFile()).get("hidden_size").asInt();
            int vocab = JSON.readTree(dir.resolve("config.json").toFile()).get("vocab_size").asInt();
            assertThat(vocab % 7).as("a ragged last slice").isNotZero();
            HalfWeights.headSliceElements = 7L * hidden;
            sliced = checkpointedGrads(dir, fx, batch);
        } finally {
            HalfWeights.headSliceElements = saved;
        }
        for (var e : iterable(fx.get("grads"))) {
            assertClose(sliced.get(e.getKey()), e.getValue(), "sliced-head grad " + e.getKey());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen2-mha-untied-bf16"})
    void refusesToTrainTheBaseOrADropoutAdapter(String name) throws Exception {
        Path dir = dir(name);
        try (CausalLM model = CausalLM.loadFrozen(dir);
             LoraAdapter adapter = LoraAdapter.create(model, new org.prime4j.model.lora.LoraConfig(2, 4,
                     List.of("q_proj"), 0.1, name), 1)) {
            assertThatThrownBy(() -> model.setTrainable(true)).hasMessageContaining("not trainable");
            model.setAdapter(adapter);
            adapter.setTraining(true);
            PaddedBatch batch = PaddedBatch.leftPad(List.of(new int[] {1, 2, 3}), 0);
            try (NDManager call = model.manager().newSubManager()) {
                assertThatThrownBy(() -> LayerCheckpointing.backward(model, call, batch, l -> l.sum()))
                        .hasMessageContaining("dropout");
            }
        }
    }

    /** The adapter's gradients from the checkpointed pass over the frozen base, whose loss must be the fixture's. */
    private static Map<String, float[]> checkpointedGrads(Path dir, JsonNode fx, PaddedBatch batch) throws Exception {
        try (CausalLM model = CausalLM.loadFrozen(dir);
             LoraAdapter adapter = LoraAdapter.load(model, dir.resolve("lora_grad"))) {
            adapter.setTrainable(true);
            model.setAdapter(adapter);
            try (NDManager call = model.manager().newSubManager()) {
                double loss = LayerCheckpointing.backward(model, call, batch, logits -> prmLoss(call, logits, batch,
                        fx));
                assertThat(loss).isCloseTo(fx.get("loss").asDouble(), org.assertj.core.api.Assertions.within(1e-4));
            }
            return grads(model, adapter);
        }
    }

    /** sum_i BCE(sigmoid(beta * sum_t mask * (lp - ref)), o_i), as the generator computes it. */
    static NDArray prmLoss(NDManager call, NDArray logits, PaddedBatch batch, JsonNode fx) {
        NDArray lp = TokenLogprobs.ofLogits(call, logits, batch);
        NDArray mask = TokenLogprobs.targetMask(call, batch);
        int w = batch.width() - 1;
        float[] ref = new float[batch.rows() * w];
        for (int r = 0; r < batch.rows(); r++) {
            for (int j = 0; j < w; j++) {
                ref[r * w + j] = (float) fx.get("ref_logprobs").get(r).get(j).asDouble();
            }
        }
        float[] o = new float[batch.rows()];
        for (int r = 0; r < o.length; r++) {
            o[r] = (float) fx.get("outcomes").get(r).asDouble();
        }
        NDArray q = lp.sub(call.create(ref, lp.getShape())).mul(mask).sum(new int[] {1});
        NDArray z = q.mul(OwnedArrays.scalar(q, fx.get("beta").asDouble()));
        NDArray outcomes = call.create(o);
        return z.maximum(OwnedArrays.scalar(z, 0)).sub(z.mul(outcomes)).add(z.abs().neg().exp().add(1f).log()).sum();
    }

    static Map<String, float[]> grads(CausalLM model, LoraAdapter adapter) {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (NDManager scratch = model.manager().newSubManager()) {
            for (var e : adapter.parameters().entrySet()) {
                out.put(e.getKey(), Gradients.fetch(scratch, e.getValue()).toFloatArray());
            }
        }
        return out;
    }

    static void assertClose(float[] got, JsonNode want, String what) {
        assertThat(got).as(what).isNotNull();
        assertThat(got.length).as(what).isEqualTo(want.size());
        double worst = 0;
        double largest = 0;
        for (int i = 0; i < got.length; i++) {
            worst = Math.max(worst, Math.abs(got[i] - want.get(i).asDouble()));
            largest = Math.max(largest, Math.abs(want.get(i).asDouble()));
        }
        assertThat(largest).as("the oracle gradient of " + what + " is not all zero").isGreaterThan(1e-3);
        assertThat(worst).as("max error of " + what).isLessThan(1e-4);
    }

    static List<int[]> sequences(JsonNode expected) {
        List<int[]> seqs = new ArrayList<>();
        for (JsonNode row : expected.get("sequences")) {
            seqs.add(JSON.convertValue(row, int[].class));
        }
        return seqs;
    }

    static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode obj) {
        return obj::fields;
    }

    Path dir(String name) throws Exception {
        return Path.of(getClass().getResource("/fixtures/" + name).toURI());
    }
}
