package org.prime4j.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.prime4j.model.config.ModelConfig;
import org.prime4j.orchestrator.arithmetic.ArithmeticModel;
import org.prime4j.model.io.Directories;
import org.prime4j.orchestrator.eval.Evaluator;
import org.prime4j.orchestrator.sft.SftRun;
import org.prime4j.orchestrator.sft.SftSettings;
import org.prime4j.orchestrator.data.PromptItem;
import org.prime4j.orchestrator.data.PromptDataset;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prime4j sft}: supervised fine-tuning on prompt/response pairs, written as an HF checkpoint. */
@Command(name = "sft", mixinStandardHelpOptions = true, description = {
    "Supervised fine-tuning of a policy from a JSONL of prompts and worked answers.",
    "Each line holds prompt (a string or chat messages) and response; the loss covers response tokens only.",
    "Start from --model DIR, or from a fresh byte-level model of the arithmetic demo's shape with --new-model."})
final class SftCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.ArgGroup(multiplicity = "1")
    Init init;

    static final class Init {
        @Option(names = "--model", paramLabel = "DIR", converter = ModelOption.class,
                description = "The HF model to start from: " + ModelOption.DESCRIPTION + ".")
        Path model;

        @Option(names = "--new-model", description = "Start from a freshly initialized byte-level model "
                + "(--layers x --hidden x --heads, seeded by --init-seed).")
        boolean fresh;
    }

    @Option(names = "--layers", defaultValue = "2", description = "New model: decoder layers (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--hidden", defaultValue = "64", description = "New model: width (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--heads", defaultValue = "4", description = "New model: attention heads (default: ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--init-seed", defaultValue = "0", description = "New model: weight seed (default: ${DEFAULT-VALUE}).")
    long initSeed;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Training pairs (JSONL).")
    Path data;

    @Option(names = "--eval", paramLabel = "FILE", description = "Held-out items for greedy accuracy (JSONL with ground truths).")
    Path eval;

    @Option(names = "--eval-items", defaultValue = "200", description = "Held-out items used (default: ${DEFAULT-VALUE}).")
    int evalItems;

    @Option(names = "--eval-every", defaultValue = "400", description = "Evaluate every N steps; 0: at the end only (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--max-tokens", defaultValue = "48", description = "Response budget when evaluating (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the checkpoint goes (replaced atomically).")
    Path out;

    @Option(names = "--steps", defaultValue = "3200", description = "Optimizer steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch-size", defaultValue = "32", description = "Sequences per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "2e-3", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--weight-decay", defaultValue = "0.01", description = "AdamW weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--schedule", defaultValue = "constant", description = "constant or cosine (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--warmup", defaultValue = "0", description = "Linear warm-up steps (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--max-grad-norm", defaultValue = "1.0", description = "Global-norm clip; <= 0 disables (default: ${DEFAULT-VALUE}).")
    double maxGradNorm;

    @Option(names = "--seed", defaultValue = "0", description = "Data-order seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        var err = System.err;
        if (!schedule.equals("constant") && !schedule.equals("cosine")) {
            err.println("prime4j sft: --schedule must be constant or cosine, got " + schedule);
            return 2;
        }
        SftSettings settings;
        List<PromptItem> train;
        List<PromptItem> held = List.of();
        try {
            settings = new SftSettings(steps, batchSize, lr, weightDecay, warmup, schedule.equals("cosine"),
                    maxGradNorm, seed, evalEvery);
            train = PromptDataset.read(data, PromptDataset.Options.SFT);
            if (eval != null) {
                held = PromptDataset.read(eval, PromptDataset.Options.TASKS);
                held = held.subList(0, Math.min(held.size(), evalItems));
            }
        } catch (IllegalArgumentException | java.io.IOException e) {
            err.println("prime4j sft: " + e.getMessage());
            return 2;
        }
        Path initDir = init.model;
        Path tmp = null;
        ModelConfig fresh = null;
        if (init.fresh) {
            try {
                fresh = ArithmeticModel.config(layers, hidden, heads);
            } catch (IllegalArgumentException e) {
                err.println("prime4j sft: --layers " + layers + " --hidden " + hidden + " --heads " + heads
                        + " make no model: " + e.getMessage());
                return 2;
            }
        }
        try {
            if (init.fresh) {
                tmp = Files.createTempDirectory("prime4j-sft-init");
                initDir = tmp.resolve("model");
                ArithmeticModel.createRandom(initDir, fresh, initSeed);
            }
            SftRun.Summary s = new SftRun(settings, err).run(initDir, train, held,
                    Evaluator.greedy(100, maxTokens), out, !noProgress);
            spec.commandLine().getOut().printf(Locale.ROOT, "sft: %d steps in %.1f s, loss %.4f -> %.4f%s; wrote %s%n",
                    s.steps(), s.seconds(), s.firstLoss(), s.lastLoss(),
                    s.finalEval() == null ? "" : ", held-out greedy " + s.finalEval().summary(), out);
            return 0;
        } finally {
            if (tmp != null) { // deleting must not hide the error that got here
                Directories.deleteTree(tmp);
            }
        }
    }
}
