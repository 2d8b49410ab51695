package org.prime4j.orchestrator.loop;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prime4j.orchestrator.client.Rollouts;
import org.prime4j.orchestrator.client.Sample;
import org.prime4j.orchestrator.client.SamplingOptions;
import org.prime4j.orchestrator.client.Seeds;
import org.prime4j.orchestrator.client.protocol.TokenIdsMode;
import org.prime4j.orchestrator.config.TrainConfig;
import org.prime4j.orchestrator.data.PromptDataset;
import org.prime4j.orchestrator.data.PromptItem;
import org.prime4j.orchestrator.data.PromptOrder;
import org.prime4j.orchestrator.prime.AccuracyFilter;
import org.prime4j.orchestrator.prime.AdvantageEstimator;
import org.prime4j.orchestrator.prime.ImplicitPrm;
import org.prime4j.orchestrator.train.PolicyResult;
import org.prime4j.orchestrator.train.PolicyTrainer;
import org.prime4j.orchestrator.train.PrmResult;
import org.prime4j.orchestrator.train.PrmTrainer;
import org.prime4j.orchestrator.train.TrainSample;

/**
 * One PRIME step exactly as docs/design.md "One PRIME step": prompts, rollouts, verification, the accuracy filter
 * with refills, reference log-probs, the PRM step, process rewards, advantages, the PPO update and the
 * weight publication. Every phase is timed; any failure becomes a {@link TrainingException} naming the step
 * and the phase, raised before anything of the step is published.
 */
final class PrimeStep {

    /** Work of one phase that may fail with anything. */
    interface Work<T> {
        T run() throws Exception;
    }

    private final TrainConfig config;
    private final PromptDataset data;
    private final PromptOrder order;
    private final PromptTokens tokens;
    private final ServerSet servers;
    private final OutcomeScorer scorer;
    private final PrmTrainer prm;
    private final PolicyTrainer policy;
    private final WeightPublisher publisher;
    private final SamplingOptions sampling;
    private Path published;

    PrimeStep(TrainConfig config, PromptDataset data, PromptOrder order, ServerSet servers, OutcomeScorer scorer,
              PrmTrainer prm, PolicyTrainer policy, WeightPublisher publisher) {
        this.config = config;
        this.data = data;
        this.order = order;
        this.tokens = new PromptTokens(servers.policy());
        this.servers = servers;
        this.scorer = scorer;
        this.prm = prm;
        this.policy = policy;
        this.publisher = publisher;
        var r = config.rollout();
        this.sampling = new SamplingOptions(r.k(), r.temperature(), r.topP(), -1, r.maxTokens(), 1, List.of(),
                List.of(), false, null, TokenIdsMode.RETURN_TOKEN_IDS);
    }

    PromptTokens tokens() {
        return tokens;
    }

    Path published() {
        return published;
    }

    void setPublished(Path p) {
        published = p;
    }

