package org.prime4j.app.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.prime4j.orchestrator.config.ConfigException;
import org.prime4j.orchestrator.config.TrainConfig;
import org.prime4j.orchestrator.config.TrainConfigReader;
import org.prime4j.orchestrator.loop.PrimeTraining;
import org.prime4j.orchestrator.loop.RunOptions;
import org.prime4j.orchestrator.loop.TrainingException;
import org.prime4j.orchestrator.loop.TrainingSummary;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Run PRIME reinforcement learning from a config file (see README, Configuration reference).")
final class TrainCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The run's YAML config.")
    Path config;

    @Option(names = "--resume", description = "Continue from the newest complete checkpoint in the output directory.")
    boolean resume;

    @Option(names = "--steps", paramLabel = "N", description = "Train up to step N (overrides run.steps).")
    Integer steps;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (overrides run.out).")
    Path out;

    @Override
    public Integer call() {
        var err = spec.commandLine().getErr();
        TrainConfig cfg;
        try {
            cfg = TrainConfigReader.read(config);
        } catch (ConfigException e) {
            err.println("prime4j train: " + e.getMessage());
            return 2;
        }
        try {
            RunOptions options = new RunOptions(resume, steps, out, System.err, null, null, null, null, true, null);
            TrainingSummary s = PrimeTraining.run(cfg, options);
            spec.commandLine().getOut().println("prime4j train: " + (s.interrupted() ? "stopped" : "done") + " at step "
                    + s.lastStep() + "; metrics " + s.out().resolve("metrics.jsonl")
                    + (s.policyWeights() != null ? "; policy " + s.policyWeights() : "")
                    + (s.lastCheckpoint() != null ? "; checkpoint " + s.lastCheckpoint() : ""));
            return 0;
        } catch (TrainingException | IllegalArgumentException | IllegalStateException | java.io.IOException e) {
            err.println("prime4j train: " + e.getMessage());
            return 1;
        }
    }
}
