package org.prime4j.orchestrator.loop;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.prime4j.model.io.Directories;
import org.prime4j.model.DjlRuntime;
import org.prime4j.orchestrator.config.TrainConfig;
import org.prime4j.orchestrator.data.DataCursor;
import org.prime4j.orchestrator.data.PromptDataset;
import org.prime4j.orchestrator.data.PromptItem;
import org.prime4j.orchestrator.data.PromptOrder;
import org.prime4j.orchestrator.train.PolicyTrainer;
import org.prime4j.orchestrator.train.PrmTrainer;
import org.prime4j.verifiers.VerifierRegistry;

/**
 * {@code prime4j train}: the PRIME loop from a config. Loads and checks all data and verifiers before any
 * server starts, starts (or connects to) the policy and reference servers, resumes from the newest complete
 * checkpoint on request, then runs steps until {@code run.steps}: each writes a line to
 * {@code <out>/metrics.jsonl} and a summary line to the progress stream, publishes the new policy to the
 * servers, and every {@code run.checkpoint_every} steps (and at the end) a checkpoint is written.
 *
 * <pre>
 *   TrainingSummary s = PrimeTraining.run(TrainConfigReader.read(Path.of("run.yaml")), RunOptions.defaults());
 * </pre>
 */
public final class PrimeTraining {

    private PrimeTraining() {}

    public static TrainingSummary run(TrainConfig config, RunOptions options) throws IOException {
        return run(config, options, ServerSet::start);
    }

    /** How the servers of a run are started (tests stop and restart them). */
    @FunctionalInterface
    interface ServerStarter {
        ServerSet start(TrainConfig config) throws IOException;
    }

    static TrainingSummary run(TrainConfig config, RunOptions options, ServerStarter starter) throws IOException {
        TrainConfig cfg = withOverrides(config, options);
        Optional<Path> latest = checkOutputDirectory(cfg, options);
        PrintStream log = options.progress();
        // Everything that can be wrong with the data or the verifiers fails here, before any server starts.
        PromptDataset.Options reading = cfg.data().readOptions();
        PromptDataset train = PromptDataset.read(cfg.data().train(), reading, w -> log.println("prime4j train: " + w));
        PromptDataset held = cfg.data().eval() == null ? null
                : PromptDataset.read(cfg.data().eval(), reading, w -> log.println("prime4j train: " + w));
        VerifierRegistry registry = options.verifiers() != null ? options.verifiers()
                : cfg.verifier().pluginDir() != null ? VerifierRegistry.withPlugins(List.of(cfg.verifier().pluginDir()))
                : VerifierRegistry.builtIn();

        Path out = cfg.run().out().toAbsolutePath();
        Files.createDirectories(out);
        MetricsLog.JSON.writerWithDefaultPrettyPrinter().writeValue(out.resolve("train-config.json").toFile(), cfg);
        DjlRuntime.offline();
        try (OutcomeScorer scorer = new OutcomeScorer(registry, options.extraVerifiers(), cfg.verifier().parallelism(),
                Duration.ofMillis(Math.round(cfg.verifier().deadlineSeconds() * 1000)))) {
            prepare(scorer, train, held);
            try (TrainedModels models = TrainedModels.load(cfg);
                 PolicyTrainer policy = models.policyTrainer(cfg.policy());
                 PrmTrainer prm = models.prmTrainer(cfg.prm());
                 ServerSet servers = starter.start(cfg)) {
                log.println("prime4j train: " + models.describe(policy, prm));
                Parts parts = new Parts(cfg, train, held, servers, scorer, policy, prm);
                return loop(parts, options, Start.from(parts, options.resume() ? latest : Optional.empty()));
            }
        }
    }

    private static TrainConfig withOverrides(TrainConfig config, RunOptions options) {
        if (options.steps() != null) {
            config = config.withRun(config.run().withSteps(options.steps()));
        }
        if (options.out() != null) {
            config = config.withRun(config.run().withOut(options.out()));
        }
        return config;
    }

