package org.prime4j.model.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.prime4j.model.config.ModelConfig;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.nn.PaddedBatch;

class GeneratorTest {

    static CausalLM model;
    static final int VOCAB = 40;

    @BeforeAll
    static void init() {
        model = CausalLM.random(ModelConfig.tiny(ModelConfig.Architecture.LLAMA, 32, 2, 4, 2, VOCAB), 3, 0.5);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** Greedy decoding the slow way: a full cache-free forward pass over the whole sequence per token. */
    static int[] greedyByFullForward(int[] prompt, int n) {
        List<Integer> seq = Arrays.stream(prompt).boxed().collect(Collectors.toCollection(ArrayList::new));
        for (int i = 0; i < n; i++) {
            int[] ids = seq.stream().mapToInt(Integer::intValue).toArray();
            try (NDManager m = model.manager().newSubManager()) {
                NDArray logits = model.logits(m, PaddedBatch.leftPad(List.of(ids), 0));
                float[] last = logits.get(0).get(ids.length - 1).toFloatArray();
                int best = 0;
                for (int v = 1; v < last.length; v++) {
                    if (last[v] > last[best]) {
                        best = v;
                    }
                }
                seq.add(best);
            }
        }
        return seq.subList(prompt.length, seq.size()).stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void greedyWithTheKvCacheEqualsGreedyByRepeatedFullForwardPasses() {
        int[][] prompts = {{5, 17, 3, 22, 9, 1, 30}, {12}, {4, 4, 8}};
        List<Generator.Request> reqs = new ArrayList<>();
        for (int[] p : prompts) {
            reqs.add(new Generator.Request(p, SamplingParams.greedy(12).withIgnoreEos(true)));
        }
        List<Completion> out = Generator.generate(model, reqs, null);
        for (int i = 0; i < prompts.length; i++) {
            assertThat(out.get(i).tokenIds()).as("prompt %d", i).containsExactly(greedyByFullForward(prompts[i], 12));
            assertThat(out.get(i).finishReason()).isEqualTo(Completion.FinishReason.LENGTH);
        }
    }

    @Test
    void seededSamplingIsReproducibleAndIndependentOfTheRestOfTheBatch() {
        SamplingParams p = SamplingParams.sample(1.0, 0.9, 20, 1234L, 10).withIgnoreEos(true);
        int[] prompt = {3, 8, 2};
        Completion alone = Generator.generate(model, List.of(new Generator.Request(prompt, p)), null).get(0);
        Completion again = Generator.generate(model, List.of(new Generator.Request(prompt, p)), null).get(0);
        List<Completion> mixed = Generator.generate(model, List.of(
                new Generator.Request(new int[] {1, 2, 3, 4, 5, 6, 7, 8}, SamplingParams.sample(0.7, 1, -1, 9L, 4)),
                new Generator.Request(prompt, p)), null);
        assertThat(again.tokenIds()).containsExactly(alone.tokenIds());
        assertThat(mixed.get(1).tokenIds()).containsExactly(alone.tokenIds());
        for (int i = 0; i < alone.logprobs().length; i++) {
            assertThat((double) mixed.get(1).logprobs()[i]).isCloseTo(alone.logprobs()[i], within(1e-4));
        }
        Completion other = Generator.generate(model,
                List.of(new Generator.Request(prompt, SamplingParams.sample(1.0, 0.9, 20, 4321L, 10)
                        .withIgnoreEos(true))), null).get(0);
        assertThat(other.tokenIds()).isNotEqualTo(alone.tokenIds());
    }

    @Test
    void topKLimitsTheSupportAndProcessedLogprobsAreRenormalizedOverIt() {
        SamplingParams p = SamplingParams.sample(1.5, 1.0, 3, 77L, 30).withIgnoreEos(true).withLogprobs(5);
        Completion c = Generator.generate(model, List.of(new Generator.Request(new int[] {6, 1}, p)), null).get(0);
        for (int i = 0; i < c.tokenIds().length; i++) {
            float[] top = c.topLogprobs()[i];
            double mass = Math.exp(top[0]) + Math.exp(top[1]) + Math.exp(top[2]);
            assertThat(mass).isCloseTo(1.0, within(1e-5));
            assertThat(top[3]).isEqualTo(Float.NEGATIVE_INFINITY);
            assertThat(Arrays.stream(c.topIds()[i]).limit(3).boxed().toList()).contains(c.tokenIds()[i]);
        }
    }

    @Test
    void stopTokensAndStopStringsEndASequenceWithFinishReasonStop() {
        int[] prompt = {5, 17, 3};
        int[] free = Generator.generate(model, List.of(new Generator.Request(prompt,
                SamplingParams.greedy(8).withIgnoreEos(true))), null).get(0).tokenIds();
        int stopAt = free[2];
        Completion byToken = Generator.generate(model, List.of(new Generator.Request(prompt,
                SamplingParams.greedy(8).withIgnoreEos(true).withStops(Set.of(stopAt), List.of()))), null).get(0);
        int first = 0;
        while (free[first] != stopAt) {
            first++;
        }
        assertThat(byToken.tokenIds()).containsExactly(Arrays.copyOf(free, first + 1));
        assertThat(byToken.finishReason()).isEqualTo(Completion.FinishReason.STOP);
        assertThat(byToken.stopReason()).isEqualTo(stopAt);

        // A toy detokenizer: token t renders as "<t>", so the stop string spans the 2nd and 3rd tokens.
        String stop = free[1] + "><" + free[2];
        Completion byString = Generator.generate(model, List.of(new Generator.Request(prompt,
                SamplingParams.greedy(8).withIgnoreEos(true).withStops(Set.of(), List.of(stop)))),
                ids -> Arrays.stream(ids).mapToObj(t -> "<" + t + ">").collect(Collectors.joining())).get(0);
        assertThat(byString.tokenIds()).containsExactly(free[0], free[1], free[2]);
        assertThat(byString.stopReason()).isEqualTo(stop);
    }

    @Test
    void badInputIsRejectedWithTheFieldName() {
        assertThatThrownBy(() -> SamplingParams.sample(-1, 1, -1, 1, 4)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> SamplingParams.sample(1, 0, -1, 1, 4)).hasMessageContaining("top_p");
        assertThatThrownBy(() -> Generator.generate(model,
                List.of(new Generator.Request(new int[] {VOCAB}, SamplingParams.greedy(2))), null))
                .hasMessageContaining("request 0").hasMessageContaining("outside the vocabulary");
    }
}
