package org.prime4j.app.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
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
import org.prime4j.model.config.ModelConfig;
import org.prime4j.model.generate.Generator;
import org.prime4j.model.generate.SamplingParams;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.nn.PaddedBatch;
import org.prime4j.model.nn.ParamNames;
import org.prime4j.model.score.TokenLogprobs;
import org.prime4j.model.train.AdamW;

/**
 * Measures the DJL model against PyTorch eager in the same run: training-step tokens/s (forward, -mean log-prob
 * loss, backward, global-norm clip 1.0, AdamW; FP32) and greedy KV-cache generation tokens/s, plus the GFLOP/s
 * a plain 1024^3 matmul reaches on each side, so the model's achieved GFLOP/s can be read against the
 * machine's peak. The PyTorch side is {@code bench_torch_step.py} (shipped in this jar) run as a subprocess.
 */
public final class ModelBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MATMUL = 1024;

    private ModelBench() {}

    /** What to measure for one model. */
    public record Workload(String name, ModelConfig config, int trainBatch, int trainSeq, int trainSteps,
                           int genBatch, int genPrompt, int genNew, int genReps) {}

    /** One side's figures; NaN where not measured. */
    public record Side(String engine, double trainTokensPerSec, double genTokensPerSec, double matmulGflops,
                       double trainGflops, double trainTokensPerCpuSec, double genTokensPerCpuSec) {}

    /** Both sides for one workload; torch is null when it could not run, with the reason in torchNote. */
    public record Result(Workload workload, long params, Side djl, Side torch, String torchNote) {
        public double trainRatio() {
            return torch == null ? Double.NaN : djl.trainTokensPerSec() / torch.trainTokensPerSec();
        }

        public double genRatio() {
            return torch == null ? Double.NaN : djl.genTokensPerSec() / torch.genTokensPerSec();
        }
    }

    /** The demo-sized model (docs/design.md "Demo sizing") and the Qwen2-shaped 26.8M-parameter model. */
    public static List<Workload> standardWorkloads(int trainSteps) {
        ModelConfig tiny = new ModelConfig(ModelConfig.Architecture.QWEN2, 64, 160, 2, 4, 2, 16, 1e-6, 10000.0,
                256, 512, true, true, false, -1, List.of(), "float32");
        ModelConfig qwen = new ModelConfig(ModelConfig.Architecture.QWEN2, 512, 1408, 8, 8, 2, 64, 1e-6,
                1000000.0, 4096, 1024, false, true, false, -1, List.of(), "float32");
        return List.of(
                new Workload("tiny-0.1M", tiny, 32, 40, trainSteps * 3, 32, 15, 25, 5),
                new Workload("qwen2-26.8M", qwen, 8, 256, trainSteps, 8, 32, 64, 2));
    }

    /**
     * Runs one workload on both sides.
     *
     * @param python interpreter with torch, or null to skip the PyTorch side
     */
    public static Result run(Workload w, int threads, Path python, PrintWriter log) throws IOException {
        DjlRuntime.pytorch();
        JniUtils.setNumThreads(threads);
        say(log, "[%s] DJL: %d threads%n", w.name(), JniUtils.getNumThreads());
        Side djl = measureDjl(w, log);
        Side torch = null;
        String note;
        if (python == null) {
            note = "PyTorch side skipped (--no-torch)";
        } else {
            say(log, "[%s] PyTorch eager via %s%n", w.name(), python);
            TorchOutcome t = runTorch(w, threads, python);
            torch = t.side();
            note = t.note();
        }
        return new Result(w, ParamNames.count(w.config()), djl, torch, note);
    }

    private static Side measureDjl(Workload w, PrintWriter log) {
        double matmul = matmulGflops(5);
        double trainTps;
        double genTps;
        double[] trainCpu;
        double[] genCpu;
        try (CausalLM model = CausalLM.random(w.config(), 0, 0.02)) {
            model.setTrainable(true);
            Random rng = new Random(1);
            List<int[]> rows = new ArrayList<>();
            for (int r = 0; r < w.trainBatch(); r++) {
                rows.add(randomTokens(rng, w.trainSeq(), w.config().vocabSize()));
            }
            PaddedBatch batch = PaddedBatch.leftPad(rows, 0);
            try (AdamW opt = new AdamW(model.manager(), model.parameters(), AdamW.Settings.of(1e-4, 0.01))) {
                double[] times = timed(() -> trainStep(model, batch, opt), 2, w.trainSteps());
                trainCpu = LAST_CPU.get();
                say(log, "[%s] DJL train step s: %s, process CPU s: %s%n", w.name(), Arrays.toString(times),
                        Arrays.toString(trainCpu));
                trainTps = w.trainBatch() * w.trainSeq() / best(times);
            }
            model.setTrainable(false);
            List<Generator.Request> reqs = new ArrayList<>();
            Random g = new Random(2);
            for (int r = 0; r < w.genBatch(); r++) {
                reqs.add(new Generator.Request(randomTokens(g, w.genPrompt(), w.config().vocabSize()),
                        SamplingParams.greedy(w.genNew()).withIgnoreEos(true)));
            }
            double[] gen = timed(() -> Generator.generate(model, reqs, null), 1, w.genReps());
            genCpu = LAST_CPU.get();
            say(log, "[%s] DJL generation s: %s, process CPU s: %s%n", w.name(), Arrays.toString(gen),
                    Arrays.toString(genCpu));
            genTps = w.genBatch() * w.genNew() / best(gen);
        }
        return new Side("DJL " + ai.djl.engine.Engine.getEngine("PyTorch").getVersion(), trainTps, genTps, matmul,
                trainFlops(w) * trainTps / (w.trainBatch() * w.trainSeq()) / 1e9,
                w.trainBatch() * w.trainSeq() / best(trainCpu), w.genBatch() * w.genNew() / best(genCpu));
    }

    private static void trainStep(CausalLM model, PaddedBatch batch, AdamW opt) {
        try (NDManager call = model.manager().newSubManager();
             GradientCollector gc = DjlRuntime.pytorch().newGradientCollector()) {
            NDArray lp = TokenLogprobs.compute(model, call, batch);
            gc.backward(lp.mean().neg());
        }
        opt.clipAndStep(1.0, 1.0);
    }

    private static double matmulGflops(int reps) {
        try (NDManager m = DjlRuntime.pytorch().newBaseManager()) {
            NDArray a = m.randomNormal(new ai.djl.ndarray.types.Shape(MATMUL, MATMUL));
            NDArray b = m.randomNormal(new ai.djl.ndarray.types.Shape(MATMUL, MATMUL));
            double[] t = timed(() -> {
                try (NDArray c = a.matMul(b)) {
                    c.getFloat(0, 0); // forces completion on any device
                }
            }, 2, reps);
            return 2.0 * MATMUL * MATMUL * MATMUL / best(t) / 1e9;
        }
    }

    /**
     * FLOPs of one training step: 3 x forward (backward ~ 2 x forward), forward = 2 x matmul parameters x tokens
     * (projections and lm_head; embedding lookup is free) + the two (T x T) attention products per layer.
     */
    public static double trainFlops(Workload w) {
        ModelConfig c = w.config();
        long d = c.hiddenSize();
        long q = (long) c.numAttentionHeads() * c.headDim();
        long kv = (long) c.numKeyValueHeads() * c.headDim();
        long perLayer = d * (q + 2 * kv) + q * d + 3 * d * c.intermediateSize();
        double matmulParams = (double) c.numHiddenLayers() * perLayer + (double) c.vocabSize() * d;
        double tokens = (double) w.trainBatch() * w.trainSeq();
        double attention = 4.0 * c.numHiddenLayers() * w.trainBatch() * (double) w.trainSeq() * w.trainSeq() * q;
        return 3 * (2 * matmulParams * tokens + attention);
    }

    private record TorchOutcome(Side side, String note) {}

    private static TorchOutcome runTorch(Workload w, int threads, Path python) throws IOException {
        if (!Files.isExecutable(python)) {
            return new TorchOutcome(null, "PyTorch side not run: " + python + " is not an executable interpreter");
        }
        Path dir = Files.createTempDirectory("prime4j-bench-");
        try {
            for (String f : List.of("bench_torch_step.py", "torch_reference.py")) {
                try (InputStream in = ModelBench.class.getResourceAsStream("/python/" + f)) {
                    if (in == null) {
                        throw new IOException("python/" + f + " is missing from the prime4j-model jar");
                    }
                    Files.copy(in, dir.resolve(f));
                }
            }
            Process p = new ProcessBuilder(python.toString(), dir.resolve("bench_torch_step.py").toString(),
                    spec(w, threads)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(1, TimeUnit.HOURS) || p.exitValue() != 0) {
                return new TorchOutcome(null, "PyTorch side failed (exit " + p.exitValue() + "): " + out);
            }
            JsonNode r = JSON.readTree(out.substring(out.lastIndexOf('\n') + 1));
            if (r.has("error")) {
                return new TorchOutcome(null, "PyTorch side not run: " + r.get("error").asText());
            }
            double tps = r.get("train_tokens_per_s").asDouble();
            return new TorchOutcome(new Side("torch " + r.get("torch_version").asText() + " eager", tps,
                    r.get("gen_tokens_per_s").asDouble(), r.get("matmul_gflops").asDouble(),
                    trainFlops(w) * tps / (w.trainBatch() * w.trainSeq()) / 1e9,
                    r.get("train_tokens_per_cpu_s").asDouble(), r.get("gen_tokens_per_cpu_s").asDouble()),
                    "torch train step s: " + r.get("train_step_s") + ", process CPU s: " + r.get("train_cpu_s")
                            + ", generation s: " + r.get("gen_s") + ", process CPU s: " + r.get("gen_cpu_s"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the PyTorch side", e);
        } finally {
            for (String f : List.of("bench_torch_step.py", "torch_reference.py")) {
                Files.deleteIfExists(dir.resolve(f));
            }
            Files.deleteIfExists(dir);
        }
    }

    static String spec(Workload w, int threads) {
        ModelConfig c = w.config();
        ObjectNode s = JSON.createObjectNode();
        s.put("threads", threads).put("seed", 0).put("matmul", MATMUL).put("matmul_reps", 5);
        ObjectNode cfg = s.putObject("config");
        cfg.put("hidden_size", c.hiddenSize()).put("intermediate_size", c.intermediateSize())
                .put("num_hidden_layers", c.numHiddenLayers()).put("num_attention_heads", c.numAttentionHeads())
                .put("num_key_value_heads", c.numKeyValueHeads()).put("head_dim", c.headDim())
                .put("rms_norm_eps", c.rmsNormEps()).put("rope_theta", c.ropeTheta())
                .put("vocab_size", c.vocabSize()).put("tie_word_embeddings", c.tieWordEmbeddings())
                .put("attention_bias", c.attentionBias()).put("mlp_bias", c.mlpBias());
        s.putObject("train").put("batch", w.trainBatch()).put("seq", w.trainSeq()).put("warmup", 2)
                .put("steps", w.trainSteps());
        s.putObject("gen").put("batch", w.genBatch()).put("prompt", w.genPrompt()).put("new", w.genNew())
                .put("warmup", 1).put("reps", w.genReps());
        return s.toString();
    }

    /** A Markdown table of results. */
    public static String table(List<Result> results) {
        StringBuilder sb = new StringBuilder();
        sb.append("| model | params | engine | train tokens/s | train tokens/CPU-s | train GFLOP/s (% of matmul) "
                + "| gen tokens/s | gen tokens/CPU-s | 1024^3 matmul GFLOP/s |\n|---|---|---|---|---|---|---|---|---|\n");
        for (Result r : results) {
            for (Side s : r.torch() == null ? List.of(r.djl()) : List.of(r.djl(), r.torch())) {
                sb.append(String.format("| %s | %.2fM | %s | %.0f | %.0f | %.2f (%.0f%%) | %.0f | %.0f | %.1f |%n",
                        r.workload().name(), r.params() / 1e6, s.engine(), s.trainTokensPerSec(),
                        s.trainTokensPerCpuSec(), s.trainGflops(),
                        100 * s.trainGflops() / s.matmulGflops(), s.genTokensPerSec(), s.genTokensPerCpuSec(),
                        s.matmulGflops()));
            }
        }
        sb.append("\n| model | DJL / PyTorch train (wall) | train (CPU time) | generation (wall) "
                + "| generation (CPU time) |\n|---|---|---|---|---|\n");
        for (Result r : results) {
            sb.append(r.torch() == null
                    ? String.format("| %s | n/a | n/a | n/a | n/a |%n", r.workload().name())
                    : String.format("| %s | %.2f | %.2f | %.2f | %.2f |%n", r.workload().name(), r.trainRatio(),
                            r.djl().trainTokensPerCpuSec() / r.torch().trainTokensPerCpuSec(), r.genRatio(),
                            r.djl().genTokensPerCpuSec() / r.torch().genTokensPerCpuSec()));
        }
        for (Result r : results) {
            if (r.torch() == null) {
                sb.append("\n").append(r.workload().name()).append(": ").append(r.torchNote()).append('\n');
            }
        }
        return sb.toString();
    }

    private static void say(PrintWriter log, String format, Object... args) {
        log.printf(format, args);
        log.flush();
    }

    private static int[] randomTokens(Random rng, int n, int vocab) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = rng.nextInt(vocab);
        }
        return t;
    }

    /** Process CPU seconds (all threads, libtorch's included) of each repetition of the last {@link #timed}. */
    private static final ThreadLocal<double[]> LAST_CPU = new ThreadLocal<>();

    private static double[] timed(Runnable fn, int warmup, int reps) {
        for (int i = 0; i < warmup; i++) {
            fn.run();
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double[] t = new double[reps];
        double[] cpu = new double[reps];
        for (int i = 0; i < reps; i++) {
            long c0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            fn.run();
            t[i] = (System.nanoTime() - t0) / 1e9;
            cpu[i] = (os.getProcessCpuTime() - c0) / 1e9;
        }
        LAST_CPU.set(cpu);
        return t;
    }

    /** Best of the repetitions: on a shared machine other load only ever adds time. */
    private static double best(double[] xs) {
        return Arrays.stream(xs).min().orElseThrow();
    }
}