    /** Refuses to overwrite a previous run unless resuming; the newest checkpoint, if any. */
    private static Optional<Path> checkOutputDirectory(TrainConfig cfg, RunOptions options) throws IOException {
        Path out = cfg.run().out().toAbsolutePath();
        Path checkpoints = out.resolve("checkpoints");
        // Resuming verifies each checkpoint's manifest, newest first, and falls back past damaged ones.
        Optional<Path> latest = options.resume()
                ? Checkpoint.newestUsable(checkpoints, w -> options.progress().println("prime4j train: WARN " + w))
                : Checkpoint.latest(checkpoints);
        if (!options.resume() && (latest.isPresent() || Files.exists(out.resolve("metrics.jsonl")))) {
            throw new IllegalStateException(out + " holds a previous run (metrics.jsonl or checkpoints/): pass"
                    + " --resume to continue it, or choose another --out");
        }
        if (options.resume() && latest.isEmpty()) {
            options.progress().println("prime4j train: no checkpoint in " + checkpoints + "; starting from step 0");
        }
        if (latest.isPresent() && options.resume() && stepOf(latest.get()) >= cfg.run().steps()) {
            throw new IllegalStateException("the newest checkpoint " + latest.get() + " is already at step "
                    + stepOf(latest.get()) + " >= run.steps = " + cfg.run().steps() + "; raise --steps to continue");
        }
        return latest;
    }

    /** Lets every verifier check every item's ground truth up front (a bad line fails now, not at step 40). */
    private static void prepare(OutcomeScorer scorer, PromptDataset train, PromptDataset held) {
        List<PromptItem> all = new ArrayList<>(train.items());
        if (held != null) {
            all.addAll(held.items());
        }
        scorer.prepare(all);
    }

    /** What a run is made of; all of it lives as long as the run. */
    private record Parts(TrainConfig cfg, PromptDataset train, PromptDataset held, ServerSet servers,
                         OutcomeScorer scorer, PolicyTrainer policy, PrmTrainer prm) {}

    /** Where the loop starts: step 0, or a checkpoint's step and data cursor with its trainer states restored. */
    private record Start(int step, DataCursor cursor, Path checkpoint, Checkpoint loaded) {

        static Start from(Parts p, Optional<Path> checkpoint) throws IOException {
            if (checkpoint.isEmpty()) {
                return new Start(0, DataCursor.START, null, null);
            }
            Checkpoint c = Checkpoint.load(checkpoint.get());
            if (c.seed() != p.cfg().run().seed()) {
                throw new IllegalStateException(checkpoint.get() + " was written with run.seed " + c.seed()
                        + " but the config says " + p.cfg().run().seed() + ": a resumed run must keep its seed");
            }
            p.policy().restore(c.policy());
            p.prm().restore(c.prm());
            return new Start(c.step(), c.cursor(), checkpoint.get(), c);
        }
    }

