package org.prime4j.app.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.prime4j.orchestrator.metrics.NanAsNull;
import org.prime4j.client.protocol.ServerException;
import org.prime4j.model.DjlRuntime;
import org.prime4j.model.io.DType;
import org.prime4j.model.io.HfCheckpoint;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.orchestrator.data.PromptDataset;
import org.prime4j.orchestrator.data.PromptItem;
import org.prime4j.orchestrator.train.PrmResult;
import org.prime4j.orchestrator.train.PrmSettings;
import org.prime4j.orchestrator.train.PrmTrainer;
import org.prime4j.orchestrator.train.PrmUpdate;

/**
 * {@code prime4j bench prm}: does the implicit PRM learn to tell right from wrong, offline? Samples N prompts
 * x k responses from a checkpoint ({@link ProbeSamples}), holds out a fraction of the prompts, trains the PRM
 * (initialised from the same checkpoint, which is also pi_ref) with the loop's {@link PrmTrainer} (same loss,
 * same beta) for E epochs of mini-batches on the rest, and scores the held-out split after every epoch
 * ({@link ProbeScores}). Writes probe.json, probe.png and the trained PRM as an HF directory usable as
 * {@code model.prm} (PRM warm-up).
 */
public final class PrmProbe {

    /**
     * @param model       the checkpoint sampled from; pi_ref and the PRM's start
     * @param data        prompt file (the task file layout)
     * @param prompts     prompts sampled (the first ones of a seeded shuffle)
     * @param k           responses per prompt
     * @param epochs      passes over the training split
     * @param heldOut     fraction of the prompts held out
     * @param miniBatch   responses per PRM optimizer step (whole groups; the loop's is prompts_per_step x k)
     * @param prm         the PRM's settings (lr, beta, clip, micro-batch); the update order is irrelevant offline
     * @param maxTokens   response budget
     * @param temperature rollout temperature (the loop's is 1)
     * @param savePrm     whether to write the trained PRM to {@code out/prm}
     * @param samples     a previous probe's samples.json to reuse instead of sampling (null: sample); it must
     *                    come from the same {@code model}, which stays pi_ref
     * @param startPrm    the PRM's starting weights (null: {@code model}); with 0 epochs this scores a trained PRM,
     *                    e.g. a run's {@code checkpoints/step-N/prm}, on the held-out split of {@code model}'s
     *                    samples
     */
    public record Options(Path model, Path data, int prompts, int k, int epochs, double heldOut, int miniBatch,
                          PrmSettings prm, int maxTokens, double temperature, long seed, Path out, boolean savePrm,
                          Path samples, Path startPrm) {

        /** The PRM starts from {@code model}. */
        public Options(Path model, Path data, int prompts, int k, int epochs, double heldOut, int miniBatch,
                       PrmSettings prm, int maxTokens, double temperature, long seed, Path out, boolean savePrm,
                       Path samples) {
            this(model, data, prompts, k, epochs, heldOut, miniBatch, prm, maxTokens, temperature, seed, out, savePrm,
                    samples, null);
        }

        public Options {
            if (prompts < 2 || k < 2 || epochs < 0 || miniBatch < k || maxTokens < 1) {
                throw new IllegalArgumentException("need prompts >= 2, k >= 2, epochs >= 0, mini-batch >= k and"
                        + " max tokens >= 1; got " + prompts + ", " + k + ", " + epochs + ", " + miniBatch + ", "
                        + maxTokens);
            }
            if (!(heldOut > 0 && heldOut < 1)) {
                throw new IllegalArgumentException("--held-out must be in (0, 1), got " + heldOut);
            }
            if (!(temperature > 0)) {
                throw new IllegalArgumentException("--temperature must be > 0, got " + temperature);
            }
        }
    }

    /** One row of the report: the held-out scores after {@code epoch} epochs (0: the untrained PRM). */
    public record Epoch(int epoch, int updates, double trainLoss, double seconds, ProbeScores heldOut) {}

    public record Result(Options options, int trainResponses, int heldOutResponses, double trainAccuracy,
                         double heldOutAccuracy, double sampleSeconds, List<Epoch> epochs, Path prm) {

        /** The last epoch's held-out scores. */
        public ProbeScores last() {
            return epochs.get(epochs.size() - 1).heldOut();
        }
    }

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .registerModule(NanAsNull.module());

    private PrmProbe() {}

