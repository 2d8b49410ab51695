package org.prime4j.model.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.model.DjlRuntime;
import org.prime4j.model.config.ModelConfig;
import org.prime4j.model.io.SafetensorsReader;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.nn.PaddedBatch;
import org.prime4j.model.score.TokenLogprobs;
import org.prime4j.model.train.AdamW;

class LoraAdapterTest {

    static final PaddedBatch BATCH = PaddedBatch.leftPad(List.of(new int[] {3, 1, 4, 1, 5, 9, 2}, new int[] {6, 5}), 0);
    static final LoraConfig CONFIG = new LoraConfig(4, 8, List.of("q_proj", "v_proj", "down_proj"), 0.0, "tiny");

    static CausalLM base() {
        return CausalLM.random(ModelConfig.tiny(ModelConfig.Architecture.QWEN2, 32, 2, 4, 2, 48), 21, 0.2);
    }

    static float[] logits(CausalLM model) {
        try (NDManager call = model.manager().newSubManager()) {
            return model.logits(call, BATCH).toFloatArray();
        }
    }

    static double maxDiff(float[] x, float[] y) {
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            worst = Math.max(worst, Math.abs(x[i] - y[i]));
        }
        return worst;
    }

    /** A few AdamW steps on the adapter alone (base frozen) so that B is no longer zero. */
    static void train(CausalLM model, LoraAdapter adapter, int steps) {
        model.setTrainable(false);
        try (AdamW opt = new AdamW(model.manager(), adapter.parameters(), AdamW.Settings.of(0.05, 0.0))) {
            for (int s = 0; s < steps; s++) {
                try (NDManager call = model.manager().newSubManager();
                     GradientCollector gc = DjlRuntime.pytorch().newGradientCollector()) {
                    NDArray lp = TokenLogprobs.compute(model, call, BATCH);
                    gc.backward(lp.mul(TokenLogprobs.targetMask(call, BATCH)).sum().neg());
                }
                opt.clipAndStep(1.0, 1.0);
            }
        }
    }

    @Test
    void aFreshAdapterLeavesTheModelUnchangedAndTrainingMovesOnlyTheAdapter() {
        try (CausalLM model = base(); LoraAdapter adapter = LoraAdapter.create(model, CONFIG, 1)) {
            float[] before = logits(model);
            Map<String, float[]> baseWeights = new java.util.HashMap<>();
            model.parameters().forEach((k, v) -> baseWeights.put(k, v.toFloatArray()));
            model.setAdapter(adapter);
            assertThat(maxDiff(logits(model), before)).isZero();
            train(model, adapter, 5);
            assertThat(maxDiff(logits(model), before)).isGreaterThan(1e-3);
            model.parameters().forEach((k, v) -> assertThat(v.toFloatArray()).as(k).containsExactly(baseWeights.get(k)));
            assertThat(adapter.parameters()).containsKey(
                    "base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight");
            assertThat(adapter.parameters().get("base_model.model.model.layers.0.mlp.down_proj.lora_B.weight")
                    .getShape().getShape()).containsExactly(32, 4);
        }
    }

    @Test
    void mergingIntoTheBaseEqualsTheUnmergedForward() {
        try (CausalLM model = base(); LoraAdapter adapter = LoraAdapter.create(model, CONFIG, 2)) {
            model.setAdapter(adapter);
            train(model, adapter, 5);
            float[] unmerged = logits(model);
            model.setAdapter(null);
            adapter.mergeInto(model);
            float[] merged = logits(model);
            assertThat(maxDiff(merged, unmerged)).isLessThan(1e-4);
        }
    }

    @Test
    void anAdapterWrittenAndReadBackIsIdentical(@TempDir Path dir) throws Exception {
        try (CausalLM model = base(); LoraAdapter adapter = LoraAdapter.create(model, CONFIG, 3)) {
            model.setAdapter(adapter);
            train(model, adapter, 3);
            float[] withOriginal = logits(model);
            adapter.save(dir);
            assertThat(Files.readString(dir.resolve("adapter_config.json")))
                    .contains("\"task_type\" : \"CAUSAL_LM\"").contains("\"bias\" : \"none\"");
            try (SafetensorsReader r = SafetensorsReader.open(dir.resolve("adapter_model.safetensors"))) {
                assertThat(r.names()).hasSize(2 * 3 * 2);
            }
            try (LoraAdapter back = LoraAdapter.load(model, dir)) {
                assertThat(back.config()).isEqualTo(adapter.config());
                assertThat(back.parameters().keySet()).containsExactlyInAnyOrderElementsOf(adapter.parameters().keySet());
                adapter.parameters().forEach((k, v) ->
                        assertThat(back.parameters().get(k).toFloatArray()).as(k).containsExactly(v.toFloatArray()));
                model.setAdapter(back);
                assertThat(logits(model)).containsExactly(withOriginal);
            }
        }
    }

    @Test
    void unsupportedAdapterVariantsAreRejectedWithTheFieldName(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("adapter_config.json"),
                "{\"peft_type\":\"LORA\",\"r\":4,\"lora_alpha\":8,\"target_modules\":[\"q_proj\"],\"use_dora\":true}");
        assertThatThrownBy(() -> LoraConfig.read(dir.resolve("adapter_config.json")))
                .hasMessageContaining("use_dora");
        assertThatThrownBy(() -> new LoraConfig(4, 8, List.of("qkv"), 0, null)).hasMessageContaining("'qkv'");
        try (CausalLM model = base(); LoraAdapter adapter = LoraAdapter.create(model, CONFIG, 4)) {
            adapter.save(dir);
            Files.writeString(dir.resolve("adapter_config.json"), Files.readString(dir.resolve("adapter_config.json"))
                    .replace("\"r\" : 4", "\"r\" : 2"));
            assertThatThrownBy(() -> LoraAdapter.load(model, dir)).hasMessageContaining("has shape");
        }
    }
}
