package org.prime4j.model.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.prime4j.model.config.ModelConfig;
import org.prime4j.model.io.HostTensor;
import org.prime4j.model.lora.LoraAdapter;
import org.prime4j.model.lora.LoraConfig;
import org.prime4j.model.nn.CausalLM;

/**
 * Decoding fuses q|k|v and gate|up into one projection each when no adapter is installed. A LoRA adapter with
 * B = 0 adds nothing but forces the separate projections, so the two paths must decode identically; the config
 * carries q/k/v and MLP biases and a head dim that is not hidden / heads, so every fused piece is exercised;
 * the Qwen3 config adds per-head q/k norms (random weights, so that a swapped or misaligned norm shows).
 */
class FusedDecodingTest {

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen3"})
    void fusedProjectionsDecodeLikeTheSeparateOnes(String family) {
        ModelConfig config = family.equals("llama")
                ? new ModelConfig(ModelConfig.Architecture.LLAMA, 32, 72, 2, 4, 2, 12, 1e-6, 10000.0, 48, 256, false,
                        true, true, -1, List.of(), "float32")
                : new ModelConfig(ModelConfig.Architecture.QWEN3, 32, 72, 2, 4, 2, 12, 1e-6, 10000.0, 48, 256, false,
                        true, false, -1, List.of(), "float32");
        int[][] prompts = {{5, 17, 3, 22, 9, 1, 30}, {12}, {4, 4, 8}};
        List<Generator.Request> reqs = new ArrayList<>();
        for (int i = 0; i < prompts.length; i++) {
            reqs.add(new Generator.Request(prompts[i], SamplingParams.greedy(10).withIgnoreEos(true)));
            reqs.add(new Generator.Request(prompts[i], SamplingParams.sample(0.8, 0.9, 20, 7 + i, 10)
                    .withIgnoreEos(true)));
        }
        try (CausalLM model = CausalLM.random(config, 11, 0.5)) {
            // Random models start with zero biases and unit q/k norms; give them values so that a dropped bias or a
            // misplaced norm shows.
            Map<String, HostTensor> host = new LinkedHashMap<>(model.toHost());
            Random rng = new Random(5);
            host.replaceAll((name, t) -> {
                boolean qkNorm = name.endsWith("q_norm.weight") || name.endsWith("k_norm.weight");
                if (!name.endsWith(".bias") && !qkNorm) {
                    return t;
                }
                float[] b = new float[t.toFloatArray().length];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (float) (qkNorm ? 1 + 0.5 * rng.nextGaussian() : rng.nextGaussian());
                }
                return HostTensor.ofFloats(name, t.shape(), b);
            });
            model.loadHost(host);
            List<Completion> fused = Generator.generate(model, reqs, null);
            List<Completion> separate;
            LoraConfig all = new LoraConfig(2, 4, List.of("q_proj", "k_proj", "v_proj", "gate_proj", "up_proj"),
                    0.0, "tiny");
            try (LoraAdapter zero = LoraAdapter.create(model, all, 3)) {
                model.setAdapter(zero);
                separate = Generator.generate(model, reqs, null);
            } finally {
                model.setAdapter(null);
            }
            for (int r = 0; r < reqs.size(); r++) {
                assertThat(fused.get(r).tokenIds()).as("request %d", r).containsExactly(separate.get(r).tokenIds());
                for (int i = 0; i < fused.get(r).logprobs().length; i++) {
                    assertThat((double) fused.get(r).logprobs()[i]).as("request %d token %d", r, i)
                            .isCloseTo(separate.get(r).logprobs()[i], within(1e-4));
                }
            }
        }
    }
}
