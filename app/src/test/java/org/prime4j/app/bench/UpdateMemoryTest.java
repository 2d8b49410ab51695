package org.prime4j.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.prime4j.model.config.ModelConfig;
import org.prime4j.model.lora.LoraAdapter;
import org.prime4j.model.lora.LoraConfig;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.nn.ParamNames;

class UpdateMemoryTest {

    @Test
    void benchShapesHaveThePublishedParameterCounts() {
        // Hugging Face's parameter counts of the released checkpoints.
        assertThat(ParamNames.count(MemoryBench.shape("qwen2.5-0.5b"))).isEqualTo(494_032_768L);
        assertThat(ParamNames.count(MemoryBench.shape("qwen2.5-1.5b"))).isEqualTo(1_543_714_304L);
        assertThat(ParamNames.count(MemoryBench.shape("qwen2.5-7b"))).isEqualTo(7_615_616_512L);
    }

    @Test
    void adapterCountIsWhatLoraAdapterAllocates() {
        ModelConfig c = ModelConfig.tiny(ModelConfig.Architecture.QWEN2, 32, 2, 4, 2, 48);
        List<String> targets = List.of("q_proj", "k_proj", "down_proj");
        try (CausalLM model = CausalLM.random(c, 1, 0.1);
             LoraAdapter a = LoraAdapter.create(model, new LoraConfig(4, 8, targets, 0, "t"), 2)) {
            long allocated = a.parameters().values().stream().mapToLong(NDArray::size).sum();
            assertThat(UpdateMemory.adapterParameters(c, 4, targets)).isEqualTo(allocated);
        }
    }

    @Test
    void loraPredictionIsTheHalfBasePlusTwoTrainedAdapters() {
        ModelConfig c = MemoryBench.shape("qwen2.5-7b");
        long p = ParamNames.count(c);
        long a = UpdateMemory.adapterParameters(c, 64, UpdateMemory.ALL_LINEAR);
        UpdateMemory lora = UpdateMemory.lora(c, 288, 64, UpdateMemory.ALL_LINEAR);
        assertThat(lora.weights() + lora.gradients() + lora.moments()).isEqualTo(2 * p + 2 * 16 * a);
        UpdateMemory full = UpdateMemory.full(c, 288);
        assertThat(full.weights() + full.gradients() + full.moments()).isEqualTo(2 * 16 * p);
        assertThat(full.total()).isGreaterThan(10 * lora.total());
    }
}
