package org.prime4j.app.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.prime4j.verifiers.Verification;
import org.prime4j.verifiers.VerificationItem;
import org.prime4j.verifiers.code.CodeVerifier;
import org.prime4j.verifiers.code.CodeVerifierConfig;
import org.prime4j.verifiers.code.SandboxMode;
import org.prime4j.verifiers.code.SandboxUnavailableException;

/**
 * Code verifications per second on the 164 HumanEval canonical solutions, 1 and 2 items at a time, for each
 * sandbox that works here. The baseline, measured in the same run, is the bare cost of the same programs:
 * one plain {@code python3} process per item (these are the benchmark's own trusted solutions), so the ratio
 * is what the sandbox and harness cost on top of starting Python.
 */
public final class CodeVerifierBench {

    private static final int[] CONCURRENCY = {1, 2};
    private static final String BASELINE = "bare python3 (baseline, unsandboxed)";

    private CodeVerifierBench() {
    }

    public static void run(Path humanEvalJsonl, PrintStream out) throws Exception {
        run(humanEvalJsonl, out, 2);
    }

    /** @param rounds how many interleaved rounds each runner gets; its best one is reported */
    public static void run(Path humanEvalJsonl, PrintStream out, int rounds) throws Exception {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
        }
        if (!Files.isRegularFile(humanEvalJsonl)) {
            throw new IOException("HumanEval not found: " + humanEvalJsonl);
        }
        List<VerificationItem> items = new ArrayList<>();
        List<String> programs = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(humanEvalJsonl)) {
            if (line.isBlank()) {
                continue;
            }
            ObjectNode p = (ObjectNode) json.readTree(line);
            String solution = p.get("canonical_solution").asText();
            programs.add(p.get("prompt").asText() + solution + "\n" + p.get("test").asText() + "\ncheck("
                    + p.get("entry_point").asText() + ")\n");
            ObjectNode extra = p.deepCopy();
            extra.remove(List.of("canonical_solution", "task_id"));
            items.add(new VerificationItem(solution, "", extra));
        }
        CodeVerifierConfig defaults = CodeVerifierConfig.defaults();
        out.printf(Locale.ROOT, "code verifier on %d HumanEval canonical solutions, %d cores, python %s, "
                + "load average at start %s, best of %d interleaved rounds%n%n", items.size(),
                Runtime.getRuntime().availableProcessors(), defaults.python(), loadAverage(), rounds);
        // runner name -> how it checks one item; the baseline first
        Map<String, Check<Integer>> runners = new LinkedHashMap<>();
        Path python = defaults.python();
        runners.put(BASELINE, i -> barePython(python, programs.get(i)));
        for (SandboxMode mode : List.of(SandboxMode.BWRAP, SandboxMode.UNSHARE)) {
            CodeVerifier v = new CodeVerifier(defaults.withSandbox(mode));
            String name = "code verifier, " + mode.name().toLowerCase(Locale.ROOT);
            try {
                v.warmUp();
                runners.put(name, i -> v.verify(items.get(i)).score() == 1.0);
            } catch (SandboxUnavailableException e) {
                out.printf("(%s: unavailable here)%n", name);
            }
        }
        List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            indices.add(i);
        }
        // interleaving the runners round by round and keeping each one's best round spreads the load of a
        // shared machine over all of them, so the ratios to the baseline stay meaningful
        Map<String, Measured> best = new LinkedHashMap<>();
        for (int r = 0; r < rounds; r++) {
            for (var e : runners.entrySet()) {
                for (int c : CONCURRENCY) {
                    Measured m = measure(indices, c, e.getValue());
                    best.merge(e.getKey() + "\t" + c, m, (a, b) -> a.perSecond() >= b.perSecond() ? a : b);
                }
            }
        }
        out.println("| runner | items at a time | verifications/s | vs bare python3 | all passed |");
        out.println("|---|---|---|---|---|");
        for (var e : best.entrySet()) {
            String[] key = e.getKey().split("\t");
            double base = best.get(BASELINE + "\t" + key[1]).perSecond();
            row(out, key[0], Integer.parseInt(key[1]), e.getValue(), e.getValue().perSecond() / base);
        }
    }

    private static void row(PrintStream out, String runner, int c, Measured m, double ratio) {
        out.printf(Locale.ROOT, "| %s | %d | %.1f | %.2fx | %d/%d |%n", runner, c, m.perSecond(), ratio,
                m.passed(), m.total());
    }

    private record Measured(double perSecond, int passed, int total) {
    }

    private interface Check<T> {
        boolean passes(T t) throws Exception;
    }

    private static <T> Measured measure(List<T> work, int concurrency, Check<T> check) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            List<Callable<Boolean>> tasks = new ArrayList<>();
            for (T t : work) {
                tasks.add(() -> check.passes(t));
            }
            pool.invokeAll(tasks.subList(0, Math.min(8, tasks.size()))); // warm caches and the JIT
            long t0 = System.nanoTime();
            int passed = 0;
            for (Future<Boolean> f : pool.invokeAll(tasks)) {
                passed += f.get() ? 1 : 0;
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new Measured(work.size() / seconds, passed, work.size());
        } finally {
            pool.shutdownNow();
        }
    }

    private static boolean barePython(Path python, String program) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(python.toString(), "-I", "-B", "-c", program)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return false;
        }
        return p.exitValue() == 0;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "unknown";
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 1) {
            run(Path.of(args[0]), System.out, Integer.parseInt(args[1]));
        } else if (args.length > 0) {
            run(Path.of(args[0]), System.out);
        } else {
            System.err.println("usage: CodeVerifierBench HUMANEVAL_JSONL [ITEMS]  (the repository ships data/bench/HumanEval.jsonl)");
            System.exit(2);
        }
    }
}
