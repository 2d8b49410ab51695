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

    /*
     * Tolerances from measured spread. "spread" = the largest difference between the fixture (torch, 1 thread,
     * this AMD EPYC with AVX-512) and the same generator with 2 threads or pinned to baseline kernels
     * (gen_trainer_fixtures.py --spread: OpenBLAS Prescott, ATEN_CPU_CAPABILITY=default, DNNL SSE4.1), on the
     * same inputs; "java" = this test's own deviation on that machine (-Dprime4j.oracle.report=true prints it).
     * 2 threads changed nothing. Each tolerance is at least 5x spread + java, the worst this test could see on a
     * CPU that rounds like the baseline run. Measured 2026-12 with Debian torch 1.13.1.
     */
    /** PRM loss (~0.83): spread 6.0e-8, java 2.4e-8; tolerance 12x their sum. */
    static final double PRM_LOSS_TOL = 1e-6;
    /** PRM global gradient norm (~5.7, before clipping): spread 0, java 4.8e-7; 10x. */
    static final double PRM_GRAD_NORM_TOL = 5e-6;
    /** PRM q = log pi - log pi_ref of the pre-update model (mode after): spread 1.5e-6, java 2.3e-6; 5x. */
    static final double Q_TOL = 2e-5;
    /**
     * PRM q of the updated model (mode before): Adam divides each gradient by its magnitude, so the rounding
     * of small gradient entries reaches the weights; spread 2.6e-6, java 1.05e-5; 5.4x.
     */
    static final double Q_POST_TOL = 7e-5;
    /** PRM outcome logits beta * sum q: spread 9.5e-7, java 1.7e-6; 7.6x. */
    static final double LOGIT_TOL = 2e-5;
    /** Watched weights after one PRM AdamW step (lr 0.01, they move ~1e-2): spread 1e-7, java 2.1e-7; 6.4x. */
    static final double PRM_WEIGHT_TOL = 2e-6;
    /** PPO step losses and their mean: spread 2.2e-7, java 8.2e-7; 10x. */
    static final double PPO_LOSS_TOL = 1e-5;
    /** PPO step gradient norms (~4.5 to 9.6): spread 4.8e-6, java 2.05e-5; 8x. */
    static final double PPO_GRAD_NORM_TOL = 2e-4;
    /** PPO token means: approx KL, entropy, k3 KL, mismatch: spread up to 1.3e-6, java up to 8.6e-7; 5x. */
    static final double METRIC_TOL = 1e-5;
    /**
     * Watched weights after two PPO AdamW steps (lr 0.02, they move up to 4e-2): spread 1.02e-5, java 1.05e-5,
     * worst sum 1.4e-5 (down_proj of the "trainer" case); 7x. {@link #assertWeights} also checks that each
     * watched weight moved by more than 100x its tolerance.
     */
    static final double PPO_WEIGHT_TOL = 1e-4;
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
            close("prm.loss", r.loss(), e.get("loss"), PRM_LOSS_TOL);
            close("prm.grad_norm", r.gradNorm(), e.get("grad_norm"), PRM_GRAD_NORM_TOL);
            assertRows(r.q(), e.get(mode.equals("after") ? "q_pre" : "q_post"),
                    mode.equals("after") ? Q_TOL : Q_POST_TOL, "prm.q_" + mode);
            assertThat(r.pairs()).isEqualTo(e.get("pairs").asInt());
            if (mode.equals("after")) {
                assertThat(r.pairwiseAccuracy()).isEqualTo(e.get("pairwise_accuracy").asDouble());
                for (int i = 0; i < r.outcomeLogits().length; i++) {
                    close("prm.logits_pre", r.outcomeLogits()[i], e.get("logits_pre").get(i), LOGIT_TOL);
                }
            }
            assertWeights("prm", m, start, e.get("after"), PRM_WEIGHT_TOL);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3}) // trainer, server, token_tis, seq_mask
    void ppoUpdateMatchesTorch(int which) throws Exception {
        JsonNode fx = fixture();
        JsonNode c = fx.get("ppo").get(which);
        JsonNode e = c.get("expected");
        PolicySettings s = new PolicySettings(c.get("lr").asDouble(), c.get("clip_eps").asDouble(),
                c.get("mini_batch_size").asInt(), c.get("micro_batch_size").asInt(), 1,
                c.get("max_grad_norm").asDouble(), OldLogprobs.parse(c.get("old_logprobs").asText()),
                c.get("kl_coef").asDouble(), c.get("entropy_coef").asDouble(), c.get("weight_decay").asDouble());
        if (c.has("is_correction")) {
            s = s.withIsCorrection(IsCorrection.parse(c.get("is_correction").asText()), c.get("is_cap").asDouble());
        }
        List<TrainSample> batch = samples(fx, c.get("server_logprobs"));
        double[][] adv = JSON.convertValue(c.get("advantages"), double[][].class);
        try (CausalLM m = CausalLM.load(dir()); PolicyTrainer ppo = new PolicyTrainer(m, s)) {
            Map<String, HostTensor> start = m.toHost();
            PolicyResult r = ppo.update(batch, adv);
            assertThat(r.steps()).isEqualTo(2);
            String at = "ppo[" + which + "].";
            for (int k = 0; k < 2; k++) {
                close(at + "step_losses", r.stepLosses()[k], e.get("step_losses").get(k), PPO_LOSS_TOL);
                close(at + "step_grad_norms", r.stepGradNorms()[k], e.get("step_grad_norms").get(k),
                        PPO_GRAD_NORM_TOL);
            }
            close(at + "loss", r.loss(), e.get("loss"), PPO_LOSS_TOL);
            // a count over tokens: the generator asserts every ratio is > 0.01 from a clip boundary (got 0.021)
            assertThat(r.clipFraction()).isCloseTo(e.get("clip_fraction").asDouble(), within(1e-9));
            assertThat(r.clipFraction()).isPositive();
            close(at + "approx_kl", r.approxKl(), e.get("approx_kl"), METRIC_TOL);
            close(at + "entropy", r.entropy(), e.get("entropy"), METRIC_TOL);
            close(at + "kl", r.kl(), e.get("kl"), METRIC_TOL);
            assertThat(r.tokens()).isEqualTo(e.get("tokens").asLong());
            if (e.has("mismatch_mean")) {
                close(at + "mismatch_mean", r.logprobMismatchMean(), e.get("mismatch_mean"), METRIC_TOL);
                close(at + "mismatch_max", r.logprobMismatchMax(), e.get("mismatch_max"), METRIC_TOL);
            } else {
                assertThat(r.logprobMismatchMean()).isNaN();
            }
            if (e.has("is_ratio_mean")) {
                close(at + "is_ratio_mean", r.isRatioMean(), e.get("is_ratio_mean"), METRIC_TOL);
                close(at + "is_ratio_max", r.isRatioMax(), e.get("is_ratio_max"), METRIC_TOL);
                // counts: the generator asserts every log-ratio is > 0.01 from ln C
                assertThat(r.isMaskedFraction()).isEqualTo(e.get("is_masked_fraction").asDouble());
                assertThat(r.isTruncatedFraction()).isCloseTo(e.get("is_truncated_fraction").asDouble(),
                        within(1e-12));
            } else {
                assertThat(r.isMaskedFraction()).isNaN();
            }
            assertWeights(at + "after", m, start, e.get("after"), PPO_WEIGHT_TOL);
        }
    }

    static void close(String what, double got, JsonNode want, double tol) {
        report(what, Math.abs(got - want.asDouble()));
        assertThat(got).as(what).isCloseTo(want.asDouble(), within(tol));
    }

    /** With -Dprime4j.oracle.report=true, prints each quantity's deviation (how the tolerances were measured). */
    static void report(String what, double deviation) {
        if (Boolean.getBoolean("prime4j.oracle.report")) {
            System.out.printf("oracle deviation %-60s %.3g%n", what, deviation);
        }
    }

    static void assertWeights(String what, CausalLM m, Map<String, HostTensor> start, JsonNode after, double tol) {
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
            report(what + "." + w.getKey(), worst);
            assertThat(worst).as("max error of updated " + w.getKey()).isLessThan(tol);
            assertThat(moved).as("largest change of " + w.getKey()).isGreaterThan(100 * tol);
        }
    }

    static void assertRows(double[][] got, JsonNode want, double tol, String what) {
        assertThat(got.length).isEqualTo(want.size());
        double worst = 0;
        for (int i = 0; i < got.length; i++) {
            assertThat(got[i].length).as(what + " row " + i).isEqualTo(want.get(i).size());
            for (int t = 0; t < got[i].length; t++) {
                worst = Math.max(worst, Math.abs(got[i][t] - want.get(i).get(t).asDouble()));
                assertThat(got[i][t]).as(what + "[" + i + "][" + t + "]").isCloseTo(want.get(i).get(t).asDouble(),
                        within(tol));
            }
        }
        report(what, worst);
    }
}
