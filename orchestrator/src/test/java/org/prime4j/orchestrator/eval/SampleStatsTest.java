package org.prime4j.orchestrator.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** pass@k and the majority vote on cases worked by hand. */
class SampleStatsTest {

    @Test
    void passAtKIsOneMinusTheChanceThatKDrawsAreAllWrong() {
        // n = k: any correct sample.
        assertEquals(0.0, SampleStats.passAtK(4, 0, 4));
        assertEquals(1.0, SampleStats.passAtK(4, 1, 4));
        assertEquals(1.0, SampleStats.passAtK(4, 4, 4));
        // k = 1: the fraction correct.
        assertEquals(0.25, SampleStats.passAtK(4, 1, 1), 1e-15);
        assertEquals(0.6, SampleStats.passAtK(5, 3, 1), 1e-15);
        // 1 - C(3,2)/C(5,2) = 1 - 3/10.
        assertEquals(0.7, SampleStats.passAtK(5, 2, 2), 1e-15);
        // 1 - C(8,3)/C(10,3) = 1 - 56/120.
        assertEquals(1 - 56.0 / 120, SampleStats.passAtK(10, 2, 3), 1e-15);
        // n - c < k: every draw of k holds a correct one.
        assertEquals(1.0, SampleStats.passAtK(10, 8, 3));
        // large n does not overflow: 1 - C(190,100)/C(200,100) = 1 - prod_{i=191..200} (1 - 100/i)
        double allWrong = 1;
        for (int i = 191; i <= 200; i++) {
            allWrong *= 1 - 100.0 / i;
        }
        assertEquals(1 - allWrong, SampleStats.passAtK(200, 10, 100), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> SampleStats.passAtK(4, 1, 5));
        assertThrows(IllegalArgumentException.class, () -> SampleStats.passAtK(4, 5, 4));
    }

    @Test
    void majorityPicksTheLargestGroupTiesToTheEarliestAndIgnoresMissingAnswers() {
        assertEquals(1, SampleStats.majority(List.of("3", "5", "5", "3", "5")));
        assertEquals(0, SampleStats.majority(List.of("3", "5", "5", "3")), "tie: the group seen first");
        assertEquals(2, SampleStats.majority(Arrays.asList(null, null, "7", "8")));
        assertEquals(1, SampleStats.majority(Arrays.asList(null, "7", null, "7", "8")));
        assertEquals(-1, SampleStats.majority(Arrays.asList(null, null)));
        assertEquals(-1, SampleStats.majority(List.of()));
    }

    @Test
    void votesGroupAnswersTheMathNormalisationMakesEqual() {
        assertEquals(EvalScoring.voteKey("\\frac12"), EvalScoring.voteKey("\\dfrac{1}{2}"));
        assertEquals(EvalScoring.voteKey("1,000"), EvalScoring.voteKey("1000"));
        assertEquals(EvalScoring.voteKey("x = 5"), EvalScoring.voteKey("5"));
        assertFalse(EvalScoring.voteKey("5").equals(EvalScoring.voteKey("6")));
    }

    @Test
    void itemFiguresFollowFromScoresAndVotes() {
        ItemResult r = new ItemResult("t/1", "Algebra", "2", List.of("a", "b", "c", "d"), new double[] {0, 1, 0, 0},
                List.of("w", "c", "w", "w"), List.of(false, false, false, true), Arrays.asList("4", "5", "4", null),
                Arrays.asList("4", "5", "4", null), 0);
        assertEquals(1, r.correct());
        assertEquals(0.25, r.passAt1());
        assertEquals(1.0, r.passAtK());
        assertFalse(r.majorityCorrect(), "the majority answer 4 is wrong");
        ItemResult s = new ItemResult("t/2", "Geometry", "2", List.of("a", "b"), new double[] {1, 1},
                List.of("c", "c"), List.of(false, false), List.of("5", "5"), List.of("5", "5"), 0);
        EvalReport report = new EvalReport(java.util.Map.of("k", 4), List.of(r, s));
        EvalReport.Figures all = report.overall();
        assertEquals((0.25 + 1.0) / 2, all.passAt1());
        assertEquals(0.5, all.majAtK());
        assertEquals(List.of("Algebra", "Geometry"), report.by(ItemResult::subject).stream()
                .map(EvalReport.Figures::group).toList());
        assertEquals(1, report.by(ItemResult::level).size());
        assertTrue(report.summaryMarkdown().contains("## By subject"));
    }
}
