package org.prime4j.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.prime4j.orchestrator.arithmetic.ArithmeticChain;
import org.prime4j.orchestrator.train.TrainSample;

/** The probe's held-out scores on a hand-made split of one arithmetic prompt, k = 4, one token per character. */
class ProbeScoresTest {

    private static final String RIGHT = "47+18=65\n65-25=40\n\\boxed{40}";
    private static final String WRONG_FIRST = "47+18=64\n64-25=39\n\\boxed{39}";
    private static final String WRONG_SECOND = "47+18=65\n65-25=41\n\\boxed{41}";

    private static ProbeSamples split(String... responses) {
        List<TrainSample> samples = new ArrayList<>();
        List<List<String>> tokens = new ArrayList<>();
        for (String r : responses) {
            List<String> t = new ArrayList<>();
            for (char c : r.toCharArray()) {
                t.add(String.valueOf(c));
            }
            tokens.add(t);
            samples.add(new TrainSample(new int[] {1}, new int[t.size()], null, new float[t.size()],
                    r.equals(RIGHT) ? 1 : 0));
        }
        return new ProbeSamples(samples, tokens,
                List.of(ArithmeticChain.referenceLines("What is 47+18-25?\n")), responses.length);
    }

    /** q = -1 on the tokens of line {@code low}, 0 elsewhere, plus {@code bias} on every token. */
    private static double[] q(String response, int low, double bias) {
        int[] lines = ArithmeticChain.tokenLines(charTokens(response), 3);
        double[] q = new double[lines.length];
        for (int t = 0; t < q.length; t++) {
            q[t] = (lines[t] == low ? -1 : 0) + bias;
        }
        return q;
    }

    private static List<String> charTokens(String s) {
        List<String> t = new ArrayList<>();
        for (char c : s.toCharArray()) {
            t.add(String.valueOf(c));
        }
        return t;
    }

    @Test
    void scoresByHand() {
        ProbeSamples data = split(RIGHT, WRONG_FIRST, WRONG_SECOND, RIGHT);
        // the right answers get no low line (bias +0.1/token), the wrong ones -1 on their first wrong line
        double[][] q = {q(RIGHT, -1, 0.1), q(WRONG_FIRST, 0, 0), q(WRONG_SECOND, 2, 0), q(RIGHT, -1, 0.1)};
        ProbeScores s = ProbeScores.of(data, q, 1.0);
        assertThat(s.auc()).isEqualTo(1.0);
        // every response has 28 characters: length separates nothing
        assertThat(s.lengthAuc()).isEqualTo(0.5);
        assertThat(s.pairwiseAccuracy()).isEqualTo(1.0);
        assertThat(s.firstWrong()).isEqualTo(2);
        // WRONG_FIRST: line 0 is lowest and first wrong; WRONG_SECOND: line 2 is lowest, line 1 first wrong
        assertThat(s.lowestIsFirstWrong()).isEqualTo(0.5);
        assertThat(s.lowestMeanIsFirstWrong()).isEqualTo(0.5);
        assertThat(s.chance()).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(s.positional()).isEqualTo(0.5);
        // logits: 2.8, -9 (line 0 has 9 characters), -10 (line 2 has 10), 2.8
        double brier = 2 * Math.pow(1 / (1 + Math.exp(-2.8)) - 1, 2) + Math.pow(1 / (1 + Math.exp(9)), 2)
                + Math.pow(1 / (1 + Math.exp(10)), 2);
        assertThat(s.brier()).isCloseTo(brier / 4, within(1e-12));
    }

    @Test
    void anUntrainedPrmScoresChanceOnTheLines() {
        ProbeSamples data = split(RIGHT, WRONG_FIRST, WRONG_SECOND, RIGHT);
        double[][] q = {new double[28], new double[28], new double[28], new double[28]};
        ProbeScores s = ProbeScores.of(data, q, 0.05);
        assertThat(s.auc()).isEqualTo(0.5);
        assertThat(s.lowestIsFirstWrong()).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(s.loss()).isCloseTo(Math.log(2), within(1e-12));
        assertThat(s.logitLengthCorr()).isNaN();
    }
}
