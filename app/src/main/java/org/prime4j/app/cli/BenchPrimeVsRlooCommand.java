package org.prime4j.app.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import org.prime4j.app.bench.PrimeVsRloo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prime4j bench prime-vs-rloo}: PRIME against outcome-only RLOO ({@link PrimeVsRloo}). */
@Command(name = "prime-vs-rloo", mixinStandardHelpOptions = true, description = {
    "PRIME and outcome-only RLOO (c_p = 0) from the same config (default: the demo's), one run per seed each, same"
            + " steps: training reward and held-out greedy accuracy per step (mean and min-max over seeds), the steps"
            + " PRIME needs to reach RLOO's final training reward, the final held-out difference, wall time per step.",
    "Writes prime-vs-rloo.json, prime-vs-rloo.png, summary.md and every run's directory into --out."})
final class BenchPrimeVsRlooCommand implements Callable<Integer> {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Training config (default: " + DemoCommand.CONFIG + ").")
    Path config;

    @Option(names = "--seeds", defaultValue = "0,1,2", split = ",", description = "Run seeds (default: ${DEFAULT-VALUE}).")
    List<Long> seeds;

    @Option(names = "--steps", defaultValue = "40", description = "Steps per run (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--eval-every", defaultValue = "10", description = "Held-out evaluation period; must divide"
            + " --steps (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--window", defaultValue = "5", description = "Steps averaged for the final training reward"
            + " (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: runs/prime-vs-rloo-<time>).")
    Path out;

    @Override
    public Integer call() throws Exception {
        PrintStream err = System.err;
        Path cfg = config != null ? config : BenchPrmCommand.locate(DemoCommand.CONFIG);
        if (cfg == null || !Files.isRegularFile(cfg)) {
            err.println("prime4j bench prime-vs-rloo: cannot find " + (cfg != null ? cfg : DemoCommand.CONFIG)
                    + "; run from the prime4j checkout or pass --config");
            return 2;
        }
        Path dir = (out != null ? out : Path.of("runs", "prime-vs-rloo-" + LocalDateTime.now().format(STAMP)))
                .toAbsolutePath().normalize();
        PrimeVsRloo.Result r;
        try {
            r = PrimeVsRloo.run(new PrimeVsRloo.Options(cfg, seeds, steps, evalEvery, Math.min(window, steps), dir),
                    err);
        } catch (IllegalArgumentException e) { // options, and config errors naming file, line and field
            err.println("prime4j bench prime-vs-rloo: " + e.getMessage());
            return 2;
        }
        spec.commandLine().getOut().print(PrimeVsRloo.summary(r));
        spec.commandLine().getOut().println("wrote " + dir.resolve("prime-vs-rloo.json") + ", "
                + dir.resolve("prime-vs-rloo.png") + ", " + dir.resolve("summary.md"));
        return 0;
    }
}
