package org.prime4j.orchestrator.prime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hand-computed values, and the mid-rank AUC against the O(n^2) pair count it must equal. */
class PrmDiagnosticsTest {

    @Test
    void aucCountsCorrectOverWrongPairs() {
        // correct {0.35, 0.8} vs wrong {0.1, 0.4}: 0.35 > 0.1, 0.35 < 0.4, 0.8 > both -> 3 of 4
        assertThat(PrmDiagnostics.auc(new double[] {0.1, 0.4, 0.35, 0.8}, new double[] {0, 0, 1, 1})).isEqualTo(0.75);
        // reversed scores: 1 of 4
        assertThat(PrmDiagnostics.auc(new double[] {-0.1, -0.4, -0.35, -0.8}, new double[] {0, 0, 1, 1}))
                .isEqualTo(0.25);
    }

    @Test
    void tiesCountOneHalf() {
        // correct {1, 2} vs wrong {1, 0}: (1,1) 1/2, (1,0) 1, (2,1) 1, (2,0) 1 -> 3.5 / 4
        assertThat(PrmDiagnostics.auc(new double[] {1, 1, 2, 0}, new double[] {1, 0, 1, 0})).isEqualTo(0.875);
        assertThat(PrmDiagnostics.auc(new double[] {3, 3, 3, 3, 3}, new double[] {1, 0, 0, 1, 0})).isEqualTo(0.5);
    }

    @Test
    void oneClassHasNoAuc() {
        assertThat(PrmDiagnostics.auc(new double[] {1, 2, 3}, new double[] {0, 0, 0})).isNaN();
        assertThat(PrmDiagnostics.auc(new double[] {1, 2}, new double[] {1, 1})).isNaN();
        assertThat(PrmDiagnostics.auc(new double[0], new double[0])).isNaN();
    }

    @Test
    void outcomesAtOrAboveOneHalfCountAsCorrect() {
        assertThat(PrmDiagnostics.auc(new double[] {0, 1, 2}, new double[] {0.49, 0.5, 0.9})).isEqualTo(1.0);
    }

    @Test
    void aucEqualsThePairCountOnRandomDataWithTies() {
        Random rng = new Random(5);
        for (int trial = 0; trial < 50; trial++) {
            int n = 2 + rng.nextInt(40);
            double[] s = new double[n];
            double[] o = new double[n];
            for (int i = 0; i < n; i++) {
                s[i] = rng.nextInt(6); // few distinct values: many ties
                o[i] = rng.nextInt(3) == 0 ? 1 : 0;
            }
            double right = 0;
            int pairs = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (o[i] == 1 && o[j] == 0) {
                        pairs++;
                        right += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
                    }
                }
            }
            double expected = pairs == 0 ? Double.NaN : right / pairs;
            assertThat(PrmDiagnostics.auc(s, o)).as("trial %d", trial).isCloseTo(expected, within(1e-12));
        }
    }

    @Test
    void correlationByHand() {
        // dx = -1, 0, 1; dy = -7/3, -1/3, 8/3: r = 5 / sqrt(2 * 114/9)
        assertThat(PrmDiagnostics.correlation(new double[] {1, 2, 3}, new double[] {2, 4, 7}))
                .isCloseTo(5 / Math.sqrt(2 * 114.0 / 9), within(1e-12));
        assertThat(PrmDiagnostics.correlation(new double[] {1, 2, 3}, new double[] {6, 4, 2})).isCloseTo(-1, within(1e-12));
        assertThat(PrmDiagnostics.correlation(new double[] {1, 2, 3}, new double[] {5, 5, 5})).isNaN();
        assertThat(PrmDiagnostics.correlation(new double[] {1}, new double[] {2})).isNaN();
    }

    @Test
    void brierAndPairwiseByHand() {
        // p = 0.5 and 0.75 against 1, 1: (0.25 + 0.0625) / 2
        assertThat(PrmDiagnostics.brier(new double[] {0, Math.log(3)}, new double[] {1, 1})).isCloseTo(0.15625, within(1e-12));
        // group 1: 1 beats 0 (right); group 2: 0.9 < 0.1's score (wrong); group 3: one class, no pair
        double[] scores = {2, 1, 0, 5, 7, 8};
        double[] outcomes = {1, 0, 1, 0, 1, 1};
        assertThat(PrmDiagnostics.pairwiseAccuracy(scores, outcomes, 2)).isEqualTo(0.5);
        assertThat(PrmDiagnostics.pairwiseAccuracy(new double[] {1, 1}, new double[] {1, 1}, 2)).isNaN();
        assertThatThrownBy(() -> PrmDiagnostics.pairwiseAccuracy(scores, outcomes, 4)).hasMessageContaining("groups of 4");
    }

    @Test
    void mismatchedLengthsAreRefused() {
        assertThatThrownBy(() -> PrmDiagnostics.auc(new double[] {1}, new double[] {1, 0})).hasMessageContaining("1 scores for 2");
        assertThatThrownBy(() -> PrmDiagnostics.auc(new double[] {Double.NaN, 1}, new double[] {1, 0}))
                .hasMessageContaining("score 0 is NaN");
    }
}
