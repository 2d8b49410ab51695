package org.prime4j.orchestrator.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.prime4j.orchestrator.settings.FieldError;
import org.prime4j.model.config.ModelConfig;
import org.prime4j.model.io.HostTensor;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.nn.PaddedBatch;
import org.prime4j.model.score.Scorer;
import org.prime4j.model.score.SequenceScores;
import org.prime4j.orchestrator.prime.ImplicitPrm;

/**
 * The trainers' contract on a tiny random model (vocabulary 32). Each test's comment says what it checks against:
 * a hand computation here ({@link #handStats}: log-softmax, entropy and k3 in double from the model's raw logits,
 * no TokenLogprobs or PolicyTokens), {@link Scorer} (the server's path: one sequence alone, no padding, but the
 * same TokenLogprobs log-softmax as PrmTrainer), or another run of the trainers themselves.
 */
class TrainerContractTest {

    static final ModelConfig TINY = ModelConfig.tiny(ModelConfig.Architecture.QWEN2, 16, 1, 2, 1, 32);

    static CausalLM model() {
        return CausalLM.random(TINY, 3, 0.2);
    }

    /** Two groups of two responses of unequal lengths; outcomes 1,0 / 0,1; reference log-probs made up. */
    static List<TrainSample> batch(boolean serverLogprobs, CausalLM scorer) {
        Random rng = new Random(7);
        int[][] prompts = {{1, 2, 3}, {4, 5}};
        List<TrainSample> out = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int[] prompt = prompts[i / 2];
            int[] response = new int[2 + i];
            for (int t = 0; t < response.length; t++) {
                response[t] = 6 + rng.nextInt(20);
            }
            float[] ref = new float[response.length];
            for (int t = 0; t < ref.length; t++) {
                ref[t] = (float) (-3.5 + rng.nextGaussian() * 0.3);
            }
            float[] server = serverLogprobs ? scored(scorer, prompt, response) : null;
            out.add(new TrainSample(prompt, response, server, ref, i == 0 || i == 3 ? 1.0 : 0.0));
        }
        return out;
    }

    /**
     * The response log-probs by Scorer: one sequence alone, no padding or micro-batching; it shares TokenLogprobs
     * with PrmTrainer, so agreement checks the trainers' batching, not their log-softmax.
     */
    static float[] scored(CausalLM model, int[] prompt, int[] response) {
        int[] seq = new TrainSample(prompt, response, null, null, 0).sequence();
        SequenceScores s = Scorer.score(model, List.of(seq), 0).get(0);
        return Arrays.copyOfRange(s.logprobs(), prompt.length - 1, seq.length - 1);
    }

    /**
     * Per response token of one sequence alone, from the raw logits of {@code model.logits} (FP32), in double
     * here: {@code [0][t]} = log p(response[t]) by a hand log-softmax, {@code [1][t]} = entropy -sum p log p of
     * that next-token distribution. Independent of TokenLogprobs and PolicyTokens (it shares the forward pass,
     * which the model module's oracle fixtures check).
     */
    static double[][] handStats(CausalLM model, int[] prompt, int[] response) {
        int[] seq = new TrainSample(prompt, response, null, null, 0).sequence();
        int v = model.config().vocabSize();
        float[] logits;
        try (NDManager call = model.manager().newSubManager()) {
            logits = model.logits(call, PaddedBatch.leftPad(List.of(seq), 0)).toFloatArray();
        }
        double[][] out = new double[2][response.length];
        for (int t = 0; t < response.length; t++) {
            int at = (prompt.length - 1 + t) * v; // the position that predicts response[t]
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < v; j++) {
                max = Math.max(max, logits[at + j]);
            }
            double z = 0;
            for (int j = 0; j < v; j++) {
                z += Math.exp(logits[at + j] - max);
            }
            double logZ = max + Math.log(z);
            double h = 0;
            for (int j = 0; j < v; j++) {
                double lp = logits[at + j] - logZ;
                h -= Math.exp(lp) * lp;
            }
            out[0][t] = logits[at + response[t]] - logZ;
            out[1][t] = h;
        }
        return out;
    }

    /** q against the hand log-softmax minus the reference; outcome logits and loss against ImplicitPrm's formulas. */
    @Test
    void frozenPrmGivesLogRatiosAgainstTheReferenceAndTheMeanBce() {
        try (CausalLM m = model(); PrmTrainer prm = new PrmTrainer(m, settings(PrmUpdate.NONE))) {
            List<TrainSample> batch = batch(false, null);
            Map<String, HostTensor> before = m.toHost();
            PrmResult r = prm.step(batch, 2);
            double loss = 0;
            for (int i = 0; i < batch.size(); i++) {
                TrainSample s = batch.get(i);
                double[] lp = handStats(m, s.promptIds(), s.responseIds())[0];
                for (int t = 0; t < lp.length; t++) {
                    assertThat(r.q()[i][t]).isCloseTo(lp[t] - s.refLogprobs()[t], within(1e-5));
                }
                assertThat(r.outcomeLogits()[i]).isEqualTo(ImplicitPrm.outcomeLogit(r.q()[i], 0.05));
                loss += ImplicitPrm.bceWithLogits(r.outcomeLogits()[i], s.outcome());
            }
            assertThat(r.loss()).isCloseTo(loss / 4, within(1e-12));
            assertThat(r.gradNorm()).isNaN();
            assertThat(r.tokens()).isEqualTo(2 + 3 + 4 + 5);
            assertThat(r.pairs()).isEqualTo(2);
            double[] z = r.outcomeLogits();
            double right = (z[0] > z[1] ? 1 : 0) + (z[3] > z[2] ? 1 : 0);
            assertThat(r.pairwiseAccuracy()).isEqualTo(right / 2);
            assertThat(prm.steps()).isZero();
            assertThat(m.toHost().get("model.norm.weight").toFloatArray())
                    .containsExactly(before.get("model.norm.weight").toFloatArray());
        }
    }

    /** Against the trainer's own frozen (mode none) q before and after an update: checks the order only. */
    @Test
    void afterModeRewardsComeFromThePreUpdatePassAndBeforeModeFromThePostUpdateOne() {
        List<TrainSample> batch = batch(false, null);
        double[][] frozen;
        try (CausalLM m = model(); PrmTrainer prm = new PrmTrainer(m, settings(PrmUpdate.NONE))) {
            frozen = prm.step(batch, 2).q();
        }
        try (CausalLM m = model(); PrmTrainer prm = new PrmTrainer(m, settings(PrmUpdate.AFTER))) {
            PrmResult r = prm.step(batch, 2);
            assertClose(r.q(), frozen, 1e-6);
            assertThat(r.preUpdateLogits()).isSameAs(r.outcomeLogits());
            assertThat(r.gradNorm()).isPositive();
            assertThat(prm.steps()).isEqualTo(1);
            // the update moved the model: the next forward pass differs
            assertThat(maxDiff(prm.step(batch, 2).q(), frozen)).isGreaterThan(1e-3);
        }
        try (CausalLM m = model(); PrmTrainer prm = new PrmTrainer(m, settings(PrmUpdate.BEFORE))) {
            PrmResult r = prm.step(batch, 2);
            assertThat(maxDiff(r.q(), frozen)).isGreaterThan(1e-3);
            // the online diagnostics rank the pre-update logits in every order
            for (int i = 0; i < frozen.length; i++) {
                assertThat(r.preUpdateLogits()[i]).isCloseTo(ImplicitPrm.outcomeLogit(frozen[i], 0.05), within(1e-6));
            }
            try (PrmTrainer look = new PrmTrainer(m, settings(PrmUpdate.NONE))) {
                assertClose(r.q(), look.step(batch, 2).q(), 1e-6);
            }
        }
    }

    /**
     * Server log-probs from Scorer (so the mismatch is ~0); entropy and k3 KL against {@link #handStats} over the
     * 32-token vocabulary; the loss against -mean advantage (ratio 1 in the only mini-batch).
     */
    @Test
    void firstPpoMiniBatchHasRatioOneAndMismatchIsMeasuredAgainstTheServer() {
        try (CausalLM m = model(); CausalLM start = model()) {
            List<TrainSample> batch = batch(true, m);
            double[][] adv = new double[4][];
            for (int i = 0; i < 4; i++) {
                adv[i] = new double[batch.get(i).responseIds().length];
                Arrays.fill(adv[i], i % 2 == 0 ? 1.0 : -1.0);
            }
            try (PolicyTrainer ppo = new PolicyTrainer(m, PolicySettings.defaults(1e-2, 4, 2))) {
                PolicyResult r = ppo.update(batch, adv);
                assertThat(r.steps()).isEqualTo(1);
                assertThat(r.clipFraction()).isZero();
                assertThat(r.approxKl()).isCloseTo(0, within(1e-7));
                assertThat(r.logprobMismatchMax()).isLessThan(1e-5);
                assertThat(r.tokens()).isEqualTo(14);
                assertThat(r.gradNorm()).isPositive();
                // the metrics come from the pre-update forward pass (one mini-batch): the start model's numbers
                double entropy = 0;
                double k3 = 0;
                for (TrainSample s : batch) {
                    double[][] hand = handStats(start, s.promptIds(), s.responseIds());
                    for (int t = 0; t < hand[0].length; t++) {
                        entropy += hand[1][t];
                        double d = s.refLogprobs()[t] - hand[0][t];
                        k3 += Math.exp(d) - d - 1;
                    }
                }
                assertThat(r.entropy()).isCloseTo(entropy / 14, within(1e-5));
                assertThat(r.kl()).isCloseTo(k3 / 14, within(1e-5));
                // ratio 1: the loss is -mean advantage over the tokens
                double sum = 0;
                for (double[] row : adv) {
                    for (double a : row) {
                        sum -= a;
                    }
                }
                assertThat(r.loss()).isCloseTo(sum / 14, within(1e-6));
            }
        }
    }

    /** Against the outcomes: the loss falls and the pairwise accuracy reaches 1 (learning, not numerics). */
    @Test
    void repeatedPrmStepsFitTheOutcomes() {
        List<TrainSample> batch = batch(false, null);
        try (CausalLM m = model();
             PrmTrainer prm = new PrmTrainer(m, new PrmSettings(0.02, 0.5, PrmUpdate.AFTER, 4, 1.0, 0.0))) {
            PrmResult first = prm.step(batch, 2);
            PrmResult last = first;
            for (int i = 0; i < 8; i++) {
                last = prm.step(batch, 2);
            }
            assertThat(last.loss()).isLessThan(first.loss() - 0.1);
            assertThat(last.pairwiseAccuracy()).isEqualTo(1.0);
        }
    }

    /**
     * Against consecutive single steps: prm.epochs 2 is two AdamW steps on the same batch (bit-for-bit weights),
     * reporting the first pass's loss, gradient norm and pre-update logits; the rewards are the first pass's
     * (after) or follow the last update (before).
     */
    @Test
    void prmEpochsAreConsecutiveStepsOnTheSameBatch() {
        List<TrainSample> batch = batch(false, null);
        for (PrmUpdate mode : List.of(PrmUpdate.AFTER, PrmUpdate.BEFORE)) {
            try (CausalLM once = model(); CausalLM twice = model();
                 PrmTrainer single = new PrmTrainer(once, new PrmSettings(0.02, 0.5, mode, 3, 1.0, 0.01, null, 1));
                 PrmTrainer two = new PrmTrainer(twice, new PrmSettings(0.02, 0.5, mode, 3, 1.0, 0.01, null, 2))) {
                PrmResult first = single.step(batch, 2);
                single.step(batch, 2);
                PrmResult both = two.step(batch, 2);
                assertThat(two.steps()).as(mode.name()).isEqualTo(2);
                Map<String, HostTensor> wa = once.toHost();
                Map<String, HostTensor> wb = twice.toHost();
                for (String name : wa.keySet()) {
                    assertThat(wb.get(name).toFloatArray()).as(mode + " " + name)
                            .containsExactly(wa.get(name).toFloatArray());
                }
                assertThat(both.loss()).as(mode.name()).isEqualTo(first.loss());
                assertThat(both.gradNorm()).as(mode.name()).isEqualTo(first.gradNorm());
                assertThat(both.preUpdateLogits()).as(mode.name()).containsExactly(first.preUpdateLogits());
                double[][] expected = mode == PrmUpdate.AFTER ? first.q()
                        : single.logRatios(batch); // before: the rewards of the twice-updated PRM
                assertThat(both.q()).as(mode.name()).isDeepEqualTo(expected);
            }
        }
        assertThatThrownBy(() -> new PrmSettings(0.02, 0.5, null, 3, 1.0, 0.01, null, 0))
                .isInstanceOfSatisfying(FieldError.class, e -> assertThat(e.field()).isEqualTo("epochs"));
    }

    /** Against the uninterrupted run: bit-for-bit losses, norms, weights and optimizer state. */
    @Test
    void restoredStateContinuesExactly() {
        try (CausalLM a = model()) {
            List<TrainSample> batch = batch(true, a);
            double[][] adv = new double[4][];
            for (int i = 0; i < 4; i++) {
                adv[i] = new double[batch.get(i).responseIds().length];
                Arrays.fill(adv[i], i - 1.5);
            }
            PolicySettings s = PolicySettings.defaults(1e-2, 2, 1);
            try (PolicyTrainer first = new PolicyTrainer(a, s)) {
                first.update(batch, adv);
                TrainerState saved = first.state();
                assertThat(saved.steps()).isEqualTo(2);
                PolicyResult next = first.update(batch, adv);
                try (CausalLM b = CausalLM.random(TINY, 99, 0.2); PolicyTrainer resumed = new PolicyTrainer(b, s)) {
                    resumed.restore(saved);
                    PolicyResult again = resumed.update(batch, adv);
                    assertThat(again.stepLosses()).containsExactly(next.stepLosses());
                    assertThat(again.stepGradNorms()).containsExactly(next.stepGradNorms());
                    assertThat(resumed.steps()).isEqualTo(4);
                    Map<String, HostTensor> wa = a.toHost();
                    Map<String, HostTensor> wb = b.toHost();
                    for (String name : wa.keySet()) {
                        assertThat(wb.get(name).toFloatArray()).as(name).containsExactly(wa.get(name).toFloatArray());
                    }
                    Map<String, HostTensor> oa = first.state().optimizer();
                    Map<String, HostTensor> ob = resumed.state().optimizer();
                    assertThat(ob.keySet()).isEqualTo(oa.keySet());
                    for (String name : oa.keySet()) {
                        assertThat(ob.get(name).toFloatArray()).as(name).containsExactly(oa.get(name).toFloatArray());
                    }
                }
            }
        }
    }

    /** Against the model manager's array count after the first round. */
    @Test
    void repeatedStepsLeaveNoLiveArraysOnTheModel() {
        try (CausalLM m = model();
             PrmTrainer prm = new PrmTrainer(m, new PrmSettings(1e-3, 0.05, PrmUpdate.BEFORE, 3, 1.0, 0.01));
             PolicyTrainer ppo = new PolicyTrainer(m, new PolicySettings(1e-3, 0.2, 2, 1, 1, 1.0,
                     OldLogprobs.TRAINER, 0.1, 0.01, 0.01))) {
            List<TrainSample> batch = batch(true, m);
            double[][] adv = new double[4][];
            for (int i = 0; i < 4; i++) {
                adv[i] = new double[batch.get(i).responseIds().length];
                Arrays.fill(adv[i], 0.5 - i % 2);
            }
            Runnable both = () -> {
                prm.step(batch, 2);
                ppo.update(batch, adv);
            };
            both.run();
            int before = m.manager().getManagedArrays().size();
            // a single leaked wrapper per micro-batch would show as dozens of arrays
            for (int i = 0; i < 4; i++) {
                both.run();
            }
            assertThat(m.manager().getManagedArrays().size()).isEqualTo(before);
        }
    }

    /** Finiteness only, plus the mismatch showing the extreme value arrived. */
    @Test
    void anExtremeServerLogprobStaysFinite() {
        try (CausalLM m = model()) {
            List<TrainSample> batch = new ArrayList<>();
            double[][] adv = new double[4][];
            for (TrainSample s : batch(true, m)) {
                float[] server = s.serverLogprobs().clone();
                server[0] = -200f; // exp(log pi - (-200)) overflows FP32 without the clamp
                batch.add(new TrainSample(s.promptIds(), s.responseIds(), server, s.refLogprobs(), s.outcome()));
            }
            for (int i = 0; i < 4; i++) {
                adv[i] = new double[batch.get(i).responseIds().length];
                Arrays.fill(adv[i], i % 2 == 0 ? 1.0 : -1.0);
            }
            try (PolicyTrainer ppo = new PolicyTrainer(m, new PolicySettings(1e-3, 0.2, 4, 2, 1, 1.0,
                    OldLogprobs.SERVER, 0.1, 0.0, 0.0))) {
                PolicyResult r = ppo.update(batch, adv);
                assertThat(r.loss()).isFinite();
                assertThat(r.gradNorm()).isFinite();
                assertThat(r.logprobMismatchMax()).isGreaterThan(190);
                for (NDArray p : m.parameters().values()) {
                    for (float v : p.toFloatArray()) {
                        assertThat(v).isFinite();
                    }
                }
            }
        }
    }

    /** Against the same update on the calling thread: bit-for-bit. */
    @Test
    void aWorkerThreadWithGradModeOnGetsTheSameUpdateAndKeepsItsMode() throws Exception {
        PolicyResult[] results = new PolicyResult[2];
        boolean[] modeAfter = new boolean[1];
        for (int run = 0; run < 2; run++) {
            int which = run;
            Runnable body = () -> {
                try (CausalLM m = model(); CausalLM pm = model();
                     PolicyTrainer ppo = new PolicyTrainer(m, PolicySettings.defaults(1e-2, 2, 1));
                     PrmTrainer prm = new PrmTrainer(pm, settings(PrmUpdate.BEFORE))) {
                    List<TrainSample> batch = batch(true, m);
                    double[][] adv = new double[4][];
                    for (int i = 0; i < 4; i++) {
                        adv[i] = new double[batch.get(i).responseIds().length];
                        Arrays.fill(adv[i], i - 1.5);
                    }
                    prm.step(batch, 2);
                    results[which] = ppo.update(batch, adv);
                }
            };
            if (run == 0) {
                body.run();
            } else {
                Thread worker = new Thread(() -> {
                    // a fresh thread starts with libtorch's default, grad mode on
                    ai.djl.pytorch.jni.JniUtils.setGradMode(true);
                    body.run();
                    modeAfter[0] = ai.djl.pytorch.jni.JniUtils.isGradMode();
                });
                worker.start();
                worker.join();
            }
        }
        assertThat(results[1].stepLosses()).containsExactly(results[0].stepLosses());
        assertThat(results[1].stepGradNorms()).containsExactly(results[0].stepGradNorms());
        assertThat(modeAfter[0]).isTrue();
    }

    /** Against the messages: each names the offending field. */
    @Test
    void badInputIsRejectedWithTheFieldNamed() {
        assertThatThrownBy(() -> new TrainSample(new int[0], new int[] {1}, null, null, 1))
                .hasMessageContaining("promptIds");
        assertThatThrownBy(() -> new TrainSample(new int[] {1}, new int[] {1, 2}, null, new float[] {-1}, 1))
                .hasMessageContaining("refLogprobs has 1 entries for 2");
        assertThatThrownBy(() -> new TrainSample(new int[] {1}, new int[] {1}, new float[] {Float.NaN}, null, 1))
                .hasMessageContaining("serverLogprobs[0]");
        assertThatThrownBy(() -> new TrainSample(new int[] {1}, new int[] {1}, null, null, 1.5))
                .hasMessageContaining("outcome");
        assertThatThrownBy(() -> new PolicySettings(1e-3, 0.2, 4, 8, 1, 1.0, OldLogprobs.TRAINER, 0.0, 0.0, 0.0))
                .isInstanceOfSatisfying(FieldError.class, e -> assertThat(e.field()).isEqualTo("micro_batch"))
                .hasMessageContaining("mini_batch (4)");
        assertThatThrownBy(() -> PrmUpdate.parse("later")).hasMessageContaining("prm_update");
        try (CausalLM m = model(); PrmTrainer prm = new PrmTrainer(m, settings(PrmUpdate.AFTER));
             PolicyTrainer ppo = new PolicyTrainer(m, new PolicySettings(1e-3, 0.2, 4, 2, 1, 1.0,
                     OldLogprobs.SERVER, 0.0, 0.0, 0.0))) {
            List<TrainSample> batch = batch(false, null);
            assertThatThrownBy(() -> prm.step(batch, 3)).hasMessageContaining("groups of 3");
            double[][] adv = new double[4][3];
            assertThatThrownBy(() -> ppo.update(batch, adv)).hasMessageContaining("advantages of response 0 have 3 entries for 2");
            double[][] ok = new double[4][];
            for (int i = 0; i < 4; i++) {
                ok[i] = new double[batch.get(i).responseIds().length];
            }
            assertThatThrownBy(() -> ppo.update(batch, ok)).hasMessageContaining("server log-probs");
            try (PolicyTrainer tis = new PolicyTrainer(m, PolicySettings.defaults(1e-3, 4, 2)
                    .withIsCorrection(IsCorrection.TOKEN_TIS, 2.0))) {
                assertThatThrownBy(() -> tis.update(batch, ok))
                        .hasMessageContaining("is_correction: token_tis, but response 0 has no sampler log-probs");
            }
        }
    }

    static PrmSettings settings(PrmUpdate mode) {
        return new PrmSettings(0.05, 0.05, mode, 3, 1.0, 0.0);
    }

    static double maxDiff(double[][] a, double[][] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            for (int t = 0; t < a[i].length; t++) {
                worst = Math.max(worst, Math.abs(a[i][t] - b[i][t]));
            }
        }
        return worst;
    }

    static void assertClose(double[][] a, double[][] b, double tol) {
        assertThat(maxDiff(a, b)).isLessThan(tol);
    }
}
