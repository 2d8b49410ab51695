package org.prime4j.orchestrator.sft;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.prime4j.model.io.DType;
import org.prime4j.model.io.HfCheckpoint;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.tokenizer.TextTokenizer;
import org.prime4j.orchestrator.eval.EvalResult;
import org.prime4j.orchestrator.eval.Evaluator;
import org.prime4j.orchestrator.data.PromptEncoder;
import org.prime4j.orchestrator.data.PromptItem;
import org.prime4j.verifiers.VerifierRegistry;

/**
 * A whole SFT run: tokenize the pairs with the initial model's tokenizer (response + eos), shuffle by seed
 * each epoch, train, evaluate held-out greedy accuracy periodically, and write an HF checkpoint (config,
 * safetensors, tokenizer files) atomically.
 */
public final class SftRun {

    /** What the run did. */
    public record Summary(int steps, double firstLoss, double lastLoss, EvalResult finalEval, double seconds) {}

    private final SftSettings settings;
    private final PrintStream log;

    public SftRun(SftSettings settings, PrintStream log) {
        this.settings = settings;
        this.log = log;
    }

    /**
     * @param heldOut items for the periodic greedy accuracy (may be empty: no evaluation)
     * @param evaluator how to evaluate them
     */
    public Summary run(Path initDir, List<PromptItem> train, List<PromptItem> heldOut, Evaluator evaluator, Path outDir,
                       boolean progressBar) throws IOException {
        long t0 = System.nanoTime();
        VerifierRegistry verifiers = heldOut.isEmpty() ? null : VerifierRegistry.builtIn();
        try (TextTokenizer tokenizer = TextTokenizer.load(initDir); CausalLM model = CausalLM.load(initDir)) {
            List<SftExample> examples = tokenize(tokenizer, train);
            double first = Double.NaN;
            double last = Double.NaN;
            double smoothed = Double.NaN;
            EvalResult eval = null;
            Random rng = new Random(settings.seed());
            List<SftExample> order = new ArrayList<>(examples);
            Collections.shuffle(order, rng);
            int cursor = 0;
            try (SftTrainer trainer = new SftTrainer(model, settings.lr(), settings.weightDecay(),
                    settings.maxGradNorm());
                 ProgressBar bar = progressBar ? bar(settings.steps()) : null) {
                for (int step = 0; step < settings.steps(); step++) {
                    List<SftExample> batch = new ArrayList<>(settings.batchSize());
                    while (batch.size() < settings.batchSize()) {
                        if (cursor == order.size()) {
                            Collections.shuffle(order, rng);
                            cursor = 0;
                        }
                        batch.add(order.get(cursor++));
                    }
                    last = trainer.step(batch, settings.lrAt(step));
                    first = step == 0 ? last : first;
                    smoothed = step == 0 ? last : 0.98 * smoothed + 0.02 * last;
                    if (bar != null) {
                        bar.step();
                        bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f", smoothed));
                    }
                    boolean end = step + 1 == settings.steps();
                    if (!heldOut.isEmpty() && (end || settings.evalEvery() > 0 && (step + 1) % settings.evalEvery() == 0)) {
                        eval = evaluator.run(model, tokenizer, heldOut, verifiers, null);
                        log.printf(Locale.ROOT, "%nstep %d: loss %.4f (smoothed %.4f), held-out greedy %s%n",
                                step + 1, last, smoothed, eval.summary());
                    }
                }
            }
            HfCheckpoint.write(outDir, model.config(), model.toHost(), DType.F32, 0, initDir);
            return new Summary(settings.steps(), first, last, eval, (System.nanoTime() - t0) / 1e9);
        }
    }

    static List<SftExample> tokenize(TextTokenizer tokenizer, List<PromptItem> items) {
        List<Integer> eos = tokenizer.eosTokenIds();
        if (eos.isEmpty()) {
            throw new IllegalArgumentException("the tokenizer has no eos token: the model could never learn to stop");
        }
        List<SftExample> out = new ArrayList<>(items.size());
        for (PromptItem item : items) {
            int[] prompt = PromptEncoder.encode(tokenizer, item.messages());
            int[] body = tokenizer.encode(item.response(), false);
            int[] response = java.util.Arrays.copyOf(body, body.length + 1);
            response[body.length] = eos.get(0);
            out.add(new SftExample(prompt, response));
        }
        return out;
    }

    private static ProgressBar bar(int steps) {
        return new ProgressBarBuilder().setTaskName("sft").setInitialMax(steps)
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).setUpdateIntervalMillis(500)
                .continuousUpdate().build();
    }
}
