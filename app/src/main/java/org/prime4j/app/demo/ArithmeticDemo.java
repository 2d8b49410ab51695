package org.prime4j.app.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.prime4j.model.lora.LoraAdapter;
import org.prime4j.model.lora.LoraConfig;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.tokenizer.TextTokenizer;
import org.prime4j.orchestrator.config.RunSection;
import org.prime4j.orchestrator.config.TrainConfig;
import org.prime4j.orchestrator.config.TrainConfigReader;
import org.prime4j.orchestrator.eval.EvalResult;
import org.prime4j.orchestrator.eval.Evaluator;
import org.prime4j.orchestrator.loop.PrimeTraining;
import org.prime4j.orchestrator.loop.RunOptions;
import org.prime4j.orchestrator.loop.StepMetrics;
import org.prime4j.orchestrator.loop.TrainingSummary;
import org.prime4j.orchestrator.data.PromptItem;
import org.prime4j.orchestrator.data.PromptDataset;
import org.prime4j.orchestrator.train.PrmUpdate;
import org.prime4j.verifiers.VerifierRegistry;

/**
 * {@code prime4j demo}: held-out greedy accuracy of the shipped SFT checkpoint, PRIME RL on the arithmetic task
 * through the loop's entry point ({@link PrimeTraining#run}, embedded servers on loopback), the same accuracy
 * of the final policy, then a plot and a summary beside the loop's metrics.jsonl.
 */
public final class ArithmeticDemo {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private ArithmeticDemo() {}

    /** The config as the demo runs it: the options' out, steps and seed; outcome-only sets c_p = 0, PRM off. */
    public static TrainConfig config(DemoOptions o) {
        TrainConfig c = TrainConfigReader.read(o.config());
        RunSection r = c.run();
        Path out = o.out() != null ? o.out().toAbsolutePath().normalize()
                : r.out().toAbsolutePath().normalize().resolveSibling(r.out().getFileName() + "-"
                        + LocalDateTime.now().format(STAMP) + (o.outcomeOnly() ? "-outcome-only" : ""));
        c = c.withRun(new RunSection(out, o.steps() != null ? o.steps() : r.steps(),
                o.seed() != null ? o.seed() : r.seed(), r.checkpointEvery(), r.evalEvery(), r.publishDtype(),
                r.keepCheckpoints(), r.tensorboard(), r.async() || o.async()));
        if (o.outcomeOnly()) {
            c = new TrainConfig(c.model(), c.servers(), c.data(), c.rollout(), c.filter(),
                    c.prm().withUpdate(PrmUpdate.NONE), c.policy(), c.advantage().withProcessCoef(0.0),
                    c.verifier(), c.run());
        }
        if (c.data().eval() == null) {
            throw new IllegalArgumentException(o.config() + ": data.eval must name the held-out file the demo scores");
        }
        return c;
    }

    public static DemoResult run(DemoOptions o) throws IOException {
        long t0 = System.nanoTime();
        PrintStream log = o.log();
        TrainConfig c = config(o);
        Path out = c.run().out();
        List<PromptItem> held = PromptDataset.read(c.data().eval(), PromptDataset.Options.TASKS);
        if (o.evalItems() > 0 && o.evalItems() < held.size()) {
            held = held.subList(0, o.evalItems());
        }
        Evaluator evaluator = Evaluator.greedy(100, c.rollout().maxTokens());
        VerifierRegistry verifiers = VerifierRegistry.builtIn();
        log.printf(Locale.ROOT, "demo: %s on the arithmetic task, %d steps, seed %d -> %s%n",
                o.outcomeOnly() ? "outcome-only RLOO (c_p = 0, the paper's baseline)" : "PRIME", c.run().steps(), c.run().seed(), out);
        EvalResult before = evaluate(c.model().policy(), held, evaluator, verifiers);
        log.println("demo: before RL, held-out greedy " + before.summary());

        TrainingSummary training = PrimeTraining.run(c, RunOptions.defaults().withProgress(log));
        EvalResult after = training.policyWeights() == null ? before
                : evaluate(c.model().policy(), training.policyWeights(), held, evaluator, verifiers);
        log.println("demo: after RL, held-out greedy " + after.summary());

        double minutes = (System.nanoTime() - t0) / 6e10;
        Path plot = out.resolve("plot.png");
        String title = String.format(Locale.ROOT, "prime4j arithmetic demo (%s): held-out %.3f -> %.3f",
                o.outcomeOnly() ? "outcome-only" : "PRIME", before.accuracy(), after.accuracy());
        DemoPlot.write(plot, training.steps(), before.accuracy(), after.accuracy(), title);
        Path summary = out.resolve("summary.md");
        Files.writeString(summary, summary(o, c, before, after, training, minutes), StandardCharsets.UTF_8);
        return new DemoResult(out, before, after, training, minutes, out.resolve("metrics.jsonl"), plot, summary);
    }

