package org.prime4j.model.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.prime4j.model.generate.Completion;
import org.prime4j.model.generate.Generator;
import org.prime4j.model.generate.SamplingParams;
import org.prime4j.model.score.Scorer;
import org.prime4j.model.score.SequenceScores;
import org.prime4j.model.score.TokenLogprobs;

/**
 * The Java model against an independent PyTorch implementation (model/src/test/python/gen_model_fixtures.py):
 * random tiny Qwen2 / Qwen3 / Llama checkpoints covering GQA, MQA and MHA, q/k/v and MLP biases, tied and untied
 * heads, a head_dim that is not hidden/heads, Qwen3's per-head q/k RMSNorm, Llama 3.1's llama3 rope scaling, F32
 * and BF16 storage. Expected values come from one left-padded batch. The generator checks that the Qwen3 and
 * Llama 3.1 fixtures' logits move by far more than the tolerance without their family's feature.
 */
class OracleFixturesTest {

    static final double TOLERANCE = 1e-4;

    record Fixture(CausalLM model, JsonNode expected, List<int[]> sequences) {}

    static Fixture load(String name) throws Exception {
        Path dir = Path.of(OracleFixturesTest.class.getResource("/fixtures/" + name).toURI());
        JsonNode expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        return new Fixture(CausalLM.load(dir), expected, ints(expected.get("sequences")));
    }

    static List<int[]> ints(JsonNode rows) {
        List<int[]> out = new ArrayList<>();
        for (JsonNode row : rows) {
            int[] a = new int[row.size()];
            for (int i = 0; i < a.length; i++) {
                a[i] = row.get(i).asInt();
            }
            out.add(a);
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen2-gqa-tied-f32", "qwen2-mha-untied-bf16", "llama-mqa-untied-bf16",
        "llama-bias-headdim-f32", "qwen3-gqa-headdim-tied-f32", "qwen3-mha-bias-untied-bf16",
        "llama31-rope-scaling-f32", "llama31-rope-scaling-bf16"})
    void logitsAndLogprobsOfALeftPaddedBatchMatchPyTorch(String name) throws Exception {
        Fixture f = load(name);
        try (CausalLM model = f.model(); NDManager call = model.manager().newSubManager()) {
            PaddedBatch batch = PaddedBatch.leftPad(f.sequences(), 0);
            float[] logits = model.logits(call, batch).toFloatArray();
            NDArray lpArray = TokenLogprobs.compute(model, call, batch);
            float[] lp = lpArray.toFloatArray();
            int v = model.config().vocabSize();
            int w = batch.width();
            double worstLogit = 0;
            double worstLp = 0;
            List<SequenceScores> served = Scorer.score(model, f.sequences(), 0);
            for (int r = 0; r < batch.rows(); r++) {
                JsonNode rowLogits = f.expected().get("logits").get(r);
                JsonNode rowLp = f.expected().get("logprobs").get(r);
                int start = batch.start(r);
                for (int j = 0; j < rowLogits.size(); j++) {
                    for (int k = 0; k < v; k++) {
                        double diff = Math.abs(logits[(r * w + start + j) * v + k] - rowLogits.get(j).get(k).asDouble());
                        worstLogit = Math.max(worstLogit, diff);
                    }
                }
                assertThat(served.get(r).length()).isEqualTo(rowLp.size());
                for (int j = 0; j < rowLp.size(); j++) {
                    double want = rowLp.get(j).asDouble();
                    worstLp = Math.max(worstLp, Math.abs(lp[r * (w - 1) + start + j] - want));
                    worstLp = Math.max(worstLp, Math.abs(served.get(r).logprobs()[j] - want));
                }
            }
            System.out.printf("oracle %s: max |logit - torch| %.3g, max |logprob - torch| %.3g%n", name,
                    worstLogit, worstLp);
            assertThat(worstLogit).as("max |logit - torch|").isLessThan(TOLERANCE);
            assertThat(worstLp).as("max |logprob - torch|").isLessThan(TOLERANCE);
            // The mask marks exactly the entries compared above.
            float[] mask = TokenLogprobs.targetMask(call, batch).toFloatArray();
            double real = 0;
            for (float m : mask) {
                real += m;
            }
            int expectedReal = 0;
            for (int[] s : f.sequences()) {
                expectedReal += s.length - 1;
            }
            assertThat(real).isEqualTo(expectedReal);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen2-gqa-tied-f32", "llama-mqa-untied-bf16", "llama-bias-headdim-f32",
        "qwen3-gqa-headdim-tied-f32", "qwen3-mha-bias-untied-bf16", "llama31-rope-scaling-f32"})
    void batchedGreedyGenerationWithTheKvCacheMatchesPyTorchGreedy(String name) throws Exception {
        Fixture f = load(name);
        try (CausalLM model = f.model()) {
            List<int[]> prompts = ints(f.expected().get("greedy_prompts"));
            int n = f.expected().get("greedy_new_tokens").asInt();
            List<Generator.Request> reqs = new ArrayList<>();
            for (int[] p : prompts) {
                reqs.add(new Generator.Request(p, SamplingParams.greedy(n).withIgnoreEos(true)));
            }
            List<Completion> out = Generator.generate(model, reqs, null);
            List<int[]> want = ints(f.expected().get("greedy"));
            for (int i = 0; i < prompts.size(); i++) {
                assertThat(out.get(i).tokenIds()).as("%s prompt %d", name, i).containsExactly(want.get(i));
            }
        }
    }
}
