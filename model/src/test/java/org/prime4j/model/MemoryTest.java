package org.prime4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.prime4j.model.config.ModelConfig;
import org.prime4j.model.generate.Generator;
import org.prime4j.model.generate.SamplingParams;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.nn.PaddedBatch;
import org.prime4j.model.score.Scorer;
import org.prime4j.model.score.TokenLogprobs;
import org.prime4j.model.train.AdamW;

/** Repeated calls must leave no NDArray behind on the model's manager (or its live sub-managers). */
class MemoryTest {

    static int live(CausalLM model) {
        return model.manager().getManagedArrays().size();
    }

    @Test
    void thousandScoringAndGenerationCallsLeaveNoLiveArrays() {
        // 500 scoring + 500 generation calls; a single leaked wrapper per call would show as +500.
        try (CausalLM model = CausalLM.random(ModelConfig.tiny(ModelConfig.Architecture.QWEN2, 16, 1, 2, 1, 32),
                1, 0.2)) {
            List<int[]> seqs = List.of(new int[] {1, 2, 3, 4}, new int[] {5, 6});
            List<Generator.Request> reqs = List.of(
                    new Generator.Request(new int[] {1, 2, 3}, SamplingParams.sample(1, 0.9, 5, 3L, 2)),
                    new Generator.Request(new int[] {4}, SamplingParams.greedy(2).withLogprobs(2)));
            Scorer.score(model, seqs, 2);
            Generator.generate(model, reqs, null);
            int before = live(model);
            for (int i = 0; i < 1000; i++) {
                if (i % 2 == 0) {
                    Scorer.score(model, seqs, 2);
                } else {
                    Generator.generate(model, reqs, null);
                }
            }
            assertThat(live(model)).isEqualTo(before);
        }
    }

    @Test
    void repeatedTrainingStepsLeaveNoLiveArrays() {
        try (CausalLM model = CausalLM.random(ModelConfig.tiny(ModelConfig.Architecture.LLAMA, 16, 1, 2, 1, 32),
                2, 0.2)) {
            model.setTrainable(true);
            AdamW opt = new AdamW(model.manager(), model.parameters(), AdamW.Settings.of(1e-3, 0.01));
            PaddedBatch batch = PaddedBatch.leftPad(List.of(new int[] {1, 2, 3, 4}, new int[] {5, 6}), 0);
            Runnable step = () -> {
                for (int micro = 0; micro < 2; micro++) {
                    try (NDManager call = model.manager().newSubManager();
                         GradientCollector gc = DjlRuntime.pytorch().newGradientCollector()) {
                        NDArray lp = TokenLogprobs.compute(model, call, batch);
                        gc.backward(lp.mul(TokenLogprobs.targetMask(call, batch)).sum().neg());
                    }
                }
                opt.clipAndStep(0.5, 1.0);
            };
            step.run();
            int before = live(model);
            for (int i = 0; i < 50; i++) {
                step.run();
            }
            assertThat(live(model)).isEqualTo(before);
            opt.close();
        }
    }
}
