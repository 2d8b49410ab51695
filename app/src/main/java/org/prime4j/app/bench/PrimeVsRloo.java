package org.prime4j.app.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.prime4j.app.demo.ArithmeticDemo;
import org.prime4j.app.demo.DemoOptions;
import org.prime4j.orchestrator.config.RunSection;
import org.prime4j.orchestrator.config.TrainConfig;
import org.prime4j.orchestrator.loop.PrimeTraining;
import org.prime4j.orchestrator.loop.RunOptions;
import org.prime4j.orchestrator.loop.StepMetrics;
import org.prime4j.orchestrator.loop.TrainingSummary;

/**
 * {@code prime4j bench prime-vs-rloo}: the paper's comparison, small. PRIME and outcome-only RLOO (c_p = 0, the
 * PRM not trained; {@link ArithmeticDemo#config}) from the same config (same SFT model, data, steps, policy
 * settings), one run per seed each, through the loop's entry point. Reports the paper's two figures, the steps
 * PRIME needs to reach RLOO's final training reward and the final held-out difference, with the seed spread,
 * and the wall time per step of each method.
 */
public final class PrimeVsRloo {

    /**
     * @param config    the training config both methods run (examples/arithmetic/demo.yaml)
     * @param seeds     run seeds, each run by both methods
     * @param steps     steps per run
     * @param evalEvery held-out evaluation every this many steps; must divide {@code steps} (the last step is
     *                  always measured)
     * @param window    steps averaged for "final training reward" and for the reach criterion
     */
    public record Options(Path config, List<Long> seeds, int steps, int evalEvery, int window, Path out) {
        public Options {
            seeds = List.copyOf(seeds);
            if (seeds.isEmpty()) {
                throw new IllegalArgumentException("--seeds needs at least one seed");
            }
            if (steps < 1 || evalEvery < 1 || steps % evalEvery != 0) {
                throw new IllegalArgumentException("--eval-every " + evalEvery + " must divide --steps " + steps
                        + " (the final held-out accuracy is one of the two figures)");
            }
            if (window < 1 || window > steps) {
                throw new IllegalArgumentException("--window must be in [1, steps], got " + window);
            }
        }
    }

    /**
     * @param stepsToReach   first step at which PRIME's (windowed, seed-mean) training reward reaches RLOO's
     *                       final one; -1 if it never does
     * @param heldOutDiff    PRIME's final held-out mean minus RLOO's
     */
    public record Result(Options options, MethodCurves prime, MethodCurves rloo, double rlooFinalTrainReward,
                         int stepsToReach, double heldOutDiff, Map<String, Path> runs) {

        /** PRIME's wall time per step over RLOO's, minus 1 (the paper: +24%). */
        public double extraTimePerStep() {
            return prime.secondsPerStep() / rloo.secondsPerStep() - 1;
        }
    }

    private PrimeVsRloo() {}

    public static Result run(Options o, PrintStream log) throws IOException {
        Map<String, Path> runs = new LinkedHashMap<>();
        Map<Boolean, List<List<StepMetrics>>> byMethod = new LinkedHashMap<>();
        for (boolean outcomeOnly : new boolean[] {false, true}) {
            List<List<StepMetrics>> metrics = new ArrayList<>();
            for (long seed : o.seeds()) {
                String name = (outcomeOnly ? "rloo" : "prime") + "-seed" + seed;
                Path dir = o.out().resolve(name);
                TrainConfig c = ArithmeticDemo.config(new DemoOptions(o.config(), dir, o.steps(), seed, outcomeOnly,
                        0, log));
                RunSection r = c.run();
                c = c.withRun(new RunSection(r.out(), r.steps(), r.seed(), 0, o.evalEvery(), r.publishDtype(),
                        r.keepCheckpoints(), false));
                log.printf(Locale.ROOT, "prime-vs-rloo: %s, %d steps -> %s%n", name, o.steps(), dir);
                TrainingSummary s = PrimeTraining.run(c, RunOptions.defaults().withProgress(log));
                if (s.steps().size() != o.steps()) {
                    throw new IllegalStateException(name + " ran " + s.steps().size() + " of " + o.steps() + " steps");
                }
                metrics.add(s.steps());
                runs.put(name, dir);
            }
            byMethod.put(outcomeOnly, metrics);
        }
        MethodCurves prime = MethodCurves.of("PRIME", byMethod.get(false));
        MethodCurves rloo = MethodCurves.of("RLOO (outcome only)", byMethod.get(true));
        double target = rloo.finalTrainReward(o.window());
        Result result = new Result(o, prime, rloo, target, prime.stepsToReach(target, o.window()),
                prime.finalHeldOut()[0] - rloo.finalHeldOut()[0], runs);
        Files.createDirectories(o.out());
        PrmProbe.JSON.writeValue(o.out().resolve("prime-vs-rloo.json").toFile(), result);
        ComparisonPlot.write(o.out().resolve("prime-vs-rloo.png"), result);
        Files.writeString(o.out().resolve("summary.md"), summary(result));
        return result;
    }

    public static String summary(Result r) {
        StringBuilder b = new StringBuilder();
        double[] p = r.prime().finalHeldOut();
        double[] q = r.rloo().finalHeldOut();
        b.append(String.format(Locale.ROOT, "| method | seeds | final train reward (last %d steps) | final held-out"
                + " greedy, mean [min, max] | s/step |%n|---|---:|---:|---:|---:|%n", r.options().window()));
        b.append(String.format(Locale.ROOT, "| PRIME | %d | %.3f | %.3f [%.3f, %.3f] | %.2f |%n",
                r.options().seeds().size(), r.prime().finalTrainReward(r.options().window()), p[0], p[1], p[2],
                r.prime().secondsPerStep()));
        b.append(String.format(Locale.ROOT, "| RLOO (c_p = 0) | %d | %.3f | %.3f [%.3f, %.3f] | %.2f |%n%n",
                r.options().seeds().size(), r.rlooFinalTrainReward(), q[0], q[1], q[2], r.rloo().secondsPerStep()));
        b.append(String.format(Locale.ROOT, "- steps PRIME needs to reach RLOO's final training reward %.3f: %s of %d%n",
                r.rlooFinalTrainReward(), r.stepsToReach() < 0 ? "never" : Integer.toString(r.stepsToReach()),
                r.options().steps()));
        b.append(String.format(Locale.ROOT, "- final held-out difference (PRIME - RLOO): %+.3f (seed ranges: PRIME"
                + " %.3f, RLOO %.3f)%n", r.heldOutDiff(), p[2] - p[1], q[2] - q[1]));
        b.append(String.format(Locale.ROOT, "- PRIME's wall time per step vs RLOO's: %+.0f%%%n",
                100 * r.extraTimePerStep()));
        return b.toString();
    }
}
