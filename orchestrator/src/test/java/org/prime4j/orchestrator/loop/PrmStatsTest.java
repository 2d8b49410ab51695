package org.prime4j.orchestrator.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.prime4j.orchestrator.train.PrmResult;
import org.prime4j.orchestrator.train.TrainSample;

/** The online PRM diagnostics of a step, by hand, and their names in metrics.jsonl and TensorBoard. */
class PrmStatsTest {

    /** Responses of 2, 3, 4, 5 tokens, outcomes 1, 0, 0, 1. */
    private static List<TrainSample> batch() {
        List<TrainSample> out = new ArrayList<>();
        double[] outcomes = {1, 0, 0, 1};
        for (int i = 0; i < 4; i++) {
            out.add(new TrainSample(new int[] {1}, new int[2 + i], null, null, outcomes[i]));
        }
        return out;
    }

    @Test
    void ranksThePreUpdateLogitsAndLength() {
        double[] post = {9, 9, 9, 9};
        double[] pre = {0.3, 0.1, 0.2, 0.4};
        PrmResult r = new PrmResult(new double[4][], post, 0.7, 0.5, 2, 1.0, 14, pre);
        PrmStats s = PrmStats.of(r, batch());
        // correct {0.3, 0.4} vs wrong {0.1, 0.2}: every pair right
        assertThat(s.prmAuc()).isEqualTo(1.0);
        // lengths: correct {2, 5} vs wrong {3, 4}: (2,3) 0, (2,4) 0, (5,3) 1, (5,4) 1
        assertThat(s.prmLengthAuc()).isEqualTo(0.5);
        // pre vs lengths 2..5: dx = .05, -.15, -.05, .15; dy = -1.5, -.5, .5, 1.5 -> sxy = -.075 + .075 - .025 + .225 = .2,
        // sxx = .05, syy = 5
        assertThat(s.prmLogitLengthCorr()).isCloseTo(0.2 / Math.sqrt(0.05 * 5), within(1e-12));
        assertThat(s.prmLoss()).isEqualTo(0.7);
    }

    @Test
    void aStepWithOneClassHasNoAucInTheLine() {
        List<TrainSample> allWrong = new ArrayList<>();
        for (TrainSample t : batch()) {
            allWrong.add(new TrainSample(t.promptIds(), t.responseIds(), null, null, 0));
        }
        PrmStats s = PrmStats.of(new PrmResult(new double[4][], new double[] {1, 2, 3, 4}, 0.7, Double.NaN, 0,
                1.0, 14), allWrong);
        assertThat(s.prmAuc()).isNaN();
        assertThat(s.prmLogitLengthCorr()).isCloseTo(1.0, within(1e-12));
        StepMetrics m = new StepMetrics(1, 0, new RolloutStats(0.0, 4, 1, 0, 0, 0, 0, 0, 3.5, 5), 0, s,
                Spread.NONE, Spread.NONE, PolicyStats.NONE, Double.NaN, java.util.Map.of("total", 1.0));
        JsonNode line = MetricsLog.JSON.valueToTree(m);
        assertThat(line.get("prm_auc").isNull()).isTrue();
        assertThat(line.get("prm_logit_length_corr").asDouble()).isCloseTo(1.0, within(1e-12));
        assertThat(TensorBoardScalars.of(m)).containsKey("prm/logit_length_corr").doesNotContainKey("prm/auc");
    }
}
