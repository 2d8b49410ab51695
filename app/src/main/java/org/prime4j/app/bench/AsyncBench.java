package org.prime4j.app.bench;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.prime4j.app.demo.ArithmeticDemo;
import org.prime4j.app.demo.DemoOptions;
import org.prime4j.app.demo.DemoResult;
import org.prime4j.client.RolloutClient;
import org.prime4j.client.pool.PoolConfig;
import org.prime4j.model.io.Directories;
import org.prime4j.orchestrator.config.RunSection;
import org.prime4j.orchestrator.config.ServerMode;
import org.prime4j.orchestrator.config.ServerRole;
import org.prime4j.orchestrator.config.ServersSection;
import org.prime4j.orchestrator.config.TrainConfig;
import org.prime4j.orchestrator.config.TrainConfigReader;
import org.prime4j.orchestrator.loop.PrimeTraining;
import org.prime4j.orchestrator.loop.RunOptions;
import org.prime4j.orchestrator.loop.StepMetrics;
import org.prime4j.server.EmbeddedServer;
import org.prime4j.server.ServerOptions;
import org.prime4j.server.djl.DjlServingModel;

/**
 * {@code prime4j bench async}: step time of {@code run.async} against synchronous steps, in one run, on a policy
 * server that takes a fixed time per decode step ({@link PacedServingModel}, a stand-in for a GPU server: its
 * time is sleep, not CPU the trainer competes for), at several rollout/train time ratios; then the arithmetic
 * demo both ways for the same steps and seeds, with its held-out greedy accuracy.
 */
public final class AsyncBench {

    /**
     * @param config    the demo's training config (examples/arithmetic/demo.yaml)
     * @param steps     steps per timed run (>= 3); the first and the last are not timed (an async run's first step
     *                  cannot overlap, its last samples nothing ahead)
     * @param ratios    rollout/train time ratios to set the server's per-token time for
     * @param demoSteps steps of each demo run (0: no demo runs)
     * @param demoSeeds seeds the demo runs both ways
     * @param evalItems held-out items of the demo's before/after accuracy (0: all)
     * @param rounds    alternating sync / async runs per ratio; each side reports its fastest (shared machines)
     * @param epochs    PPO epochs of the timed runs: more training work per step, so that a rollout/train ratio
     *                  near 1 is reachable where CPU sampling alone already outlasts one epoch
     */
    public record Settings(Path config, int steps, List<Double> ratios, int demoSteps, List<Long> demoSeeds,
                           int evalItems, int rounds, int epochs) {
        public Settings {
            if (rounds < 1 || epochs < 1) {
                throw new IllegalArgumentException("--rounds and --epochs must be >= 1");
            }
            if (steps < 3) {
                throw new IllegalArgumentException("--steps must be >= 3 (the first and last steps are not timed), got "
                        + steps);
            }
            for (double r : ratios) {
                if (!(r > 0)) {
                    throw new IllegalArgumentException("--ratios must be > 0, got " + r);
                }
            }
        }
    }

    /**
     * One rollout/train ratio: the per-token time it took, the rollout (rollout + verify + ref) and train (prm +
     * advantage + policy + publish) seconds of the synchronous run's timed steps, and the step time both ways.
     */
    public record Timing(double target, double secondsPerToken, double rollout, double train, double syncStep,
                         double asyncStep) {
        public double ratio() {
            return asyncStep / syncStep;
        }

        /** What a perfect overlap would give: max(rollout, train) / (rollout + train). */
        public double ideal() {
            return Math.max(rollout, train) / (rollout + train);
        }
    }

    public record Demo(boolean async, long seed, int steps, double before, double after, double minutes) {}

    public record Result(List<Timing> timings, List<Demo> demos) {}

    private AsyncBench() {}

    public static Result run(Settings s, PrintWriter log) throws Exception {
        TrainConfig base = TrainConfigReader.read(s.config());
        List<Timing> timings = new ArrayList<>();
        if (!s.ratios().isEmpty()) {
            timings(s, base, Files.createTempDirectory("prime4j-bench-async"), timings, log);
        }
        List<Demo> demos = demos(s, log);
        return new Result(timings, demos);
    }

    private static void timings(Settings s, TrainConfig base, Path scratch, List<Timing> timings, PrintWriter log)
            throws Exception {
        try (PacedServingModel paced = new PacedServingModel(DjlServingModel.load(base.model().policy(), null));
             EmbeddedServer server = EmbeddedServer.start(paced, ServerOptions.loopback("policy"));
             DjlServingModel refModel = DjlServingModel.load(base.model().reference(), null);
             EmbeddedServer reference = EmbeddedServer.start(refModel, ServerOptions.loopback("reference"));
             RolloutClient control = RolloutClient.open(PoolConfig.builder().role("policy")
                     .baseUrls(List.of(server.baseUrl().toString())).build())) {
            TrainConfig timed = new TrainConfig(base.model(), base.servers(), base.data(), base.rollout(),
                    base.filter(), base.prm(), base.policy().withEpochs(s.epochs()), base.advantage(),
                    base.verifier(), base.run());
            Runs runs = new Runs(timed, server.baseUrl().toString(), reference.baseUrl().toString(), scratch,
                    control);
            // Calibration: rollout seconds without pacing, train seconds, decode steps per step.
            long d0 = paced.decodeSteps();
            Run cal = runs.run("calibrate", false, 3);
            double decodePerStep = (paced.decodeSteps() - d0) / 3.0;
            log.printf(Locale.ROOT, "calibration: rollout %.2f s, train %.2f s, %.0f decode steps per step%n",
                    cal.rollout(), cal.train(), decodePerStep);
            log.flush();
            for (double target : s.ratios()) {
                double perToken = Math.max(0, (target * cal.train() - cal.rollout()) / decodePerStep);
                paced.secondsPerToken(perToken);
                Run sync = null;
                Run async = null;
                for (int round = 0; round < s.rounds(); round++) {
                    sync = Run.faster(sync, runs.run("sync-" + target + "-" + round, false, s.steps()));
                    async = Run.faster(async, runs.run("async-" + target + "-" + round, true, s.steps()));
                }
                Timing t = new Timing(target, perToken, sync.rollout(), sync.train(), sync.step(), async.step());
                timings.add(t);
                log.printf(Locale.ROOT, "  async run's own phases: rollout %.2f s, train %.2f s%n", async.rollout(),
                        async.train());
                log.printf(Locale.ROOT, "ratio %.2f (%.2f ms/token): rollout %.2f s, train %.2f s; step sync %.2f s,"
                                + " async %.2f s (%.3f; ideal %.3f)%n", target, perToken * 1e3, t.rollout(), t.train(),
                        t.syncStep(), t.asyncStep(), t.ratio(), t.ideal());
                log.flush();
            }
        } finally {
            Directories.deleteTree(scratch);
        }
    }

