package org.prime4j.orchestrator.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.prime4j.model.io.HostTensor;
import org.prime4j.model.nn.CausalLM;

/**
 * One PRM step and two PPO updates against an independent PyTorch implementation
 * (src/test/python/gen_trainer_fixtures.py): torch takes each gradient over the whole (mini-)batch at once,
 * Java accumulates left-padded micro-batches; both clip by global norm and step torch.optim.AdamW's numerics.
 */
class TrainerOracleTest {

    static final double TOL = 1e-5;
    /**
     * Weights after AdamW steps, and log-probs of the updated model: Adam divides each gradient by its own
     * magnitude, so FP32 rounding of small gradients (different accumulation order: whole batch in torch,
     * micro-batches here) shows up as ~1e-5 of the weights; observed up to 2.8e-5 after two steps of lr 0.02,
     * i.e. 0.15% of one step. {@link #assertWeights} also checks the weights moved by far more than this.
     */
    static final double UPDATED_TOL = 5e-5;
    static final ObjectMapper JSON = new ObjectMapper();

    static Path dir() throws Exception {
        return Path.of(TrainerOracleTest.class.getResource("/fixtures/trainer").toURI());
    }

    static JsonNode fixture() throws Exception {
        return JSON.readTree(dir().resolve("expected.json").toFile());
    }

    static List<TrainSample> samples(JsonNode fx, JsonNode server) {
        List<TrainSample> out = new ArrayList<>();
        int i = 0;
        for (JsonNode s : fx.get("samples")) {
            out.add(new TrainSample(JSON.convertValue(s.get("prompt"), int[].class),
                    JSON.convertValue(s.get("response"), int[].class),
                    server == null ? null : JSON.convertValue(server.get(i), float[].class),
                    JSON.convertValue(s.get("ref"), float[].class), s.get("outcome").asDouble()));
            i++;
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"after", "before"})
    void prmStepMatchesTorch(String mode) throws Exception {
        JsonNode fx = fixture();
        JsonNode e = fx.get("prm");
        PrmSettings s = new PrmSettings(e.get("lr").asDouble(), e.get("beta").asDouble(), PrmUpdate.parse(mode),
                e.get("micro_batch_size").asInt(), e.get("max_grad_norm").asDouble(),
                e.get("weight_decay").asDouble());
        try (CausalLM m = CausalLM.load(dir()); PrmTrainer prm = new PrmTrainer(m, s)) {
            Map<String, HostTensor> start = m.toHost();
            PrmResult r = prm.step(samples(fx, null), fx.get("group_size").asInt());
            assertThat(r.loss()).isCloseTo(e.get("loss").asDouble(), within(TOL));
            assertThat(r.gradNorm()).isCloseTo(e.get("grad_norm").asDouble(), within(1e-4));
            assertRows(r.q(), e.get(mode.equals("after") ? "q_pre" : "q_post"),
                    mode.equals("after") ? TOL : UPDATED_TOL, "q");
            assertThat(r.pairs()).isEqualTo(e.get("pairs").asInt());
            if (mode.equals("after")) {
                assertThat(r.pairwiseAccuracy()).isEqualTo(e.get("pairwise_accuracy").asDouble());
                for (int i = 0; i < r.outcomeLogits().length; i++) {
                    assertThat(r.outcomeLogits()[i]).isCloseTo(e.get("logits_pre").get(i).asDouble(), within(TOL));
                }
            }
            assertWeights(m, start, e.get("after"));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void ppoUpdateMatchesTorch(int which) throws Exception {
        JsonNode fx = fixture();
        JsonNode c = fx.get("ppo").get(which);
        JsonNode e = c.get("expected");
        PolicySettings s = new PolicySettings(c.get("lr").asDouble(), c.get("clip_eps").asDouble(),
                c.get("mini_batch_size").asInt(), c.get("micro_batch_size").asInt(), 1,
                c.get("max_grad_norm").asDouble(), OldLogprobs.parse(c.get("old_logprobs").asText()),
                c.get("kl_coef").asDouble(), c.get("entropy_coef").asDouble(), c.get("weight_decay").asDouble());
        List<TrainSample> batch = samples(fx, c.get("server_logprobs"));
        double[][] adv = JSON.convertValue(c.get("advantages"), double[][].class);
        try (CausalLM m = CausalLM.load(dir()); PolicyTrainer ppo = new PolicyTrainer(m, s)) {
            Map<String, HostTensor> start = m.toHost();
            PolicyResult r = ppo.update(batch, adv);
            assertThat(r.steps()).isEqualTo(2);
            for (int k = 0; k < 2; k++) {
                assertThat(r.stepLosses()[k]).isCloseTo(e.get("step_losses").get(k).asDouble(), within(TOL));
                assertThat(r.stepGradNorms()[k]).isCloseTo(e.get("step_grad_norms").get(k).asDouble(),
                        within(1e-4));
            }
            assertThat(r.loss()).isCloseTo(e.get("loss").asDouble(), within(TOL));
            assertThat(r.clipFraction()).isCloseTo(e.get("clip_fraction").asDouble(), within(1e-9));
            assertThat(r.clipFraction()).isPositive();
            assertThat(r.approxKl()).isCloseTo(e.get("approx_kl").asDouble(), within(TOL));
            assertThat(r.entropy()).isCloseTo(e.get("entropy").asDouble(), within(TOL));
            assertThat(r.kl()).isCloseTo(e.get("kl").asDouble(), within(TOL));
            assertThat(r.tokens()).isEqualTo(e.get("tokens").asLong());
            if (e.has("mismatch_mean")) {
                assertThat(r.logprobMismatchMean()).isCloseTo(e.get("mismatch_mean").asDouble(), within(TOL));
                assertThat(r.logprobMismatchMax()).isCloseTo(e.get("mismatch_max").asDouble(), within(TOL));
            } else {
                assertThat(r.logprobMismatchMean()).isNaN();
            }
            assertWeights(m, start, e.get("after"));
        }
    }

    static void assertWeights(CausalLM m, Map<String, HostTensor> start, JsonNode after) {
        for (Iterator<Map.Entry<String, JsonNode>> it = after.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> w = it.next();
            float[] got = m.parameters().get(w.getKey()).toFloatArray();
            float[] before = start.get(w.getKey()).toFloatArray();
            assertThat(got.length).as(w.getKey()).isEqualTo(w.getValue().size());
            double worst = 0;
            double moved = 0;
            for (int i = 0; i < got.length; i++) {
                worst = Math.max(worst, Math.abs(got[i] - w.getValue().get(i).asDouble()));
                moved = Math.max(moved, Math.abs(got[i] - before[i]));
            }
            assertThat(worst).as("max error of updated " + w.getKey()).isLessThan(UPDATED_TOL);
            assertThat(moved).as("largest change of " + w.getKey()).isGreaterThan(100 * UPDATED_TOL);
        }
    }

    static void assertRows(double[][] got, JsonNode want, double tol, String what) {
        assertThat(got.length).isEqualTo(want.size());
        for (int i = 0; i < got.length; i++) {
            assertThat(got[i].length).as(what + " row " + i).isEqualTo(want.get(i).size());
            for (int t = 0; t < got[i].length; t++) {
                assertThat(got[i][t]).as(what + "[" + i + "][" + t + "]").isCloseTo(want.get(i).get(t).asDouble(),
                        within(tol));
            }
        }
    }
}
