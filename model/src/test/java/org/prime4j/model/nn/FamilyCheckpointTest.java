package org.prime4j.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.model.config.Llama3RopeScaling;
import org.prime4j.model.config.ModelConfig;
import org.prime4j.model.config.ModelConfig.Architecture;
import org.prime4j.model.io.DType;
import org.prime4j.model.io.HostTensor;

/** Qwen3's q_norm / k_norm tensors and Llama 3.1's rope_scaling survive prime4j's own save and load. */
class FamilyCheckpointTest {

    @TempDir Path tmp;

    static final ModelConfig QWEN3 = new ModelConfig(Architecture.QWEN3, 32, 48, 2, 4, 2, 16, 1e-6, 1e6, 64, 128,
            false, false, false, 1, List.of(2), "float32");
    static final ModelConfig LLAMA31 = ModelConfig.tiny(Architecture.LLAMA, 32, 2, 4, 2, 64)
            .withRopeScaling(new Llama3RopeScaling(8.0, 1.0, 4.0, 64));

    @Test
    void qwen3AndLlama31RoundTripThroughSaveAndLoad() throws Exception {
        for (ModelConfig config : List.of(QWEN3, LLAMA31)) {
            Path dir = tmp.resolve(config.architecture().modelType);
            try (CausalLM model = CausalLM.random(config, 5, 0.3)) {
                model.save(dir, DType.F32, 0);
                try (CausalLM back = CausalLM.load(dir);
                     NDManager call = model.manager().newSubManager()) {
                    assertThat(back.config()).isEqualTo(config);
                    assertThat(back.parameters().keySet()).containsExactlyElementsOf(model.parameters().keySet());
                    PaddedBatch batch = PaddedBatch.leftPad(List.of(new int[] {3, 9, 27, 17, 51}), 0);
                    assertThat(back.logits(call, batch).toFloatArray())
                            .containsExactly(model.logits(call, batch).toFloatArray());
                }
            }
        }
        assertThat(ParamNames.names(QWEN3)).contains("model.layers.1.self_attn.q_norm.weight",
                "model.layers.1.self_attn.k_norm.weight");
        assertThat(ParamNames.shapes(QWEN3).get("model.layers.0.self_attn.k_norm.weight")).containsExactly(16);
        assertThat(ParamNames.names(LLAMA31)).noneMatch(n -> n.contains("q_norm"));
    }

    @Test
    void aQwen3CheckpointWithoutQkNormsIsRefusedNamingTheTensor() {
        try (CausalLM model = CausalLM.random(QWEN3, 5, 0.3)) {
            Map<String, HostTensor> tensors = new LinkedHashMap<>(model.toHost());
            tensors.remove("model.layers.1.self_attn.k_norm.weight");
            assertThatThrownBy(() -> CausalLM.fromHost(QWEN3, tensors, ai.djl.Device.cpu(),
                    ai.djl.ndarray.types.DataType.FLOAT32))
                    .hasMessage("checkpoint lacks tensor model.layers.1.self_attn.k_norm.weight");
        }
    }
}
