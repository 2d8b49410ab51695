package org.prime4j.app.cli;

import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.prime4j.app.bench.PrmProbe;
import org.prime4j.orchestrator.settings.FieldError;
import org.prime4j.orchestrator.train.PrmSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prime4j bench prm}: the offline probe of the implicit PRM ({@link PrmProbe}). */
@Command(name = "prm", mixinStandardHelpOptions = true, description = {
    "Offline probe of the implicit PRM: sample N prompts x k responses from a checkpoint on an embedded server,"
            + " label them with the verifier, train the PRM as the loop does (same loss and beta) for E epochs on a"
            + " train split, and report per epoch on the held-out prompts: AUC of the outcome logit, AUC of length"
            + " alone, within-group pairwise accuracy, Brier score, and (arithmetic) how often the lowest-reward line"
            + " is the first wrong one.",
    "Writes probe.json, probe.png and the trained PRM (prm/, usable as model.prm) into --out."})
final class BenchPrmCommand implements Callable<Integer> {

    static final String MODEL = "examples/arithmetic/sft";
    static final String DATA = "examples/arithmetic/train.jsonl";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    @Option(names = "--model", paramLabel = "DIR", description = "Checkpoint to sample from; also pi_ref and the PRM's"
            + " start (default: " + MODEL + ").")
    Path model;

    @Option(names = "--data", paramLabel = "FILE", description = "Prompt file (default: " + DATA + ").")
    Path data;

    @Option(names = "--prompts", defaultValue = "512", description = "Prompts sampled (default: ${DEFAULT-VALUE}).")
    int prompts;

    @Option(names = "-k", defaultValue = "4", description = "Responses per prompt (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--epochs", defaultValue = "8", description = "Training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--held-out", defaultValue = "0.25", description = "Fraction of prompts held out (default: ${DEFAULT-VALUE}).")
    double heldOut;

    @Option(names = "--mini-batch", defaultValue = "256",
            description = "Responses per PRM optimizer step, whole groups (default: ${DEFAULT-VALUE}, the demo's 64 x 4).")
    int miniBatch;

    @Option(names = "--lr", defaultValue = "1e-3", description = "PRM learning rate (default: ${DEFAULT-VALUE}, the demo's).")
    double lr;

    @Option(names = "--beta", defaultValue = "0.05", description = "Implicit reward scale (default: ${DEFAULT-VALUE}).")
    double beta;

    @Option(names = "--max-grad-norm", defaultValue = "1.0", description = "Gradient clip, <= 0 off (default: ${DEFAULT-VALUE}).")
    double maxGradNorm;

    @Option(names = "--micro-batch", defaultValue = "64", description = "Responses per forward pass (default: ${DEFAULT-VALUE}).")
    int microBatch;

    @Option(names = "--max-tokens", defaultValue = "48", description = "Response budget (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "1.0", description = "Rollout temperature (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the prompt order, sampling and batches (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: runs/prm-probe-<time>).")
    Path out;

    @Option(names = "--no-save-prm", description = "Do not write the trained PRM.")
    boolean noSave;

    @Option(names = "--samples", paramLabel = "FILE", description = "Reuse a previous probe's samples.json (same"
            + " --model) instead of sampling: other PRM settings on the very same responses.")
    Path samples;

    @Option(names = "--prm", paramLabel = "DIR", description = "The PRM's starting weights (default: --model, which"
            + " stays pi_ref); with --epochs 0 and --samples this scores a trained PRM, e.g. a run's"
            + " checkpoints/step-N/prm, on the same held-out responses.")
    Path startPrm;

    @Override
    public Integer call() throws Exception {
        PrintStream err = System.err;
        Path m = model != null ? model : locate(MODEL);
        Path d = data != null ? data : locate(DATA);
        if (m == null || !Files.isRegularFile(m.resolve("config.json"))) {
            err.println("prime4j bench prm: --model " + (m != null ? m : MODEL) + " is not a checkpoint directory"
                    + " (no config.json)");
            return 2;
        }
        if (startPrm != null && !Files.isRegularFile(startPrm.resolve("config.json"))) {
            err.println("prime4j bench prm: --prm " + startPrm + " is not a checkpoint directory (no config.json)");
            return 2;
        }
        if (samples != null && !Files.isRegularFile(samples)) {
            err.println("prime4j bench prm: --samples " + samples + " does not exist");
            return 2;
        }
        if (samples == null && (d == null || !Files.isRegularFile(d))) {
            err.println("prime4j bench prm: --data " + (d != null ? d : DATA) + " does not exist");
            return 2;
        }
        Path dir = out != null ? out : Path.of("runs", "prm-probe-" + LocalDateTime.now().format(STAMP));
        PrmProbe.Options o;
        try {
            o = new PrmProbe.Options(m, d, prompts, k, epochs, heldOut, miniBatch,
                    new PrmSettings(lr, beta, null, microBatch, maxGradNorm, null), maxTokens, temperature, seed, dir,
                    !noSave, samples, startPrm);
        } catch (FieldError e) {
            err.println("prime4j bench prm: --" + e.field().replace('_', '-') + " " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            err.println("prime4j bench prm: " + e.getMessage());
            return 2;
        }
        var stdout = spec.commandLine().getOut();
        PrmProbe.Result r;
        try {
            r = PrmProbe.run(o, err);
        } catch (IllegalArgumentException e) { // bad data lines name file and line
            err.println("prime4j bench prm: " + e.getMessage());
            return 2;
        }
        stdout.println(PrmProbe.header());
        for (PrmProbe.Epoch e : r.epochs()) {
            stdout.println(PrmProbe.row(e));
        }
        stdout.printf(Locale.ROOT, "wrote %s, %s%s%n", dir.resolve("probe.json"), dir.resolve("probe.png"),
                r.prm() != null ? ", " + r.prm() : "");
        return 0;
    }

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /** The working directory's path, else the checkout that holds this jar (app/target/prime4j.jar). */
    static Path locate(String relative) {
        Path here = Path.of(relative);
        if (Files.exists(here)) {
            return here;
        }
        try {
            Path jar = Path.of(BenchPrmCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path root = jar.getParent() == null ? null : jar.getParent().getParent();
            root = root == null ? null : root.getParent();
            return root == null ? null : root.resolve(relative);
        } catch (URISyntaxException | SecurityException e) {
            return null;
        }
    }
}
