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
import java.util.concurrent.atomic.AtomicBoolean;
import org.prime4j.model.io.Directories;
import org.prime4j.model.DjlRuntime;
import org.prime4j.model.nn.CausalLM;
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
        if (options.steps() != null) {
            config = config.withRun(config.run().withSteps(options.steps()));
        }
        if (options.out() != null) {
            config = config.withRun(config.run().withOut(options.out()));
        }
        PrintStream log = options.progress();
        Path out = config.run().out().toAbsolutePath();
        Path checkpoints = out.resolve("checkpoints");
        Optional<Path> latest = Checkpoint.latest(checkpoints);
        if (!options.resume() && (latest.isPresent() || Files.exists(out.resolve("metrics.jsonl")))) {
            throw new IllegalStateException(out + " holds a previous run (metrics.jsonl or checkpoints/): pass"
                    + " --resume to continue it, or choose another --out");
        }
        if (options.resume() && latest.isEmpty()) {
            log.println("prime4j train: no checkpoint in " + checkpoints + "; starting from step 0");
        }
        if (latest.isPresent() && options.resume() && stepOf(latest.get()) >= config.run().steps()) {
            throw new IllegalStateException("the newest checkpoint " + latest.get() + " is already at step "
                    + stepOf(latest.get()) + " >= run.steps = " + config.run().steps() + "; raise --steps to continue");
        }

        PromptDataset.Options reading = config.data().readOptions();
        PromptDataset train = PromptDataset.read(config.data().train(), reading, w -> log.println("prime4j train: " + w));
        PromptDataset held = config.data().eval() == null ? null
                : PromptDataset.read(config.data().eval(), reading, w -> log.println("prime4j train: " + w));
        VerifierRegistry registry = options.verifiers() != null ? options.verifiers()
                : config.verifier().pluginDir() != null ? VerifierRegistry.withPlugins(List.of(config.verifier().pluginDir()))
                : VerifierRegistry.builtIn();

        Files.createDirectories(out);
        MetricsLog.JSON.writerWithDefaultPrettyPrinter().writeValue(out.resolve("train-config.json").toFile(), config);
        DjlRuntime.offline();
        TrainConfig cfg = config;
        try (OutcomeScorer scorer = new OutcomeScorer(registry, options.extraVerifiers(), cfg.verifier().parallelism(),
                Duration.ofMillis(Math.round(cfg.verifier().deadlineSeconds() * 1000)))) {
            List<PromptItem> all = new ArrayList<>(train.items());
            if (held != null) {
                all.addAll(held.items());
            }
            try {
                scorer.prepare(all);
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            try (CausalLM policyModel = CausalLM.load(cfg.model().policy());
                 CausalLM prmModel = CausalLM.load(cfg.model().prm());
                 PolicyTrainer policy = new PolicyTrainer(policyModel, cfg.policy().settings());
                 PrmTrainer prm = new PrmTrainer(prmModel, cfg.prm().settings());
                 ServerSet servers = ServerSet.start(cfg)) {
                return loop(cfg, options, latest, train, held, servers, scorer, policy, prm);
            }
        }
    }

    private static TrainingSummary loop(TrainConfig cfg, RunOptions options, Optional<Path> latest,
                                        PromptDataset train, PromptDataset held, ServerSet servers,
                                        OutcomeScorer scorer, PolicyTrainer policy, PrmTrainer prm)
            throws IOException {
        PrintStream log = options.progress();
        Path out = cfg.run().out().toAbsolutePath();
        Path checkpoints = out.resolve("checkpoints");
        WeightPublisher publisher = new WeightPublisher(out.resolve("weights"), cfg.run().publishDtype(),
                cfg.model().policy());
        int first = 0;
        DataCursor cursor = DataCursor.START;
        Path lastCheckpoint = null;
        if (options.resume() && latest.isPresent()) {
            Checkpoint c = Checkpoint.load(latest.get());
            if (c.seed() != cfg.run().seed()) {
                throw new IllegalStateException(latest.get() + " was written with run.seed " + c.seed()
                        + " but the config says " + cfg.run().seed() + ": a resumed run must keep its seed");
            }
            policy.restore(c.policy());
            prm.restore(c.prm());
            first = c.step();
            cursor = c.cursor();
            lastCheckpoint = latest.get();
        }
        PromptOrder order = new PromptOrder(train.size(), cfg.run().seed(), cursor);
        PrimeStep stepper = new PrimeStep(cfg, train, order, servers, scorer, prm, policy, publisher);
        if (first > 0) {
            // The servers started from the initial weights: bring them to the checkpoint's policy first.
            int resumed = first;
            stepper.setPublished(StepClock.once(first, Phase.PUBLISH,
                    () -> publisher.publish(resumed, policy.model(), servers.policy())));
            log.println("prime4j train: resumed from " + latest.get() + " (step " + first + ")");
        }
        HeldOutEval eval = held == null ? null
                : new HeldOutEval(held.items(), cfg.data().evalLimit(), cfg.rollout().maxTokens());

        AtomicBoolean stop = options.stop();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                finished.await(options.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "prime4j-train-stop");
        if (options.shutdownHook()) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
        List<StepMetrics> done = new ArrayList<>();
        int last = first;
        boolean interrupted = false;
        try (MetricsLog metrics = MetricsLog.open(out.resolve("metrics.jsonl"), first)) {
            for (int step = first + 1; step <= cfg.run().steps(); step++) {
                StepMetrics m = stepper.run(step);
                if (eval != null && cfg.run().evalEvery() > 0 && step % cfg.run().evalEvery() == 0) {
                    long t0 = System.nanoTime();
                    double acc = StepClock.once(step, Phase.EVAL,
                            () -> eval.accuracy(servers.policy(), stepper.tokens(), scorer));
                    m = m.withEvalAccuracy(acc, (System.nanoTime() - t0) / 1e9);
                }
                last = step;
                options.onStep().accept(m);
                interrupted = stop.get() && step < cfg.run().steps();
                boolean due = step == cfg.run().steps() || interrupted
                        || (cfg.run().checkpointEvery() > 0 && step % cfg.run().checkpointEvery() == 0);
                // Metrics first: a kill between the two leaves a line that --resume drops, never a checkpoint
                // whose step has no line.
                metrics.write(m);
                done.add(m);
                if (due) {
                    lastCheckpoint = checkpoint(step, order.cursor(), cfg, policy, prm, checkpoints);
                    Checkpoint.prune(checkpoints, cfg.run().keepCheckpoints());
                }
                log.println(progressLine(m, cfg.run().steps(), due ? lastCheckpoint : null));
                log.flush();
                if (interrupted) {
                    log.println("prime4j train: stopped by signal after step " + step + "; --resume continues");
                    break;
                }
            }
        } finally {
            finished.countDown();
            if (options.shutdownHook()) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // The hook is running: it waits on the latch released above.
                }
            }
        }
        return new TrainingSummary(out, first, last, done, lastCheckpoint, stepper.published(), interrupted);
    }

    private static Path checkpoint(int step, DataCursor cursor, TrainConfig cfg, PolicyTrainer policy, PrmTrainer prm,
                                   Path checkpoints) {
        return StepClock.once(step, Phase.CHECKPOINT,
                () -> new Checkpoint(step, cursor, cfg.run().seed(), policy.state(), prm.state())
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
        if (m.rollout().verifyErrors() + m.rollout().verifyTimeouts() > 0) {
            b.append("  verify errors ").append(m.rollout().verifyErrors()).append(" timeouts ").append(m.rollout().verifyTimeouts());
        }
        if (checkpoint != null) {
            b.append("  checkpoint ").append(checkpoint.getFileName());
        }
        return b.toString();
    }
}