    public static Result run(Options o, PrintStream log) throws IOException, ServerException {
        DjlRuntime.offline();
        long t0 = System.nanoTime();
        Files.createDirectories(o.out());
        ProbeSamples all;
        if (o.samples() != null) {
            all = ProbeSamples.read(o.samples());
        } else {
            List<PromptItem> items = new ArrayList<>(PromptDataset.read(o.data(), PromptDataset.Options.TASKS));
            Collections.shuffle(items, new Random(o.seed()));
            if (items.size() > o.prompts()) {
                items = items.subList(0, o.prompts());
            }
            all = ProbeSamples.collect(o.model(), items, o.k(), o.maxTokens(), o.temperature(), o.seed());
            all.write(o.out().resolve("samples.json"));
        }
        double sampleSeconds = (System.nanoTime() - t0) / 1e9;
        int held = Math.max(1, (int) Math.round(all.groups() * o.heldOut()));
        if (held >= all.groups()) {
            throw new IllegalArgumentException(all.groups() + " usable prompts leave nothing to train on");
        }
        ProbeSamples test = all.groups(0, held);
        ProbeSamples train = all.groups(held, all.groups());
        log.printf(Locale.ROOT, "bench prm: %d prompts x %d %s in %.1f s; train %d responses (accuracy %.3f),"
                        + " held-out %d (accuracy %.3f)%n", all.groups(), all.k(),
                o.samples() != null ? "read from " + o.samples() : "sampled", sampleSeconds, train.samples().size(),
                mean(train.outcomes()), test.samples().size(), mean(test.outcomes()));
        if (o.miniBatch() < all.k()) {
            throw new IllegalArgumentException("--mini-batch " + o.miniBatch() + " is less than one group of "
                    + all.k());
        }
        PrmSettings settings = o.prm().withUpdate(PrmUpdate.AFTER);
        double beta = settings.beta();
        List<Epoch> epochs = new ArrayList<>();
        Path prmDir = null;
        try (CausalLM model = CausalLM.load(o.startPrm() != null ? o.startPrm() : o.model()); PrmTrainer prm = new PrmTrainer(model, settings)) {
            epochs.add(new Epoch(0, 0, Double.NaN, 0, ProbeScores.of(test, prm.logRatios(test.samples()), beta)));
            log.println(header());
            log.println(row(epochs.get(0)));
            int groupsPerStep = Math.max(1, o.miniBatch() / all.k());
            Random order = new Random(o.seed() + 1);
            for (int e = 1; e <= o.epochs(); e++) {
                long te = System.nanoTime();
                List<Integer> groups = new ArrayList<>();
                for (int g = 0; g < train.groups(); g++) {
                    groups.add(g);
                }
                Collections.shuffle(groups, order);
                double loss = 0;
                int updates = 0;
                for (int from = 0; from < groups.size(); from += groupsPerStep) {
                    ProbeSamples mini = train.select(groups.subList(from, Math.min(groups.size(), from + groupsPerStep)));
                    PrmResult r = prm.step(mini.samples(), all.k());
                    if (!Double.isFinite(r.loss())) {
                        throw new IllegalStateException("epoch " + e + ": the PRM loss is " + r.loss()
                                + " (lower --lr)");
                    }
                    loss += r.loss();
                    updates++;
                }
                ProbeScores scores = ProbeScores.of(test, prm.logRatios(test.samples()), beta);
                epochs.add(new Epoch(e, updates, loss / updates, (System.nanoTime() - te) / 1e9, scores));
                log.println(row(epochs.get(epochs.size() - 1)));
            }
            if (o.savePrm()) {
                prmDir = o.out().resolve("prm");
                HfCheckpoint.write(prmDir, model.config(), model.toHost(), DType.F32, 0, o.model());
            }
        }
        Result result = new Result(o, train.samples().size(), test.samples().size(), mean(train.outcomes()),
                mean(test.outcomes()), sampleSeconds, epochs, prmDir);
        JSON.writeValue(o.out().resolve("probe.json").toFile(), result);
        ProbePlot.write(o.out().resolve("probe.png"), result);
        return result;
    }

    public static String header() {
        return "epoch | updates | train loss | held-out loss | AUC | length AUC | pairwise | Brier | logit~length r"
                + " | lowest line = first wrong (sum / mean) vs chance / position baseline (n)";
    }

    public static String row(Epoch e) {
        ProbeScores s = e.heldOut();
        return String.format(Locale.ROOT, "%d | %d | %s | %.4f | %s | %s | %s | %.4f | %s | %s / %s vs %s / %s (%d)",
                e.epoch(), e.updates(), num(e.trainLoss()), s.loss(), num(s.auc()), num(s.lengthAuc()),
                num(s.pairwiseAccuracy()), s.brier(), num(s.logitLengthCorr()), num(s.lowestIsFirstWrong()),
                num(s.lowestMeanIsFirstWrong()), num(s.chance()), num(s.positional()), s.firstWrong());
    }

    static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "-";
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? Double.NaN : s / v.length;
    }
}