    private static List<Demo> demos(Settings s, PrintWriter log) throws Exception {
        List<Demo> demos = new ArrayList<>();
        for (long seed : s.demoSeeds()) {
            for (boolean async : List.of(false, true)) {
                if (s.demoSteps() <= 0) {
                    continue;
                }
                Path out = Files.createTempDirectory("prime4j-bench-async-demo");
                try {
                    DemoResult r = ArithmeticDemo.run(new DemoOptions(s.config(), out.resolve("run"), s.demoSteps(),
                            seed, false, s.evalItems(), quiet(), async));
                    Demo d = new Demo(async, seed, s.demoSteps(), r.before().accuracy(), r.after().accuracy(),
                            r.minutes());
                    demos.add(d);
                    log.printf(Locale.ROOT, "demo %s seed %d, %d steps: held-out %.3f -> %.3f (%.1f min)%n",
                            async ? "async" : "sync", seed, d.steps(), d.before(), d.after(), d.minutes());
                    log.flush();
                } finally {
                    Directories.deleteTree(out);
                }
            }
        }
        return demos;
    }

    /** A timed run's means over its timed steps. */
    private record Run(double rollout, double train, double step) {
        static Run faster(Run a, Run b) {
            return a == null || b.step() < a.step() ? b : a;
        }
    }

    /** Training runs against the paced policy server (and one reference server), each from the initial weights. */
    private record Runs(TrainConfig base, String policyUrl, String referenceUrl, Path scratch,
                        RolloutClient control) {

        Run run(String name, boolean async, int n) throws Exception {
            control.reloadWeights(base.model().policy());
            RunSection r = base.run();
            TrainConfig c = new TrainConfig(base.model(),
                    new ServersSection(new ServerRole(ServerMode.REMOTE, null, null, null, List.of(policyUrl), null),
                            new ServerRole(ServerMode.REMOTE, null, null, null, List.of(referenceUrl), null), null,
                            null),
                    base.data(), base.rollout(), base.filter(), base.prm(), base.policy(), base.advantage(),
                    base.verifier(), new RunSection(scratch.resolve(name), n, r.seed(), 0, 0, r.publishDtype(), 0,
                            false, async));
            List<Long> ends = new ArrayList<>();
            List<StepMetrics> metrics = new ArrayList<>();
            RunOptions options = new RunOptions(false, null, null, quiet(), null, null, m -> {
                ends.add(System.nanoTime());
                metrics.add(m);
            }, null, false, null);
            long start = System.nanoTime();
            PrimeTraining.run(c, options);
            // Steady-state steps only: step 1 of an async run also waits for step 2's rollouts (nothing overlaps
            // before it), and the last step samples nothing ahead; so steps 2 .. n-1 (at least step 2).
            int from = 1;
            int to = Math.max(2, n - 1);
            double step = (ends.get(to - 1) - ends.get(from - 1)) / 1e9 / (to - from);
            double rollout = 0;
            double train = 0;
            for (StepMetrics m : metrics.subList(from, to)) {
                Map<String, Double> t = m.time();
                rollout += t.getOrDefault("rollout", 0.0) + t.getOrDefault("verify", 0.0) + t.getOrDefault("ref", 0.0);
                train += t.getOrDefault("prm", 0.0) + t.getOrDefault("advantage", 0.0)
                        + t.getOrDefault("policy", 0.0) + t.getOrDefault("publish", 0.0);
            }
            return new Run(rollout / (to - from), train / (to - from), step);
        }
    }

    private static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream());
    }

    public static String table(Result r) {
        StringBuilder b = new StringBuilder();
        b.append("| rollout/train (target) | ms per token | rollout s | train s | sync step s | async step s"
                + " | async/sync | ideal max/(sum) |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Timing t : r.timings()) {
            b.append(String.format(Locale.ROOT, "| %.2f (%.2f) | %.2f | %.2f | %.2f | %.2f | %.2f | %.3f | %.3f |%n",
                    t.rollout() / t.train(), t.target(), t.secondsPerToken() * 1e3, t.rollout(), t.train(),
                    t.syncStep(), t.asyncStep(), t.ratio(), t.ideal()));
        }
        if (!r.demos().isEmpty()) {
            b.append("\n| demo | seed | steps | held-out before | held-out after | minutes |\n"
                    + "|---|---:|---:|---:|---:|---:|\n");
            for (Demo d : r.demos()) {
                b.append(String.format(Locale.ROOT, "| %s | %d | %d | %.3f | %.3f | %.1f |%n",
                        d.async() ? "async" : "sync", d.seed(), d.steps(), d.before(), d.after(), d.minutes()));
            }
        }
        return b.toString();
    }
}