    private static EvalResult evaluate(Path modelDir, List<PromptItem> held, Evaluator evaluator,
                                       VerifierRegistry verifiers) throws IOException {
        try (CausalLM model = CausalLM.load(modelDir); TextTokenizer tok = TextTokenizer.load(modelDir)) {
            return evaluator.run(model, tok, held, verifiers, null);
        }
    }

    /** The published policy: a full checkpoint, or with LoRA an adapter over {@code base}. */
    private static EvalResult evaluate(Path base, Path published, List<PromptItem> held, Evaluator evaluator,
                                       VerifierRegistry verifiers) throws IOException {
        if (!Files.isRegularFile(published.resolve(LoraConfig.FILE))) {
            return evaluate(published, held, evaluator, verifiers);
        }
        try (CausalLM model = CausalLM.load(base); TextTokenizer tok = TextTokenizer.load(base);
             LoraAdapter adapter = LoraAdapter.load(model, published)) {
            model.setAdapter(adapter);
            try {
                return evaluator.run(model, tok, held, verifiers, null);
            } finally {
                model.setAdapter(null);
            }
        }
    }

    static String summary(DemoOptions o, TrainConfig c, EvalResult before, EvalResult after, TrainingSummary t,
                          double minutes) {
        StringBuilder b = new StringBuilder();
        b.append("# prime4j arithmetic demo\n\n");
        b.append(String.format(Locale.ROOT, "- mode: %s%n", o.outcomeOnly()
                ? "outcome-only RLOO (c_p = 0, PRM not trained): the paper's baseline" : "PRIME (implicit PRM + outcome)"));
        b.append(String.format(Locale.ROOT, "- start: %s%n- steps: %d (seed %d), %d prompts x %d samples per step, "
                        + "policy lr %.1e, PRM lr %.1e%n", c.model().policy(), t.lastStep(), c.run().seed(),
                c.rollout().promptsPerStep(), c.rollout().k(), c.policy().lr(), c.prm().lr()));
        b.append(String.format(Locale.ROOT, "- held-out greedy accuracy before: %s%n", before.summary()));
        b.append(String.format(Locale.ROOT, "- held-out greedy accuracy after:  %s%n", after.summary()));
        b.append(String.format(Locale.ROOT, "- wall time: %.1f minutes (%d cores)%n", minutes,
                Runtime.getRuntime().availableProcessors()));
        b.append("- final policy: ").append(t.policyWeights()).append('\n');
        b.append("- files: metrics.jsonl (one line per step), plot.png, train-config.json\n\n");
        b.append("| step | train accuracy | kept prompts | PRM loss | PRM pairwise acc | held-out (server) | seconds |\n");
        b.append("|---:|---:|---:|---:|---:|---:|---:|\n");
        for (StepMetrics m : t.steps()) {
            b.append(String.format(Locale.ROOT, "| %d | %.3f | %d | %s | %s | %s | %.1f |%n", m.step(), m.rollout().accuracy(),
                    m.rollout().keptPrompts(), num(m.prm().prmLoss()), num(m.prm().prmPairwiseAccuracy()), num(m.evalAccuracy()),
                    m.time().getOrDefault("total", Double.NaN)));
        }
        b.append("\n## Sample held-out answers after RL\n\n");
        after.samples().stream().limit(4).forEach(s -> b.append(String.format(Locale.ROOT,
                "- line %d (%s):%n%n```%n%s%n```%n", s.line(), s.reason(), s.response())));
        return b.toString();
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "-";
    }
}
