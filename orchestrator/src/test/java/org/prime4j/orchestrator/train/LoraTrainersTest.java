package org.prime4j.orchestrator.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.prime4j.model.io.DType;
import org.prime4j.model.io.HostTensor;
import org.prime4j.model.lora.LoraAdapter;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.nn.HalfWeights;
import org.prime4j.model.nn.OwnedArrays;
import org.prime4j.model.score.Scorer;

/**
 * The trainers over a LoRA adapter: the checkpointed pass (each layer recomputed in backward) must give the
 * updates of the recorded pass, whose numerics TrainerOracleTest checks against PyTorch for whole models and the
 * model module's LoRA oracle for adapters; and a base held in BF16 must train as its widened FP32 copy does.
 */
class LoraTrainersTest {

    private static final LoraSettings ALL = new LoraSettings(4, 8.0, 0.0, null, true);
    private static final LoraSettings RECORDED = new LoraSettings(4, 8.0, 0.0, null, false);

    /** Both factors random: with the PEFT init (B = 0) A's first gradient would be 0 and half the check blind. */
    private static LoraAdapter adapter(CausalLM base) {
        LoraAdapter a = LoraAdapter.create(base, ALL.toConfig("tiny"), 5);
        Random rng = new Random(9);
        for (Map.Entry<String, NDArray> p : a.parameters().entrySet()) {
            float[] v = new float[Math.toIntExact(p.getValue().size())];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (rng.nextGaussian() * 0.2);
            }
            OwnedArrays.overwrite(p.getValue(), v);
        }
        return a;
    }

    /** What one PRM step and one two-mini-batch PPO update did: losses, norms, then every adapter value. */
    private static double[] train(CausalLM base, LoraSettings lora) {
        List<TrainSample> batch = TrainerContractTest.batch(true, base);
        double[][] adv = new double[batch.size()][];
        for (int i = 0; i < adv.length; i++) {
            adv[i] = new double[batch.get(i).responseIds().length];
            Arrays.fill(adv[i], i % 2 == 0 ? 0.8 : -1.2);
        }
        try (LoraAdapter prmAdapter = adapter(base);
             LoraAdapter policyAdapter = adapter(base);
             PrmTrainer prm = new PrmTrainer(base, prmAdapter, new PrmSettings(0.02, 0.5, PrmUpdate.AFTER, 2, 1.0,
                     0.0).withLora(lora));
             PolicyTrainer ppo = new PolicyTrainer(base, policyAdapter, new PolicySettings(0.02, 0.2, 2, 1, 2, 1.0,
                     OldLogprobs.TRAINER, 0.1, 0.01, 0.0).withLora(lora))) {
            assertThat(prm.recomputesLayers()).isEqualTo(ppo.recomputesLayers());
            PrmResult p = prm.step(batch, 2);
            PolicyResult r = ppo.update(batch, adv);
            double[] out = new double[] {p.loss(), p.gradNorm(), r.loss(), r.gradNorm(), r.entropy(), r.kl()};
            for (LoraAdapter a : List.of(prmAdapter, policyAdapter)) {
                for (NDArray v : a.parameters().values()) {
                    float[] f = v.toFloatArray();
                    int at = out.length;
                    out = Arrays.copyOf(out, at + f.length);
                    for (int i = 0; i < f.length; i++) {
                        out[at + i] = f[i];
                    }
                }
            }
            return out;
        } finally {
            base.setAdapter(null); // the trainers leave their last adapter installed; it is closed now
        }
    }

    private static void assertClose(double[] got, double[] want, double tol) {
        assertThat(got).hasSameSizeAs(want);
        double worst = 0;
        for (int i = 0; i < got.length; i++) {
            worst = Math.max(worst, Math.abs(got[i] - want[i]));
        }
        assertThat(worst).as("largest difference").isLessThan(tol);
    }

    @Test
    void checkpointedPassesGiveTheRecordedPassesUpdates() {
        double[] checkpointed;
        double[] recorded;
        double[] before;
        try (CausalLM base = TrainerContractTest.model()) {
            try (LoraAdapter a = adapter(base)) {
                before = a.parameters().values().iterator().next().toType(DataType.FLOAT64, false).toDoubleArray();
            }
            checkpointed = train(base, ALL);
        }
        try (CausalLM base = TrainerContractTest.model()) {
            recorded = train(base, RECORDED);
        }
        assertClose(checkpointed, recorded, 2e-6);
        // The adapters moved (lr 0.02): equal updates, not two no-ops.
        assertThat(Math.abs(checkpointed[6] - before[0])).isGreaterThan(1e-3);
        assertThat(checkpointed[1]).isGreaterThan(0.1);
        assertThat(checkpointed[3]).isGreaterThan(0.1);
    }

    @Test
    void aBaseHeldInBf16TrainsAsItsWidenedCopy() {
        Map<String, HostTensor> widened;
        double[] frozen;
        try (CausalLM full = TrainerContractTest.model();
             CausalLM half = CausalLM.frozen(TrainerContractTest.TINY,
                     m -> HalfWeights.fromHost(TrainerContractTest.TINY, full.toHost(), DType.BF16, m))) {
            assertThat(half.frozenWeights().bytes()).isEqualTo(2 * numel(full.toHost()));
            widened = new LinkedHashMap<>(half.toHost());
            frozen = train(half, RECORDED); // a frozen base recomputes layers whatever the setting says
            assertThat(maxAbs(Scorer.score(half, List.of(new int[] {1, 2, 3, 4}), 0).get(0).logprobs()))
                    .as("the base itself is unchanged and usable").isPositive();
        }
        double[] copy;
        try (CausalLM fp32 = CausalLM.fromHost(TrainerContractTest.TINY, widened, ai.djl.Device.cpu(),
                DataType.FLOAT32)) {
            copy = train(fp32, ALL);
        }
        assertClose(frozen, copy, 2e-6);
        assertThat(frozen[0]).isCloseTo(copy[0], within(1e-6));
    }

    private static long numel(Map<String, HostTensor> tensors) {
        return tensors.values().stream().mapToLong(HostTensor::numel).sum();
    }

    private static double maxAbs(float[] v) {
        double m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }
}