    StepMetrics run(int step) {
        Map<String, Double> time = new LinkedHashMap<>();
        for (Phase p : List.of(Phase.ROLLOUT, Phase.VERIFY, Phase.REF, Phase.PRM, Phase.POLICY, Phase.PUBLISH)) {
            time.put(p.label(), 0.0);
        }
        long start = System.nanoTime();
        int k = config.rollout().k();
        int need = config.rollout().promptsPerStep();
        AccuracyFilter filter = config.filter().accuracyFilter();
        boolean dropTruncated = config.filter().dropTruncated();

        List<Rollouts> kept = new ArrayList<>();
        List<double[]> keptScores = new ArrayList<>();
        int sampled = 0;
        double outcomeSum = 0;
        long responses = 0;
        long truncated = 0;
        long lengthSum = 0;
        int lengthMax = 0;
        int errors = 0;
        int timeouts = 0;
        int round = 0;
        while (kept.size() < need && round <= config.rollout().maxRefills()) {
            int draw = (int) Math.ceil((need - kept.size()) * config.rollout().oversampling());
            List<PromptItem> items = new ArrayList<>(draw);
            for (int i = 0; i < draw; i++) {
                items.add(data.get(order.next()));
            }
            List<int[]> promptIds = timed(step, Phase.ROLLOUT, time, () -> {
                List<int[]> ids = new ArrayList<>(items.size());
                for (PromptItem item : items) {
                    ids.add(tokens.of(item));
                }
                return ids;
            });
            long seed = Seeds.derive(Seeds.derive(config.run().seed(), step), round);
            List<Rollouts> rollouts = timed(step, Phase.ROLLOUT, time,
                    () -> servers.policy().sample(promptIds, sampling, seed));
            OutcomeScorer.Scores scores = timed(step, Phase.VERIFY, time, () -> scorer.score(items, rollouts));
            errors += scores.errors();
            timeouts += scores.timeouts();
            boolean[] pass = filter == null ? allTrue(items.size()) : filter.keep(scores.scores(), k);
            for (int g = 0; g < items.size(); g++) {
                boolean anyTruncated = false;
                for (int j = 0; j < k; j++) {
                    Sample s = rollouts.get(g).samples().get(j);
                    double o = scores.scores()[g * k + j];
                    outcomeSum += o;
                    responses++;
                    lengthSum += s.tokenIds().length;
                    lengthMax = Math.max(lengthMax, s.tokenIds().length);
                    if (s.truncated()) {
                        truncated++;
                        anyTruncated = true;
                    }
                    if (s.tokenIds().length == 0) {
                        throw new TrainingException(step, Phase.ROLLOUT, items.get(g).source()
                                + ": the policy server returned an empty response (no token ids)", null);
                    }
                }
                if (pass[g] && !(dropTruncated && anyTruncated) && kept.size() < need) {
                    kept.add(rollouts.get(g));
                    keptScores.add(java.util.Arrays.copyOfRange(scores.scores(), g * k, g * k + k));
                }
            }
            sampled += items.size();
            round++;
        }
        if (responses > 0 && (double) errors / responses > config.verifier().maxErrorFraction()) {
            throw new TrainingException(step, Phase.VERIFY, errors + " of " + responses + " verifications failed"
                    + " with an error (more than verifier.max_error_fraction = " + config.verifier().maxErrorFraction()
                    + "); is the verifier broken?", null);
        }

        StepMetrics.Builder m = new StepMetrics.Builder(step, order.cursor().epoch());
        m.accuracy = outcomeSum / responses;
        m.sampledPrompts = sampled;
        m.keptPrompts = kept.size();
        m.filteredFraction = 1.0 - (double) kept.size() / sampled;
        m.refills = round - 1;
        m.truncatedFraction = (double) truncated / responses;
        m.verifyErrors = errors;
        m.verifyTimeouts = timeouts;
        m.responseLengthMean = (double) lengthSum / responses;
        m.responseLengthMax = lengthMax;

        if (!kept.isEmpty()) {
            train(step, kept, keptScores, k, m, time);
        }
        time.put("total", (System.nanoTime() - start) / 1e9);
        m.time = time;
        return m.build();
    }

