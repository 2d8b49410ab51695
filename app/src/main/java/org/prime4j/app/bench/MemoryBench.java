package org.prime4j.app.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.prime4j.model.config.ModelConfig;
import org.prime4j.model.config.ModelConfig.Architecture;
import org.prime4j.model.nn.ParamNames;

/**
 * {@code prime4j bench memory}: the peak resident memory of one PRIME update (PRM step + policy step on one
 * micro-batch of 1 x (32 prompt + 256 response) tokens) for real model shapes with random weights, full FP32
 * training of two models against LoRA over one 16-bit base, each in a child JVM of its own (VmHWM is a
 * per-process peak), beside the bytes {@link UpdateMemory} predicts. A mode whose prediction exceeds the
 * memory available now is skipped, with its prediction printed.
 */
public final class MemoryBench {

    static final double GIB = 1024.0 * 1024 * 1024;

    /** Shapes from the models' config.json (Qwen3 with its per-head q/k norms, no q/k/v bias). */
    static final Map<String, ModelConfig> SHAPES = new LinkedHashMap<>();

    static {
        SHAPES.put("qwen2.5-0.5b", qwen(Architecture.QWEN2, 896, 4864, 24, 14, 2, 64, 151936, true, true));
        SHAPES.put("qwen2.5-1.5b", qwen(Architecture.QWEN2, 1536, 8960, 28, 12, 2, 128, 151936, true, true));
        SHAPES.put("qwen3-1.7b", qwen(Architecture.QWEN3, 2048, 6144, 28, 16, 8, 128, 151936, true, false));
        SHAPES.put("qwen2.5-7b", qwen(Architecture.QWEN2, 3584, 18944, 28, 28, 4, 128, 152064, false, true));
        SHAPES.put("qwen3-8b", qwen(Architecture.QWEN3, 4096, 12288, 36, 32, 8, 128, 151936, false, false));
    }

    private static ModelConfig qwen(Architecture a, int d, int f, int layers, int heads, int kv, int headDim,
                                    int vocab, boolean tied, boolean qkvBias) {
        return new ModelConfig(a, d, f, layers, heads, kv, headDim, 1e-6, 1e6, vocab, 32768, tied, qkvBias, false,
                -1, List.of(), "bfloat16");
    }

    public static ModelConfig shape(String name) {
        ModelConfig c = SHAPES.get(name);
        if (c == null) {
            throw new IllegalArgumentException("unknown shape " + name + "; known: " + SHAPES.keySet());
        }
        return c;
    }

    /** One row of the table: measured peak (or null when skipped / failed) beside the prediction. */
    public record Row(String shape, String mode, long parameters, long predicted, Long measured, double seconds,
                      String note) {}

    public static List<Row> run(List<String> shapes, List<String> modes, int rank, List<String> targets,
                                PrintWriter out) throws IOException, InterruptedException {
        int tokens = MemoryUpdate.PROMPT + MemoryUpdate.RESPONSE;
        Row runtime = child("-", "runtime", rank, targets, 0, 0, out);
        long base = runtime.measured() == null ? 0 : runtime.measured();
        say(out, "runtime (JVM + libtorch, no model): %.2f GiB peak RSS%n", base / GIB);
        List<Row> rows = new ArrayList<>();
        for (String s : shapes) {
            ModelConfig c = shape(s);
            for (String mode : modes) {
                UpdateMemory m = mode.equals("full") ? UpdateMemory.full(c, tokens)
                        : UpdateMemory.lora(c, tokens, rank, targets);
                long predicted = m.total() + base;
                long available = availableBytes();
                say(out, "[%s %s] predicted %.2f GiB (weights %.2f, grads %.2f, moments %.2f, activations %.2f,"
                        + " runtime %.2f); available %.2f GiB%n", s, mode, predicted / GIB, m.weights() / GIB,
                        m.gradients() / GIB, m.moments() / GIB, m.activations() / GIB, base / GIB, available / GIB);
                if (predicted > available) {
                    rows.add(new Row(s, mode, ParamNames.count(c), predicted, null, Double.NaN,
                            String.format(Locale.ROOT, "skipped: needs %.1f GiB, %.1f available", predicted / GIB,
                                    available / GIB)));
                    say(out, "[%s %s] skipped%n", s, mode);
                    continue;
                }
                rows.add(child(s, mode, rank, targets, ParamNames.count(c), predicted, out));
            }
        }
        return rows;
    }

