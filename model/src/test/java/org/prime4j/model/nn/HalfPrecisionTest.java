package org.prime4j.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.prime4j.model.io.HfCheckpoint;
import org.prime4j.model.lora.LoraAdapter;
import org.prime4j.model.lora.LoraConfig;
import org.prime4j.model.score.TokenLogprobs;

/** The FP16 compute path (meant for GPU inference) exercised on the CPU. */
class HalfPrecisionTest {

    @Test
    void fp16InferenceAgreesWithFp32ToHalfPrecisionAndTrainingIsRefused() throws Exception {
        Path dir = Path.of(getClass().getResource("/fixtures/qwen2-gqa-tied-f32").toURI());
        PaddedBatch batch = PaddedBatch.leftPad(List.of(new int[] {3, 9, 4, 11, 7}, new int[] {5, 1}), 0);
        float[] full;
        float[] half;
        float[] mask;
        try (CausalLM fp32 = CausalLM.load(dir); NDManager call = fp32.manager().newSubManager()) {
            full = TokenLogprobs.compute(fp32, call, batch).toFloatArray();
            mask = TokenLogprobs.targetMask(call, batch).toFloatArray();
        }
        try (HfCheckpoint ckpt = HfCheckpoint.open(dir);
             CausalLM fp16 = CausalLM.fromCheckpoint(ckpt, Device.cpu(), DataType.FLOAT16)) {
            try (NDManager call = fp16.manager().newSubManager()) {
                NDArray lp = TokenLogprobs.compute(fp16, call, batch);
                assertThat(lp.getDataType()).isEqualTo(DataType.FLOAT32);
                half = lp.toFloatArray();
            }
            assertThatThrownBy(() -> fp16.setTrainable(true)).hasMessageContaining("FLOAT32 compute");
            // A LoRA adapter serves on the FP16 base (factors cast per call) but cannot train there.
            try (LoraAdapter adapter = LoraAdapter.create(fp16, new LoraConfig(2, 4, List.of("q_proj"), 0, ""), 1);
                 NDManager call = fp16.manager().newSubManager()) {
                fp16.setAdapter(adapter);
                assertThatThrownBy(() -> TokenLogprobs.compute(fp16, call, batch))
                        .hasMessageContaining("LoRA training needs a FLOAT32 base");
                adapter.setTrainable(false);
                assertThat(TokenLogprobs.compute(fp16, call, batch).toFloatArray()).containsExactly(half);
            }
        }
        double worst = 0;
        for (int i = 0; i < full.length; i++) {
            if (mask[i] > 0) {
                worst = Math.max(worst, Math.abs(full[i] - half[i]));
            }
        }
        assertThat(worst).isGreaterThan(0).isLessThan(0.05);
    }
}