    private void train(int step, List<Rollouts> kept, List<double[]> keptScores, int k, StepMetrics.Builder m,
                       Map<String, Double> time) {
        List<int[]> promptRows = new ArrayList<>();
        List<int[]> responseRows = new ArrayList<>();
        for (Rollouts r : kept) {
            for (Sample s : r.samples()) {
                promptRows.add(r.promptIds());
                responseRows.add(s.tokenIds());
            }
        }
        List<float[]> ref = timed(step, Phase.REF, time, () -> servers.reference().score(promptRows, responseRows));
        List<TrainSample> batch = new ArrayList<>(promptRows.size());
        double[] outcomes = new double[promptRows.size()];
        int[] lengths = new int[promptRows.size()];
        int row = 0;
        for (int g = 0; g < kept.size(); g++) {
            for (int j = 0; j < k; j++) {
                Sample s = kept.get(g).samples().get(j);
                outcomes[row] = keptScores.get(g)[j];
                lengths[row] = s.tokenIds().length;
                batch.add(new TrainSample(promptRows.get(row), s.tokenIds(), s.logprobs(), ref.get(row), outcomes[row]));
                row++;
            }
        }
        m.keptAccuracy = mean(outcomes);

        PrmResult pr = timed(step, Phase.PRM, time, () -> prm.step(batch, k));
        if (!Double.isFinite(pr.loss())) {
            throw new TrainingException(step, Phase.PRM, "the PRM loss is " + pr.loss()
                    + " (lower prm.lr, or check the reference log-probs)", null);
        }
        m.prmLoss = pr.loss();
        m.prmPairwiseAccuracy = pr.pairwiseAccuracy();
        m.prmGradNorm = pr.gradNorm();

        double[][] rewards = ImplicitPrm.processRewards(pr.q(), prm.settings().beta());
        double[][] adv = timed(step, Phase.ADVANTAGE, time,
                () -> AdvantageEstimator.advantages(config.advantage().config(), rewards, outcomes, lengths, k));
        double[] rs = stats(rewards);
        double[] as = stats(adv);
        if (!Double.isFinite(as[0]) || !Double.isFinite(as[1])) {
            throw new TrainingException(step, Phase.ADVANTAGE, "advantages are not finite (mean " + as[0] + ", std "
                    + as[1] + ")", null);
        }
        m.processRewardMean = rs[0];
        m.processRewardStd = rs[1];
        m.advantageMean = as[0];
        m.advantageStd = as[1];
        m.advantageMin = as[2];
        m.advantageMax = as[3];

        PolicyResult res = timed(step, Phase.POLICY, time, () -> policy.update(batch, adv));
        if (!Double.isFinite(res.loss()) || !Double.isFinite(res.gradNorm())) {
            throw new TrainingException(step, Phase.POLICY, "the policy loss is " + res.loss() + " (grad norm "
                    + res.gradNorm() + "); nothing was published (lower policy.lr)", null);
        }
        m.policyLoss = res.loss();
        m.approxKl = res.approxKl();
        m.clipFraction = res.clipFraction();
        m.policyGradNorm = res.gradNorm();
        m.entropy = res.entropy();
        m.klToReference = res.kl();
        m.mismatchMean = res.logprobMismatchMean();
        m.mismatchMax = res.logprobMismatchMax();

        published = timed(step, Phase.PUBLISH, time,
                () -> publisher.publish(step, policy.model(), servers.policy()));
    }

    /** Runs one phase's work, adds its time, and turns any failure into a {@link TrainingException}. */
    static <T> T timed(int step, Phase phase, Map<String, Double> time, Work<T> work) {
        long t0 = System.nanoTime();
        try {
            return work.run();
        } catch (TrainingException e) {
            throw e;
        } catch (Exception e) {
            throw new TrainingException(step, phase, e.getMessage() == null ? e.toString() : e.getMessage(), e);
        } finally {
            time.merge(phase.label(), (System.nanoTime() - t0) / 1e9, Double::sum);
        }
    }

    private static boolean[] allTrue(int n) {
        boolean[] b = new boolean[n];
        java.util.Arrays.fill(b, true);
        return b;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /** mean, std (population), min, max over every token of ragged rows. */
    static double[] stats(double[][] rows) {
        double sum = 0;
        double sq = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        long n = 0;
        for (double[] r : rows) {
            for (double v : r) {
                sum += v;
                sq += v * v;
                min = Math.min(min, v);
                max = Math.max(max, v);
                n++;
            }
        }
        double mean = sum / n;
        return new double[] {mean, Math.sqrt(Math.max(0, sq / n - mean * mean)), min, max};
    }
}
