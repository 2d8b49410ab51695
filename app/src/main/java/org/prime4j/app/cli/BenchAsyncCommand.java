package org.prime4j.app.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.prime4j.app.bench.AsyncBench;
import org.prime4j.model.DjlRuntime;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prime4j bench async}: synchronous against one-step-off-policy steps, and the demo both ways. */
@Command(name = "async", mixinStandardHelpOptions = true,
        description = "Step time of run.async against synchronous steps on a policy server with a fixed time per"
                + " generated token, at several rollout/train ratios; then the arithmetic demo both ways.")
final class BenchAsyncCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", defaultValue = DemoCommand.CONFIG,
            description = "Training config (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--steps", defaultValue = "5",
            description = "Steps per timed run (>= 3); the first and last are not timed (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--ratios", defaultValue = "0.5,2", split = ",",
            description = "Rollout/train time ratios the per-token time is set for (default: ${DEFAULT-VALUE}).")
    List<Double> ratios;

    @Option(names = "--demo-steps", defaultValue = "40",
            description = "Steps of each demo run; 0 skips the demo (default: ${DEFAULT-VALUE}).")
    int demoSteps;

    @Option(names = "--demo-seeds", defaultValue = "0", split = ",",
            description = "Seeds of the demo runs, each run sync and async (default: ${DEFAULT-VALUE}).")
    List<Long> demoSeeds;

    @Option(names = "--eval-items", defaultValue = "0",
            description = "Held-out items of the demo's accuracy (0: all; default: ${DEFAULT-VALUE}).")
    int evalItems;

    @Option(names = "--rounds", defaultValue = "2",
            description = "Alternating sync / async runs per ratio; each side reports its fastest (default:"
                    + " ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--epochs", defaultValue = "1",
            description = "PPO epochs of the timed runs (more train time per step; default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--no-timing", description = "Only the demo runs.")
    boolean noTiming;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(config)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--config: no such file: " + config);
        }
        DjlRuntime.offline();
        PrintWriter out = spec.commandLine().getOut();
        AsyncBench.Result r = AsyncBench.run(new AsyncBench.Settings(config, steps, noTiming ? List.of() : ratios, demoSteps, demoSeeds,
                evalItems, rounds, epochs), out);
        out.println();
        out.print(AsyncBench.table(r));
        out.flush();
        return 0;
    }
}
