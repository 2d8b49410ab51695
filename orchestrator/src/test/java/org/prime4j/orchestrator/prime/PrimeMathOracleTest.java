package org.prime4j.orchestrator.prime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.prime4j.orchestrator.settings.FieldError;

/** PRIME's reward and advantage math against fixtures from an independent PyTorch implementation. */
class PrimeMathOracleTest {

    private static final double TOL = 1e-9;

    static Stream<JsonNode> cases() throws IOException {
        try (InputStream in = PrimeMathOracleTest.class.getResourceAsStream("/fixtures/prime_advantages.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            List<JsonNode> cases = new ArrayList<>();
            root.get("cases").forEach(cases::add);
            return cases.stream();
        }
    }

    @ParameterizedTest(name = "{index}")
    @MethodSource("cases")
    void rewardsAndAdvantagesMatchTorch(JsonNode c) {
        int k = c.get("k").asInt();
        double beta = c.get("beta").asDouble();
        JsonNode e = c.get("expected");
        float[][] prm = floats(c.get("prm_logprobs"));
        float[][] ref = floats(c.get("ref_logprobs"));
        double[] outcomes = doubles(c.get("outcomes"));
        int[] lengths = new int[prm.length];
        for (int i = 0; i < prm.length; i++) {
            lengths[i] = prm[i].length;
        }
        RewardNorm norm = c.get("reward_norm").asText().equals("batch_norm") ? RewardNorm.BATCH_NORM : RewardNorm.NONE;

        double[][] q = ImplicitPrm.logRatios(prm, ref);
        // Fixture inputs are float64 rounded to float32 by the JSON->float path; compare q loosely, then
        // feed the fixture's own float64 rewards downstream so the rest is compared tightly.
        assertClose(q, ragged(e.get("q")), 1e-6);
        double[][] r = ragged(e.get("rewards"));
        assertClose(ImplicitPrm.processRewards(ragged(e.get("q")), beta), r, TOL);
        assertClose(norm.apply(r), ragged(e.get("normalized_rewards")), TOL);
        assertClose(RlooAdvantage.process(ragged(e.get("normalized_rewards")), k), ragged(e.get("rloo_process")), TOL);
        assertClose(RlooAdvantage.outcome(outcomes, lengths, k), ragged(e.get("rloo_outcome")), TOL);

        AdvantageConfig prime = new AdvantageConfig(AdvantageEstimator.PRIME_RLOO,
                c.get("process_coef").asDouble(), c.get("outcome_coef").asDouble(), c.get("gamma").asDouble(), norm);
        assertClose(AdvantageEstimator.advantages(prime, r, outcomes, lengths, k),
                ragged(e.get("advantages_prime")), 1e-8);

        AdvantageConfig response = new AdvantageConfig(AdvantageEstimator.PRIME_RLOO,
                c.get("process_coef").asDouble(), c.get("outcome_coef").asDouble(), c.get("gamma").asDouble(), norm,
                ProcessReward.RESPONSE);
        assertClose(AdvantageEstimator.advantages(response, r, outcomes, lengths, k),
                ragged(e.get("advantages_prime_response")), 1e-8);

        AdvantageConfig outcomeOnly = new AdvantageConfig(AdvantageEstimator.PRIME_RLOO, 0.0,
                c.get("outcome_coef").asDouble(), c.get("gamma").asDouble(), norm);
        assertClose(AdvantageEstimator.advantages(outcomeOnly, null, outcomes, lengths, k),
                ragged(e.get("advantages_outcome_only")), 1e-8);

        AdvantageConfig grpo = new AdvantageConfig(AdvantageEstimator.GRPO, 0.0, 1.0, 1.0, norm);
        assertClose(AdvantageEstimator.advantages(grpo, null, outcomes, lengths, k), ragged(e.get("advantages_grpo")), TOL);
        AdvantageConfig reinforce = new AdvantageConfig(AdvantageEstimator.REINFORCE_BASELINE, 0.0, 1.0, 1.0, norm);
        assertClose(AdvantageEstimator.advantages(reinforce, null, outcomes, lengths, k),
                ragged(e.get("advantages_reinforce")), TOL);

        double[][] qExact = ragged(e.get("q"));
        for (int i = 0; i < qExact.length; i++) {
            double logit = ImplicitPrm.outcomeLogit(qExact[i], beta);
            assertThat(logit).isCloseTo(e.get("prm_logits").get(i).asDouble(), within(TOL));
            assertThat(ImplicitPrm.bceWithLogits(logit, outcomes[i]))
                    .isCloseTo(e.get("prm_bce").get(i).asDouble(), within(TOL));
        }

        boolean[] keep = AccuracyFilter.PAPER.keep(outcomes, k);
        for (int g = 0; g < keep.length; g++) {
            assertThat(keep[g]).as("group %d", g).isEqualTo(e.get("filter_keep").get(g).asBoolean());
        }
    }

    @Test
    void rlooOutcomeIsOutcomeMinusMeanOfTheOthers() {
        double[][] a = RlooAdvantage.outcome(new double[] {1, 0, 0, 1}, new int[] {3, 1, 2, 2}, 4);
        assertThat(a[0]).containsExactly(new double[] {0, 0, 1 - 1.0 / 3}, within(1e-15));
        assertThat(a[1]).containsExactly(new double[] {0 - 2.0 / 3}, within(1e-15));
        assertThat(a[3][1]).isCloseTo(1 - 1.0 / 3, within(1e-15));
    }

    @Test
    void badShapesAreRejectedWithTheirSizes() {
        assertThatThrownBy(() -> RlooAdvantage.process(new double[3][2], 2)).hasMessageContaining("groups of 2");
        assertThatThrownBy(() -> RlooAdvantage.process(new double[4][2], 1)).hasMessageContaining("at least 2");
        assertThatThrownBy(() -> ImplicitPrm.logRatios(new float[][] {{1, 2}}, new float[][] {{1}}))
                .hasMessageContaining("response 0");
        assertThatThrownBy(() -> new AccuracyFilter(0.9, 0.1))
                .isInstanceOfSatisfying(FieldError.class, e -> assertThat(e.field()).isEqualTo("upper"))
                .hasMessageContaining(">= lower (0.9)");
        assertThatThrownBy(() -> new AdvantageConfig(AdvantageEstimator.GRPO, 1.0, 1.0, 1.5, RewardNorm.NONE))
                .isInstanceOfSatisfying(FieldError.class, e -> assertThat(e.field()).isEqualTo("gamma"));
    }

    private static void assertClose(double[][] actual, double[][] expected, double tol) {
        assertThat(actual.length).isEqualTo(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i].length).as("row %d length", i).isEqualTo(expected[i].length);
            for (int t = 0; t < expected[i].length; t++) {
                assertThat(actual[i][t]).as("[%d][%d]", i, t).isCloseTo(expected[i][t], within(tol));
            }
        }
    }

    private static double[][] ragged(JsonNode n) {
        double[][] out = new double[n.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = doubles(n.get(i));
        }
        return out;
    }

    private static float[][] floats(JsonNode n) {
        float[][] out = new float[n.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new float[n.get(i).size()];
            for (int t = 0; t < out[i].length; t++) {
                out[i][t] = (float) n.get(i).get(t).asDouble();
            }
        }
        return out;
    }

    private static double[] doubles(JsonNode n) {
        double[] out = new double[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = n.get(i).asDouble();
        }
        return out;
    }
}
