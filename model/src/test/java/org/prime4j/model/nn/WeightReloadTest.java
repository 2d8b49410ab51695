package org.prime4j.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.model.config.ModelConfig;
import org.prime4j.model.io.DType;
import org.prime4j.model.io.HostTensor;

class WeightReloadTest {

    static final ModelConfig CONFIG = ModelConfig.tiny(ModelConfig.Architecture.QWEN2, 32, 2, 4, 2, 40);
    static final PaddedBatch BATCH = PaddedBatch.leftPad(List.of(new int[] {1, 2, 3, 4}, new int[] {7}), 0);

    static float[] logits(CausalLM m) {
        try (NDManager call = m.manager().newSubManager()) {
            return m.logits(call, BATCH).toFloatArray();
        }
    }

    @Test
    void reloadingAnotherModelsWeightsInPlaceGivesItsLogitsAndKeepsTheParameterArrays() {
        try (CausalLM a = CausalLM.random(CONFIG, 1, 0.2); CausalLM b = CausalLM.random(CONFIG, 2, 0.2)) {
            NDArray embed = a.parameters().get(ParamNames.EMBED);
            assertThat(logits(a)).isNotEqualTo(logits(b));
            a.loadHost(b.toHost());
            assertThat(logits(a)).containsExactly(logits(b));
            assertThat(a.parameters().get(ParamNames.EMBED)).isSameAs(embed);
        }
    }

    @Test
    void aCheckpointSavedAndLoadedGivesTheSameLogits(@TempDir Path dir) throws Exception {
        try (CausalLM a = CausalLM.random(CONFIG, 3, 0.2)) {
            a.save(dir.resolve("ckpt"), DType.F32, 0);
            try (CausalLM back = CausalLM.load(dir.resolve("ckpt"))) {
                assertThat(logits(back)).containsExactly(logits(a));
            }
        }
    }

    @Test
    void aMismatchedCheckpointIsRejectedByTensorNameAndChangesNothing() {
        try (CausalLM a = CausalLM.random(CONFIG, 4, 0.2)) {
            float[] before = logits(a);
            Map<String, HostTensor> bad = new LinkedHashMap<>(a.toHost());
            bad.put(ParamNames.FINAL_NORM, HostTensor.ofFloats(ParamNames.FINAL_NORM, new long[] {16}, new float[16]));
            assertThatThrownBy(() -> a.loadHost(bad)).hasMessageContaining("tensor model.norm.weight has shape [16]");
            Map<String, HostTensor> missing = new LinkedHashMap<>(a.toHost());
            missing.remove("model.layers.1.mlp.up_proj.weight");
            assertThatThrownBy(() -> a.loadHost(missing)).hasMessageContaining("lacks tensor model.layers.1.mlp.up_proj");
            Map<String, HostTensor> extra = new LinkedHashMap<>(a.toHost());
            extra.put(ParamNames.LM_HEAD, HostTensor.ofFloats(ParamNames.LM_HEAD, new long[] {40, 32}, new float[1280]));
            assertThatThrownBy(() -> a.loadHost(extra)).hasMessageContaining("lm_head.weight is not a parameter");
            assertThat(logits(a)).containsExactly(before);
        }
    }
}
