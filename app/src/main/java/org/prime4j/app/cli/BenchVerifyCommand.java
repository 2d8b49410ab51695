package org.prime4j.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.prime4j.app.cli.BenchmarkData;
import org.prime4j.verifiers.Verifier;
import org.prime4j.verifiers.VerifierRegistry;
import org.prime4j.app.bench.BenchItems;
import org.prime4j.app.bench.VerifierBench;
import org.prime4j.verifiers.plugin.PluginException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prime4j bench verify}: verifications per second of every registered verifier that has an item set. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {
            "Math and code verifications per second (and any plugin's, given --items).",
            "Each registered verifier runs on a fixed item set: math on MATH-500, code on HumanEval (from --data),",
            "others on the lines of --items naming them. Baseline: the verifier on a plain one-thread executor;",
            "then the verification pool at each --parallelism. After warm-up, --rounds rounds time each mode in turn",
            "on items no pass has seen (MATH-500 pairs answers anew each pass). Prints a Markdown table."
        })
final class BenchVerifyCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Benchmark data directory (default: the repository's data/bench).")
    Path data;

    @Option(names = "--items", paramLabel = "FILE", description = "More items, JSONL as for 'prime4j verify --input' (repeatable).")
    List<Path> items = new ArrayList<>();

    @Option(names = "--plugins", paramLabel = "DIR|JAR", split = ",", description = "Plugin jars or directories (repeatable).")
    List<Path> plugins = new ArrayList<>();

    @Option(names = "--parallelism", paramLabel = "N", split = ",",
            description = "Pool sizes to measure (default: 1 and the number of cores).")
    List<Integer> parallelism = new ArrayList<>();

    @Option(names = "--limit", paramLabel = "N",
            description = "At most N items per verifier (default: all, but 32 for code, whose items start Python).")
    Integer limit;

    @Option(names = "--warm", paramLabel = "N", defaultValue = "2",
            description = "Untimed warm-up passes before timing (default: ${DEFAULT-VALUE}).")
    int warm;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "3",
            description = "Timed passes per mode, each over items no earlier pass saw where the set allows (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30", description = "Deadline per item.")
    double timeoutSeconds;

    @Option(names = "--only", paramLabel = "NAME", split = ",", description = "Only these verifiers.")
    List<String> only = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        VerifierRegistry registry;
        try {
            registry = VerifierRegistry.withPlugins(plugins);
        } catch (PluginException e) {
            err.println("prime4j bench verify: " + e.getMessage());
            return VerifyCommand.EXIT_BAD_INPUT;
        }
        Path dir;
        try {
            dir = data != null ? data : BenchmarkData.locate("--data");
        } catch (IllegalArgumentException e) {
            err.println("prime4j bench verify: " + e.getMessage());
            return VerifyCommand.EXIT_BAD_INPUT;
        }
        Map<String, BenchItems.ItemSet> sets = new LinkedHashMap<>();
        BenchItems.math(dir).ifPresent(s -> sets.put(s.verifier(), s));
        BenchItems.code(dir).ifPresent(s -> sets.put(s.verifier(), s));
        for (Path f : items) {
            try {
                for (BenchItems.ItemSet s : BenchItems.jsonl(f)) {
                    sets.put(s.verifier(), s);
                }
            } catch (IOException e) {
                err.println("prime4j bench verify: " + e.getMessage());
                return VerifyCommand.EXIT_BAD_INPUT;
            }
        }
        List<Integer> sizes = parallelism.isEmpty()
                ? List.of(1, Math.max(2, Runtime.getRuntime().availableProcessors())) : parallelism;
        VerifierBench bench = new VerifierBench(Duration.ofMillis(Math.round(timeoutSeconds * 1000)));
        out.printf(Locale.ROOT, "%d cores, JVM %s, deadline %.0f s per item%n%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), timeoutSeconds);
        out.println("| verifier | items | mode | seconds | verifications/s | vs baseline | mean score | timeouts | errors |");
        out.println("|---|---|---|---:|---:|---:|---:|---:|---:|");
        for (String name : registry.names()) {
            if (!only.isEmpty() && !only.contains(name)) {
                continue;
            }
            Optional<BenchItems.ItemSet> set = Optional.ofNullable(sets.get(name));
            if (set.isEmpty()) {
                err.println("prime4j bench verify: skipped '" + name + "': no item set (give --items FILE with its lines)");
                continue;
            }
            Verifier v = registry.get(name);
            List<VerifierBench.Row> rows;
            try {
                int max = limit != null ? limit : set.get().defaultLimit();
                rows = bench.run(v, set.get(), max, warm, rounds, sizes.stream().mapToInt(Integer::intValue).toArray());
            } catch (Exception e) {
                err.println("prime4j bench verify: '" + name + "' cannot run here: " + e.getMessage());
                continue;
            }
            double base = rows.get(0).perSecond();
            for (VerifierBench.Row r : rows) {
                out.printf(Locale.ROOT, "| %s | %d (%s) | %s | %.2f | %.1f | %.2fx | %.3f | %d | %d |%n", r.verifier(),
                        r.items(), set.get().description(), r.mode(), r.seconds(), r.perSecond(), r.perSecond() / base,
                        r.scoreSum() / r.items(), r.timeouts(), r.errors());
                out.flush();
            }
        }
        return 0;
    }
}
