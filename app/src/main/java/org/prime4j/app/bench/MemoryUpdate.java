package org.prime4j.app.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.prime4j.model.DjlRuntime;
import org.prime4j.model.config.ModelConfig;
import org.prime4j.model.io.DType;
import org.prime4j.model.lora.LoraAdapter;
import org.prime4j.model.lora.LoraConfig;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.nn.HalfWeights;
import org.prime4j.model.nn.LayerCheckpointing;
import org.prime4j.model.nn.OwnedArrays;
import org.prime4j.model.nn.PaddedBatch;
import org.prime4j.model.score.TokenLogprobs;
import org.prime4j.model.train.AdamW;
import org.prime4j.orchestrator.train.LoraSettings;
import org.prime4j.orchestrator.train.OldLogprobs;
import org.prime4j.orchestrator.train.PolicySettings;
import org.prime4j.orchestrator.train.PolicyTrainer;
import org.prime4j.orchestrator.train.PrmSettings;
import org.prime4j.orchestrator.train.PrmTrainer;
import org.prime4j.orchestrator.train.PrmUpdate;
import org.prime4j.orchestrator.train.TrainSample;

/**
 * One PRIME update in a process of its own, so that the kernel's peak-RSS counter (VmHWM) belongs to it alone:
 * {@code MemoryUpdate SHAPE MODE RANK TARGETS}. Prints one {@code MEMORY-RESULT} line for {@link MemoryBench}.
 * Both modes run the orchestrator's PrmTrainer and PolicyTrainer (their losses, AdamW, old log-probs): full mode
 * on two FP32 models, LoRA mode on two adapters over one frozen BF16 base, with each layer recomputed in backward
 * as a LoRA run does.
 */
public final class MemoryUpdate {

    static final String RESULT = "MEMORY-RESULT";
    static final int PROMPT = 32;
    static final int RESPONSE = 256;
    static final double BETA = 0.05;
    static final double CLIP = 0.2;
    static final double MAX_GRAD_NORM = 1.0;

    private MemoryUpdate() {}

    public static void main(String[] args) throws Exception {
        String shape = args[0];
        String mode = args[1];
        DjlRuntime.pytorch();
        double seconds = 0;
        if (!mode.equals("runtime")) {
            ModelConfig config = MemoryBench.shape(shape);
            int rank = Integer.parseInt(args[2]);
            List<String> targets = Arrays.asList(args[3].split(","));
            Random rng = new Random(7);
            int[] prompt = tokens(rng, PROMPT, config.vocabSize());
            int[] response = tokens(rng, RESPONSE, config.vocabSize());
            seconds = mode.equals("full") ? full(config, prompt, response, rng) : lora(config, prompt, response, rank,
                    targets, rng);
        } else {
            try (NDManager m = DjlRuntime.pytorch().newBaseManager()) {
                m.ones(new ai.djl.ndarray.types.Shape(4)).sum().getFloat();
            }
        }
        System.out.println(RESULT + " " + shape + " " + mode + " " + peakRssBytes() + " " + seconds);
    }

    static double full(ModelConfig config, int[] prompt, int[] response, Random rng) {
        float[] ref = new float[response.length];
        double[] adv = new double[response.length];
        for (int t = 0; t < ref.length; t++) {
            ref[t] = (float) (-Math.log(config.vocabSize()) + 0.5 * rng.nextGaussian());
            adv[t] = rng.nextGaussian();
        }
        List<TrainSample> batch = List.of(new TrainSample(prompt, response, null, ref, 1));
        try (CausalLM prmModel = CausalLM.random(config, 1, 0.02);
             CausalLM policy = CausalLM.random(config, 2, 0.02);
             PrmTrainer prm = new PrmTrainer(prmModel, new PrmSettings(1e-6, BETA, PrmUpdate.AFTER, 1,
                     MAX_GRAD_NORM, 0.0));
             PolicyTrainer ppo = new PolicyTrainer(policy, new PolicySettings(1e-6, CLIP, 1, 1, 1, MAX_GRAD_NORM,
                     OldLogprobs.TRAINER, 0.0, 0.0, 0.0))) {
            stage("models and optimizers made");
            long start = System.nanoTime();
            prm.step(batch, 1);
            stage("PRM step");
            ppo.update(batch, new double[][] {adv});
            stage("policy step");
            return (System.nanoTime() - start) / 1e9;
        }
    }