    private static Row child(String shape, String mode, int rank, List<String> targets, long params, long predicted,
                             PrintWriter out) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx3g", "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true",
                "-cp", System.getProperty("java.class.path"), MemoryUpdate.class.getName(), shape, mode,
                Integer.toString(rank), String.join(",", targets)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String result = null;
        List<String> tail = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith(MemoryUpdate.RESULT)) {
                    result = line;
                } else if (!line.isBlank()) {
                    if (!mode.equals("runtime")) {
                        say(out, "  [%s %s] %s%n", shape, mode, line);
                    }
                    tail.add(line);
                    if (tail.size() > 5) {
                        tail.remove(0);
                    }
                }
            }
        }
        int code = p.waitFor();
        if (result == null) {
            String why = "child exited " + code + (tail.isEmpty() ? "" : ": " + tail.get(tail.size() - 1));
            say(out, "[%s %s] failed: %s%n", shape, mode, String.join(" | ", tail));
            return new Row(shape, mode, params, predicted, null, Double.NaN, why);
        }
        String[] f = result.split(" ");
        Row row = new Row(shape, mode, params, predicted, Long.parseLong(f[3]), Double.parseDouble(f[4]), "");
        if (!mode.equals("runtime")) {
            say(out, "[%s %s] measured peak RSS %.2f GiB (predicted %.2f), update %.1f s%n", shape, mode,
                    row.measured() / GIB, predicted / GIB, row.seconds());
        }
        return row;
    }

    /** MemAvailable from /proc/meminfo: what a new process can take without swapping others out. */
    static long availableBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemAvailable:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("/proc/meminfo has no MemAvailable line");
    }

    /** The formula alone (no process overhead) for a micro-batch of {@code tokens}, GiB per part. */
    public static String predictions(List<String> shapes, int rank, List<String> targets, int tokens) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "tokens %d, LoRA rank %d on %s; GiB, without the process itself (the bench measures it: JVM + libtorch)%n", tokens, rank,
                String.join(",", targets)));
        sb.append("| shape | params | mode | weights | grads | AdamW moments | activations | total |\n");
        sb.append("|---|---|---|---|---|---|---|---|\n");
        for (String s : shapes) {
            ModelConfig c = shape(s);
            for (String mode : List.of("full", "lora")) {
                UpdateMemory m = mode.equals("full") ? UpdateMemory.full(c, tokens)
                        : UpdateMemory.lora(c, tokens, rank, targets);
                sb.append(String.format(Locale.ROOT, "| %s | %.2fB | %s | %.1f | %.1f | %.1f | %.1f | %.1f |%n", s,
                        ParamNames.count(c) / 1e9, mode, m.weights() / GIB, m.gradients() / GIB,
                        m.moments() / GIB, m.activations() / GIB, m.total() / GIB));
            }
        }
        return sb.toString();
    }

    public static String table(List<Row> rows, int rank, List<String> targets) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "LoRA: rank %d on %s; peak = process VmHWM%n", rank,
                String.join(",", targets)));
        sb.append("| shape | params | mode | predicted GiB | measured GiB | measured/predicted | s/update | note |\n");
        sb.append("|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %.2fB | %s | %.2f | %s | %s | %s | %s |%n", r.shape(),
                    r.parameters() / 1e9, r.mode(), r.predicted() / GIB,
                    r.measured() == null ? "-" : String.format(Locale.ROOT, "%.2f", r.measured() / GIB),
                    r.measured() == null ? "-" : String.format(Locale.ROOT, "%.2f", (double) r.measured() / r.predicted()),
                    Double.isNaN(r.seconds()) ? "-" : String.format(Locale.ROOT, "%.1f", r.seconds()), r.note()));
        }
        return sb.toString();
    }

    private static void say(PrintWriter out, String fmt, Object... args) {
        out.printf(Locale.ROOT, fmt, args);
        out.flush();
    }
}
