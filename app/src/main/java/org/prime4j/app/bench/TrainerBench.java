package org.prime4j.app.bench;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.prime4j.model.DjlRuntime;
import org.prime4j.app.bench.ModelBench;
import org.prime4j.model.config.HfConfigReader;
import org.prime4j.model.config.ModelConfig;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.orchestrator.train.OldLogprobs;
import org.prime4j.orchestrator.train.PolicySettings;
import org.prime4j.orchestrator.train.PolicyTrainer;
import org.prime4j.orchestrator.train.PrmSettings;
import org.prime4j.orchestrator.train.PrmTrainer;
import org.prime4j.orchestrator.train.PrmUpdate;
import org.prime4j.orchestrator.train.TrainSample;

/**
 * Measures the two trainer phases of one PRIME step, the implicit PRM step (mode after) and the PPO update
 * (old log-probs recomputed, one epoch), in DJL against PyTorch eager running the same algorithm
 * ({@code torch_trainer.py}, shipped in this jar, on the model module's {@code torch_reference.py}) on the
 * very same samples, in the same run. PyTorch takes each mini-batch in one pass; DJL uses the workload's
 * micro-batches.
 */
public final class TrainerBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TORCH_FILES =
            List.of("bench_torch_trainer.py", "torch_trainer.py", "torch_reference.py");

    private static final double PRM_LR = 1e-4;
    private static final double POLICY_LR = 1e-5;
    private static final double BETA = 0.05;
    private static final double CLIP_EPS = 0.2;
    private static final double MAX_GRAD_NORM = 1.0;
    private static final double WEIGHT_DECAY = 0.01;

    private TrainerBench() {}

    /**
     * One rollout batch's shape and the trainer settings.
     *
     * @param prompts     prompts per step; each gets {@code k} responses
     * @param promptLen   mean prompt length (uniform +- 20%)
     * @param responseLen mean response length (uniform +- 20%)
     */
    public record Workload(String name, ModelConfig config, int prompts, int k, int promptLen, int responseLen,
                           int miniBatch, int microBatch, int rounds) {}

    /** Best-of seconds per phase; NaN where not measured. */
    public record Side(String engine, double prmSeconds, double ppoSeconds) {}

    /** Both sides; torch is null when it could not run, with the reason in note. */
    public record Result(Workload workload, long tokens, Side djl, Side torch, String note) {
        /** > 1 when DJL is faster. */
        public double prmSpeedup() {
            return torch == null ? Double.NaN : torch.prmSeconds() / djl.prmSeconds();
        }

        public double ppoSpeedup() {
            return torch == null ? Double.NaN : torch.ppoSeconds() / djl.ppoSeconds();
        }
    }

    /**
     * The demo (docs/design.md "Demo sizing": 64 prompts x 4 samples, ~15 + ~25 tokens, the 0.1M model, 4 PPO
     * mini-batches) and a 26.8M-parameter Qwen2-shaped model on a smaller batch of longer responses.
     */
    public static List<Workload> standardWorkloads(int rounds) {
        List<ModelBench.Workload> models = ModelBench.standardWorkloads(1);
        return List.of(
                new Workload("demo-0.1M", models.get(0).config(), 64, 4, 15, 25, 64, 64, rounds),
                new Workload("qwen2-26.8M", models.get(1).config(), 4, 4, 32, 96, 8, 4, rounds));
    }

    /**
     * Runs one workload. The sides alternate round by round (DJL, then one PyTorch process with its own
     * warm-up), and each reports its best round, so a shared machine's changing load hits both alike.
     *
     * @param python interpreter with torch, or null to skip the PyTorch side
     */
    public static Result run(Workload w, int threads, Path python, PrintWriter log) throws IOException {
        DjlRuntime.pytorch();
        JniUtils.setNumThreads(threads);
        Batch b = batch(w, new Random(5));
        long tokens = 0;
        for (TrainSample s : b.samples()) {
            tokens += s.promptIds().length + s.responseIds().length;
        }
        say(log, "[%s] %d responses, %d tokens, DJL: %d threads%n", w.name(), b.samples().size(), tokens,
                JniUtils.getNumThreads());
        double[][] djl = new double[2][w.rounds()];
        double[][] torch = new double[2][w.rounds()];
        String engine = null;
        String note = python == null ? "PyTorch side skipped (--no-torch)" : null;
        try (CausalLM prmModel = CausalLM.random(w.config(), 1, 0.02);
             CausalLM policy = CausalLM.random(w.config(), 2, 0.02);
             PrmTrainer prm = new PrmTrainer(prmModel, new PrmSettings(PRM_LR, BETA, PrmUpdate.AFTER,
                     w.microBatch(), MAX_GRAD_NORM, WEIGHT_DECAY));
             PolicyTrainer ppo = new PolicyTrainer(policy, new PolicySettings(POLICY_LR, CLIP_EPS, w.miniBatch(),
                     w.microBatch(), 1, MAX_GRAD_NORM, OldLogprobs.TRAINER, 0.0, 0.0, WEIGHT_DECAY))) {
            prm.step(b.samples(), w.k());
            ppo.update(b.samples(), b.advantages());
            for (int round = 0; round < w.rounds(); round++) {
                djl[0][round] = seconds(() -> prm.step(b.samples(), w.k()));
                djl[1][round] = seconds(() -> ppo.update(b.samples(), b.advantages()));
                say(log, "[%s] round %d DJL: PRM %.3f s, PPO %.3f s%n", w.name(), round + 1, djl[0][round],
                        djl[1][round]);
                if (note == null) {
                    TorchRound t = runTorch(w, b, threads, python);
                    if (t.error() != null) {
                        note = t.error();
                    } else {
                        engine = t.engine();
                        torch[0][round] = t.prmSeconds();
                        torch[1][round] = t.ppoSeconds();
                        say(log, "[%s] round %d PyTorch: PRM %.3f s, PPO %.3f s%n", w.name(), round + 1,
                                torch[0][round], torch[1][round]);
                    }
                }
            }
        }
        Side djlSide = new Side("DJL " + ai.djl.engine.Engine.getEngine("PyTorch").getVersion(), best(djl[0]),
                best(djl[1]));
        Side torchSide = note == null ? new Side(engine, best(torch[0]), best(torch[1])) : null;
        return new Result(w, tokens, djlSide, torchSide, note == null ? "PyTorch via " + python : note);
    }

    private record TorchRound(String engine, double prmSeconds, double ppoSeconds, String error) {
        static TorchRound failed(String error) {
            return new TorchRound(null, Double.NaN, Double.NaN, error);
        }
    }

    private record Batch(List<TrainSample> samples, double[][] advantages) {}

    private static Batch batch(Workload w, Random rng) {
        int vocab = w.config().vocabSize();
        List<TrainSample> samples = new ArrayList<>();
        List<double[]> adv = new ArrayList<>();
        for (int p = 0; p < w.prompts(); p++) {
            int[] prompt = tokens(rng, around(rng, w.promptLen()), vocab);
            for (int k = 0; k < w.k(); k++) {
                int[] response = tokens(rng, around(rng, w.responseLen()), vocab);
                float[] ref = new float[response.length];
                double[] a = new double[response.length];
                for (int t = 0; t < ref.length; t++) {
                    ref[t] = (float) (-Math.log(vocab) + 0.5 * rng.nextGaussian());
                    a[t] = rng.nextGaussian();
                }
                samples.add(new TrainSample(prompt, response, null, ref, rng.nextBoolean() ? 1 : 0));
                adv.add(a);
            }
        }
        return new Batch(samples, adv.toArray(new double[0][]));
    }

    /** One PyTorch process: one warm-up and one timed run of each phase. */
    private static TorchRound runTorch(Workload w, Batch b, int threads, Path python) throws IOException {
        if (!Files.isExecutable(python)) {
            return TorchRound.failed("PyTorch side not run: " + python + " is not an executable interpreter");
        }
        Path dir = Files.createTempDirectory("prime4j-bench-trainer-");
        try {
            for (String f : TORCH_FILES) {
                try (InputStream in = TrainerBench.class.getResourceAsStream("/python/" + f)) {
                    if (in == null) {
                        throw new IOException("python/" + f + " is missing from the classpath (prime4j jars)");
                    }
                    Files.copy(in, dir.resolve(f));
                }
            }
            Files.writeString(dir.resolve("spec.json"), spec(w, b, threads));
            Process p = new ProcessBuilder(python.toString(), dir.resolve("bench_torch_trainer.py").toString(),
                    dir.resolve("spec.json").toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(1, TimeUnit.HOURS) || p.exitValue() != 0) {
                return TorchRound.failed("PyTorch side failed (exit " + p.exitValue() + "): " + out);
            }
            JsonNode r = JSON.readTree(out.substring(out.lastIndexOf('\n') + 1));
            if (r.has("error")) {
                return TorchRound.failed("PyTorch side not run: " + r.get("error").asText());
            }
            return new TorchRound("torch " + r.get("torch_version").asText() + " eager",
                    r.get("prm_s").get(0).asDouble(), r.get("ppo_s").get(0).asDouble(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the PyTorch side", e);
        } finally {
            for (String f : TORCH_FILES) {
                Files.deleteIfExists(dir.resolve(f));
            }
            Files.deleteIfExists(dir.resolve("spec.json"));
            Files.deleteIfExists(dir);
        }
    }

    private static String spec(Workload w, Batch b, int threads) throws IOException {
        ObjectNode s = JSON.createObjectNode();
        s.put("threads", threads).put("warmup", 1).put("reps", 1);
        s.set("config", JSON.readTree(HfConfigReader.toJson(w.config())));
        s.putObject("settings").put("beta", BETA).put("prm_lr", PRM_LR).put("policy_lr", POLICY_LR)
                .put("weight_decay", WEIGHT_DECAY).put("max_grad_norm", MAX_GRAD_NORM).put("clip_eps", CLIP_EPS)
                .put("mini_batch", w.miniBatch()).put("group", w.k());
        var samples = s.putArray("samples");
        for (TrainSample t : b.samples()) {
            ObjectNode o = samples.addObject();
            o.set("prompt", JSON.valueToTree(t.promptIds()));
            o.set("response", JSON.valueToTree(t.responseIds()));
            o.set("ref", JSON.valueToTree(t.refLogprobs()));
            o.put("outcome", t.outcome());
        }
        s.set("advantages", JSON.valueToTree(b.advantages()));
        return s.toString();
    }

    /** A Markdown table of results. */
    public static String table(List<Result> results) {
        StringBuilder sb = new StringBuilder();
        sb.append("| workload | responses | tokens | engine | PRM step s | PPO update s | PRM tokens/s "
                + "| PPO tokens/s |\n|---|---|---|---|---|---|---|---|\n");
        for (Result r : results) {
            for (Side s : r.torch() == null ? List.of(r.djl()) : List.of(r.djl(), r.torch())) {
                sb.append(String.format("| %s | %d | %d | %s | %.3f | %.3f | %.0f | %.0f |%n", r.workload().name(),
                        r.workload().prompts() * r.workload().k(), r.tokens(), s.engine(), s.prmSeconds(),
                        s.ppoSeconds(), r.tokens() / s.prmSeconds(), r.tokens() / s.ppoSeconds()));
            }
        }
        sb.append("\n| workload | PRM: PyTorch s / DJL s | PPO: PyTorch s / DJL s |\n|---|---|---|\n");
        for (Result r : results) {
            sb.append(r.torch() == null
                    ? String.format("| %s | n/a | n/a |%n", r.workload().name())
                    : String.format("| %s | %.2f | %.2f |%n", r.workload().name(), r.prmSpeedup(), r.ppoSpeedup()));
        }
        for (Result r : results) {
            if (r.torch() == null) {
                sb.append("\n").append(r.workload().name()).append(": ").append(r.note()).append('\n');
            }
        }
        return sb.toString();
    }

    private static int around(Random rng, int mean) {
        int spread = Math.max(1, mean / 5);
        return Math.max(1, mean - spread + rng.nextInt(2 * spread + 1));
    }

    private static int[] tokens(Random rng, int n, int vocab) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = rng.nextInt(vocab);
        }
        return t;
    }

    private static void say(PrintWriter log, String format, Object... args) {
        log.printf(format, args);
        log.flush();
    }

    private static double seconds(Runnable fn) {
        long t0 = System.nanoTime();
        fn.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Best of the repetitions: on a shared machine other load only ever adds time. */
    private static double best(double[] xs) {
        return Arrays.stream(xs).min().orElseThrow();
    }
}