    private static TrainingSummary loop(Parts p, RunOptions options, Start start) throws IOException {
        TrainConfig cfg = p.cfg();
        PrintStream log = options.progress();
        Path out = cfg.run().out().toAbsolutePath();
        Path checkpoints = out.resolve("checkpoints");
        PolicyPublisher publisher = publisher(p, out.resolve("weights"));
        PromptOrder order = new PromptOrder(p.train().size(), cfg.run().seed(), start.cursor());
        PrimeStep stepper = new PrimeStep(cfg, p.train(), order, p.servers(), p.scorer(), p.prm(), p.policy(),
                publisher);
        int first = start.step();
        if (first > 0 && !cfg.run().async()) {
            // The servers started from the initial weights: bring them to the checkpoint's policy first.
            stepper.setPublished(StepClock.once(first, Phase.PUBLISH,
                    () -> publisher.publish(first)));
            log.println("prime4j train: resumed from " + start.checkpoint() + " (step " + first + ")");
        } else if (first == 0) {
            // Remote servers may hold anything (another run's weights): each one proves it holds the initial
            // policy by its probe, or is reloaded with it. (An async resume reloads its sampler's weights itself.)
            StepClock.once(first, Phase.PUBLISH, () -> {
                publisher.adoptInitial();
                return null;
            });
        }
        HeldOutEval eval = p.held() == null ? null
                : new HeldOutEval(p.held().items(), cfg.data().evalLimit(), cfg.rollout().maxTokens());

        List<StepMetrics> done = new ArrayList<>();
        Path lastCheckpoint = start.checkpoint();
        int last = first;
        boolean interrupted = false;
        try (StopOnSignal signal = StopOnSignal.install(options);
             MetricsLog metrics = MetricsLog.open(out.resolve("metrics.jsonl"), first,
                     cfg.run().tensorboard() ? out.resolve("tensorboard") : null);
             OneStepOffPolicy ahead = !cfg.run().async() || first >= cfg.run().steps() ? null
                     : OneStepOffPolicy.start(stepper, first, start.loaded(),
                             () -> {
                                 stepper.setPublished(publisher.publish(first));
                                 return stepper.published();
                             }, signal::stopRequested)) {
            if (ahead != null && first > 0) {
                log.println("prime4j train: resumed from " + start.checkpoint() + " (step " + first + ")");
            }
            for (int step = first + 1; step <= cfg.run().steps(); step++) {
                StepMetrics m = ahead == null ? stepper.run(step) : ahead.run(step, step == cfg.run().steps());
                if (eval != null && cfg.run().evalEvery() > 0 && step % cfg.run().evalEvery() == 0) {
                    long t0 = System.nanoTime();
                    double acc = StepClock.once(step, Phase.EVAL,
                            () -> eval.accuracy(p.servers().policy(), publisher.servedModel(), stepper.tokens(),
                                    p.scorer()));
                    m = m.withEvalAccuracy(acc, (System.nanoTime() - t0) / 1e9);
                }
                last = step;
                options.onStep().accept(m);
                interrupted = signal.stopRequested() && step < cfg.run().steps();
                boolean due = step == cfg.run().steps() || interrupted
                        || (cfg.run().checkpointEvery() > 0 && step % cfg.run().checkpointEvery() == 0);
                // Metrics first: a kill between the two leaves a line that --resume drops, never a checkpoint
                // whose step has no line.
                metrics.write(m);
                done.add(m);
                if (due) {
                    lastCheckpoint = ahead == null
                            ? checkpoint(step, order.cursor(), cfg, p.policy(), p.prm(), checkpoints, null, null)
                            : checkpoint(step, ahead.cursor(), cfg, p.policy(), p.prm(), checkpoints,
                                    ahead.samplerStep(), ahead.samplerWeights());
                    Checkpoint.prune(checkpoints, cfg.run().keepCheckpoints());
                }
                log.println(progressLine(m, cfg.run().steps(), due ? lastCheckpoint : null));
                log.flush();
                if (interrupted) {
                    log.println("prime4j train: stopped by signal after step " + step + "; --resume continues");
                    break;
                }
            }
        }
        return new TrainingSummary(out, first, last, done, lastCheckpoint, stepper.published(), interrupted);
    }

    /** Whole weights reloaded each step, or with LoRA the policy adapter loaded under a fresh name. */
    private static PolicyPublisher publisher(Parts p, Path weights) {
        if (p.policy().adapter() != null) {
            return new AdapterPublisher(weights, p.policy().model(), p.policy().adapter(), p.servers().policy());
        }
        WeightPublisher full = new WeightPublisher(weights, p.cfg().run().publishDtype(), p.cfg().model().policy());
        return new PolicyPublisher() {
            @Override
            public Path publish(int step) throws Exception {
                return full.publish(step, p.policy().model(), p.servers().policy());
            }

            @Override
            public void adoptInitial() throws Exception {
                full.adopt(p.cfg().model().policy(), p.policy().model(), p.servers().policy());
            }

            @Override
            public void restore(int step, Path dir) throws Exception {
                p.servers().policy().reloadWeights(dir);
            }
        };
    }

    /**
     * SIGTERM/SIGINT ask the loop to stop after the current step; the JVM's shutdown then waits (up to the
     * grace period) until the loop has written its checkpoint.
     */
    private static final class StopOnSignal implements AutoCloseable {
        private final RunOptions options;
        private final CountDownLatch finished = new CountDownLatch(1);
        private final Thread hook;

