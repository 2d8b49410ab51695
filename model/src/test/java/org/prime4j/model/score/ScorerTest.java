package org.prime4j.model.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.prime4j.model.config.ModelConfig;
import org.prime4j.model.nn.CausalLM;

class ScorerTest {

    static CausalLM model;

    @BeforeAll
    static void init() {
        model = CausalLM.random(ModelConfig.tiny(ModelConfig.Architecture.QWEN2, 32, 2, 4, 2, 50), 7, 0.3);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void aSequenceScoresTheSameAloneAndInALeftPaddedBatch() {
        int[] a = {3, 9, 4, 11, 7, 2};
        int[] b = {5, 1};
        SequenceScores alone = Scorer.score(model, List.of(b), 0).get(0);
        List<SequenceScores> batched = Scorer.score(model, List.of(a, b), 0);
        assertThat(batched.get(1).length()).isEqualTo(1);
        assertThat(batched.get(0).length()).isEqualTo(5);
        assertThat((double) batched.get(1).logprobs()[0]).isCloseTo(alone.logprobs()[0], within(1e-5));
    }

    @Test
    void ranksAndTopKAreConsistentWithTheActualLogprobs() {
        int[] s = {3, 9, 4, 11, 7, 2, 40, 41};
        SequenceScores sc = Scorer.score(model, List.of(s), 5).get(0);
        for (int j = 0; j < sc.length(); j++) {
            float[] top = sc.topLogprobs()[j];
            for (int k = 1; k < top.length; k++) {
                assertThat(top[k]).isLessThanOrEqualTo(top[k - 1]);
            }
            int rank = sc.ranks()[j];
            assertThat(rank).isBetween(1, 50);
            if (rank <= 5) {
                assertThat(sc.topIds()[j][rank - 1]).isEqualTo(s[j + 1]);
                assertThat((double) top[rank - 1]).isCloseTo(sc.logprobs()[j], within(1e-6));
            } else {
                assertThat(sc.logprobs()[j]).isLessThanOrEqualTo(top[4]);
            }
        }
    }

    @Test
    void rejectsEmptySequencesByIndex() {
        assertThatThrownBy(() -> Scorer.score(model, List.of(new int[] {1}, new int[0]), 0))
                .hasMessageContaining("sequence 1 is empty");
    }
}
