package org.prime4j.app.cli;

import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.prime4j.orchestrator.arithmetic.ArithmeticData;
import org.prime4j.app.demo.ArithmeticDemo;
import org.prime4j.app.demo.DemoOptions;
import org.prime4j.app.demo.DemoResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prime4j demo}: the arithmetic demo end to end, no arguments needed. */
@Command(name = "demo", mixinStandardHelpOptions = true, description = {
    "Train the arithmetic demo end to end on the embedded CPU server: from the shipped SFT checkpoint, PRIME RL "
            + "(examples/arithmetic/demo.yaml), held-out greedy accuracy before and after.",
    "Writes runs/demo-<time>/ (metrics.jsonl, plot.png, summary.md)."})
final class DemoCommand implements Callable<Integer> {

    static final String CONFIG = "examples/arithmetic/demo.yaml";

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--steps", description = "PRIME steps (default: the config's, 40).")
    Integer steps;

    @Option(names = "--seed", description = "Run seed (default: the config's, 0).")
    Long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory (default: runs/demo-<time>).")
    Path out;

    @Option(names = "--outcome-only", description = "The paper's baseline: outcome-only RLOO (c_p = 0, no PRM training).")
    boolean outcomeOnly;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The demo's training config (default: " + CONFIG + " in the working directory or the prime4j checkout).")
    Path config;

    @Option(names = "--eval-items", defaultValue = "0",
            description = "Held-out items scored before and after; 0: all (default: ${DEFAULT-VALUE}).")
    int evalItems;

    @Option(names = "--write-data", paramLabel = "DIR",
            description = "Only write the task's files (heldout.jsonl, train.jsonl, sft.jsonl) into DIR and exit.")
    Path writeData;

    @Option(names = "--data-seed", defaultValue = "2026", description = "Seed of --write-data (default: ${DEFAULT-VALUE}).")
    long dataSeed;

    @Option(names = "--data-sizes", defaultValue = "500,4000,25600", split = ",",
            description = "Held-out, RL-train and SFT item counts of --write-data (default: ${DEFAULT-VALUE}).")
    int[] dataSizes;

    @Override
    public Integer call() throws Exception {
        PrintStream err = System.err;
        var stdout = spec.commandLine().getOut();
        if (writeData != null) {
            if (dataSizes.length != 3) {
                err.println("prime4j demo: --data-sizes needs three counts (held-out, train, sft)");
                return 2;
            }
            ArithmeticData.writeAll(writeData, dataSeed, dataSizes[0], dataSizes[1], dataSizes[2]);
            stdout.println("wrote " + writeData.resolve(ArithmeticData.HELD_OUT) + ", "
                    + writeData.resolve(ArithmeticData.TRAIN) + ", " + writeData.resolve(ArithmeticData.SFT));
            return 0;
        }
        Path cfg = config != null ? config : locateConfig();
        if (cfg == null || !Files.isRegularFile(cfg)) {
            err.println("prime4j demo: cannot find " + (cfg != null ? cfg : CONFIG)
                    + "; run from the prime4j checkout or pass --config");
            return 2;
        }
        DemoResult r;
        try {
            r = ArithmeticDemo.run(new DemoOptions(cfg, out, steps, seed, outcomeOnly, evalItems, err));
        } catch (IllegalArgumentException e) { // config errors (ConfigException) name file, line and field
            err.println("prime4j demo: " + e.getMessage());
            return 2;
        }
        stdout.printf(Locale.ROOT, "held-out greedy accuracy: before %.3f (%d/%d), after %.3f (%d/%d); %d steps in %.1f min%n",
                r.before().accuracy(), r.before().correct(), r.before().total(), r.after().accuracy(),
                r.after().correct(), r.after().total(), r.training().lastStep(), r.minutes());
        stdout.println("metrics: " + r.metrics());
        stdout.println("plot:    " + r.plot());
        stdout.println("summary: " + r.summary());
        return 0;
    }

    /** The working directory's examples/, else the checkout that holds this jar (orchestrator/target/prime4j.jar). */
    private static Path locateConfig() {
        Path here = Path.of(CONFIG);
        if (Files.isRegularFile(here)) {
            return here;
        }
        try {
            Path jar = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path root = jar.getParent() == null ? null : jar.getParent().getParent();
            root = root == null ? null : root.getParent();
            return root == null ? null : root.resolve(CONFIG);
        } catch (URISyntaxException | SecurityException e) {
            return null;
        }
    }
}