    static double lora(ModelConfig config, int[] prompt, int[] response, int rank, List<String> targets,
                       Random rng) {
        int[] seq = new int[prompt.length + response.length];
        System.arraycopy(prompt, 0, seq, 0, prompt.length);
        System.arraycopy(response, 0, seq, prompt.length, response.length);
        double[] adv = new double[response.length];
        for (int t = 0; t < adv.length; t++) {
            adv[t] = rng.nextGaussian();
        }
        LoraSettings lora = new LoraSettings(rank, 2.0 * rank, 0.0, targets, true);
        LoraConfig lc = lora.toConfig("random");
        try (CausalLM base = CausalLM.frozen(config, m -> HalfWeights.random(config, DType.BF16, 1, 0.02, m));
             LoraAdapter policyAdapter = LoraAdapter.create(base, lc, 2);
             LoraAdapter prmAdapter = LoraAdapter.create(base, lc, 3);
             PrmTrainer prm = new PrmTrainer(base, prmAdapter, new PrmSettings(1e-6, BETA, PrmUpdate.AFTER, 1,
                     MAX_GRAD_NORM, 0.0).withLora(lora));
             PolicyTrainer ppo = new PolicyTrainer(base, policyAdapter, new PolicySettings(1e-6, CLIP, 1, 1, 1,
                     MAX_GRAD_NORM, OldLogprobs.TRAINER, 0.0, 0.0, 0.0).withLora(lora))) {
            stage("base and adapters made");
            long start = System.nanoTime();
            // Reference log-probs: the base without an adapter (pi_ref is the base in LoRA PRIME).
            float[] all = logprobs(base, null, PaddedBatch.leftPad(List.of(seq), 0));
            float[] ref = Arrays.copyOfRange(all, prompt.length - 1, seq.length - 1);
            stage("reference log-probs");
            List<TrainSample> batch = List.of(new TrainSample(prompt, response, null, ref, 1));
            prm.step(batch, 1);
            stage("PRM step");
            ppo.update(batch, new double[][] {adv});
            stage("policy step (old log-probs, then PPO)");
            return (System.nanoTime() - start) / 1e9;
        }
    }

    /** Teacher-forced log-probs without recording a graph (the adapters' factors require gradients). */
    private static float[] logprobs(CausalLM base, LoraAdapter adapter, PaddedBatch batch) {
        boolean was = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        base.setAdapter(adapter);
        try (NDManager call = base.manager().newSubManager()) {
            return TokenLogprobs.compute(base, call, batch).toFloatArray();
        } finally {
            JniUtils.setGradMode(was);
        }
    }

    private static int[] tokens(Random rng, int n, int vocab) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = 1 + rng.nextInt(vocab - 1);
        }
        return t;
    }

    /** Progress with the memory so far, so that a run stopped early still says how far it got. */
    private static void stage(String what) {
        try {
            System.out.printf(java.util.Locale.ROOT, "%s done: RSS %.2f GiB, peak %.2f GiB%n", what,
                    status("VmRSS:") / MemoryBench.GIB, status("VmHWM:") / MemoryBench.GIB);
        } catch (IOException e) {
            System.out.println(what + " done");
        }
    }

    /** The kernel's peak resident set of this process (VmHWM), in bytes. */
    static long peakRssBytes() throws IOException {
        return status("VmHWM:");
    }

    private static long status(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("/proc/self/status has no " + field + " line (not Linux?)");
    }
}