        private StopOnSignal(RunOptions options) {
            this.options = options;
            this.hook = new Thread(() -> {
                options.stop().set(true);
                try {
                    finished.await(options.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "prime4j-train-stop");
        }

        static StopOnSignal install(RunOptions options) {
            StopOnSignal s = new StopOnSignal(options);
            if (options.shutdownHook()) {
                Runtime.getRuntime().addShutdownHook(s.hook);
            }
            return s;
        }

        boolean stopRequested() {
            return options.stop().get();
        }

        @Override
        public void close() {
            finished.countDown();
            if (options.shutdownHook()) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // The hook is running: it waits on the latch released above.
                }
            }
        }
    }

    private static Path checkpoint(int step, DataCursor cursor, TrainConfig cfg, PolicyTrainer policy, PrmTrainer prm,
                                   Path checkpoints, Integer samplerStep, Path samplerWeights) {
        return StepClock.once(step, Phase.CHECKPOINT,
                () -> new Checkpoint(step, cursor, cfg.run().seed(), policy.state(), prm.state(), samplerStep,
                        samplerWeights)
                        .save(checkpoints, policy.model().config(), prm.model().config(), cfg.model().policy()));
    }

    private static int stepOf(Path checkpointDir) {
        return Directories.stepOf(checkpointDir).orElseThrow();
    }

    /** The one-line summary of a step on the progress stream. */
    static String progressLine(StepMetrics m, int steps, Path checkpoint) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "step %d/%d  acc %.3f  kept %d/%d", m.step(), steps, m.rollout().accuracy(),
                m.rollout().keptPrompts(), m.rollout().sampledPrompts()));
        if (m.rollout().refills() > 0) {
            b.append(" (").append(m.rollout().refills()).append(" refill").append(m.rollout().refills() == 1 ? "" : "s").append(')');
        }
        if (m.trained()) {
            b.append(String.format(Locale.ROOT, "  prm loss %.4f pacc %s  pg loss %.4f kl %.2e clip %.3f",
                    m.prm().prmLoss(), Double.isNaN(m.prm().prmPairwiseAccuracy()) ? "n/a"
                            : String.format(Locale.ROOT, "%.2f", m.prm().prmPairwiseAccuracy()),
                    m.policy().policyLoss(), m.policy().approxKl(), m.policy().clipFraction()));
        } else {
            b.append("  no prompt passed the filter: no update");
        }
        b.append(String.format(Locale.ROOT, "  len %.1f", m.rollout().responseLengthMean()));
        if (!Double.isNaN(m.evalAccuracy())) {
            b.append(String.format(Locale.ROOT, "  eval %.3f", m.evalAccuracy()));
        }
        b.append(String.format(Locale.ROOT, "  %.1fs (", m.time().getOrDefault("total", 0.0)));
        String sep = "";
        for (Phase p : List.of(Phase.ROLLOUT, Phase.VERIFY, Phase.REF, Phase.PRM, Phase.POLICY, Phase.PUBLISH)) {
            b.append(sep).append(p.label()).append(String.format(Locale.ROOT, " %.1f",
                    m.time().getOrDefault(p.label(), 0.0)));
            sep = ", ";
        }
        b.append(')');
        if (!Double.isNaN(m.offPolicy().trainerWaitSeconds())) {
            b.append(String.format(Locale.ROOT, "  async: stale %.0f, waits trainer %.1fs sampler %.1fs",
                    m.offPolicy().staleness(), m.offPolicy().trainerWaitSeconds(),
                    m.offPolicy().samplerWaitSeconds()));
        }
        if (m.rollout().verifyErrors() + m.rollout().verifyTimeouts() > 0) {
            b.append("  verify errors ").append(m.rollout().verifyErrors()).append(" timeouts ").append(m.rollout().verifyTimeouts());
        }
        if (checkpoint != null) {
            b.append("  checkpoint ").append(checkpoint.getFileName());
        }
        return b.toString();
    }
}
