package org.prime4j.orchestrator.loop;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.prime4j.client.Sample;
import org.prime4j.orchestrator.config.TrainConfig;
import org.prime4j.orchestrator.data.DataCursor;
import org.prime4j.orchestrator.data.PromptDataset;
import org.prime4j.orchestrator.data.PromptOrder;
import org.prime4j.orchestrator.prime.AdvantageEstimator;
import org.prime4j.orchestrator.prime.ImplicitPrm;
import org.prime4j.orchestrator.train.PolicyResult;
import org.prime4j.orchestrator.train.PolicyUpdater;
import org.prime4j.orchestrator.train.PrmResult;
import org.prime4j.orchestrator.train.PrmStepper;
import org.prime4j.orchestrator.train.TrainSample;

/**
 * One PRIME step, phase by phase as docs/design.md "One PRIME step" lists them. Every phase is timed; any
 * failure becomes a {@link TrainingException} naming the step and the phase, raised before anything of the
 * step is published. The step comes in two halves, {@link #prepare} (steps 1-5: what the servers do) and
 * {@link #train} (6-10: what the trainer does), which {@code run.async} overlaps across steps
 * ({@link OneStepOffPolicy}).
 */
final class PrimeStep {

    private final TrainConfig config;
    private final PromptTokens tokens;
    private final RolloutCollector collector;
    private final ServerSet servers;
    private final PrmStepper prm;
    private final PolicyUpdater policy;
    private final PolicyPublisher publisher;
    private final PromptOrder order;
    private Path published;

    PrimeStep(TrainConfig config, PromptDataset data, PromptOrder order, ServerSet servers, OutcomeScorer scorer,
              PrmStepper prm, PolicyUpdater policy, PolicyPublisher publisher) {
        this.config = config;
        this.order = order;
        this.tokens = new PromptTokens(servers.policy());
        this.collector = new RolloutCollector(config, data, order, tokens, servers.policy(), scorer,
                publisher::servedModel);
        this.servers = servers;
        this.prm = prm;
        this.policy = policy;
        this.publisher = publisher;
    }

    PromptTokens tokens() {
        return tokens;
    }

    PolicyPublisher publisher() {
        return publisher;
    }

        Path published() {
        return published;
    }

    void setPublished(Path p) {
        published = p;
    }

    /**
     * Steps 1-5 of a step: its kept groups with reference log-probs, the data cursor after its prompts, and
     * its clock (which the training half goes on using).
     */
    record Prepared(int step, StepClock clock, RolloutCollector.Collected batch, List<TrainSample> samples,
                    DataCursor cursor) {}

    StepMetrics run(int step) {
        return train(prepare(step), () -> {});
    }

    /** Steps 1-5: sampling, verification, the filter and the reference's log-probs; touches no trainer. */
    Prepared prepare(int step) {
        StepClock clock = new StepClock(step);
        // 1-4: prompts, rollouts, outcome rewards, the accuracy filter with refills
        RolloutCollector.Collected batch = collector.collect(clock);
        DataCursor cursor = order.cursor();
        if (batch.groups().isEmpty()) {
            return new Prepared(step, clock, batch, List.of(), cursor);
        }
        // 5: reference log-probs, teacher-forced on the reference servers
        List<TrainSample> samples = clock.time(Phase.REF, () -> withReference(batch.groups()));
        return new Prepared(step, clock, batch, samples, cursor);
    }

    /**
     * Steps 6-10 on a prepared batch; {@code beforePublish} runs after the policy update (and also when nothing
     * trained), before the publish: with {@code run.async} it waits for the next step's sampling, which must
     * finish on the old weights.
     */
    StepMetrics train(Prepared prepared, Runnable beforePublish) {
        int step = prepared.step();
        StepClock clock = prepared.clock();
        int k = config.rollout().k();
        RolloutCollector.Collected batch = prepared.batch();
        long epoch = prepared.cursor().epoch();
        if (batch.groups().isEmpty()) {
            beforePublish.run();
            return StepMetrics.untrained(step, epoch, batch.stats(), clock.seconds());
        }
        List<TrainSample> samples = prepared.samples();
        // 6: the implicit PRM's step on outcome labels
        PrmResult prmStep = clock.time(Phase.PRM, () -> prm.step(samples, k));
        if (!Double.isFinite(prmStep.loss())) {
            throw new TrainingException(step, Phase.PRM, "the PRM loss is " + prmStep.loss()
                    + " (lower prm.lr, or check the reference log-probs)", null);
        }
        // 7: process rewards r_t = beta * q_t
        double[][] rewards = ImplicitPrm.processRewards(prmStep.q(), prm.settings().beta());
        // 8: advantages from the process rewards and the outcomes, per group of K
        double[][] advantages = clock.time(Phase.ADVANTAGE, () -> AdvantageEstimator.advantages(
                config.advantage(), rewards, outcomes(samples), lengths(samples), k));
        Spread advantage = Spread.of(advantages);
        if (!advantage.finite()) {
            throw new TrainingException(step, Phase.ADVANTAGE, "advantages are not finite (mean " + advantage.mean()
                    + ", std " + advantage.std() + ")", null);
        }
        // 9: the PPO update of the policy
        PolicyResult update = clock.time(Phase.POLICY, () -> policy.update(samples, advantages));
        if (!Double.isFinite(update.loss()) || !Double.isFinite(update.gradNorm())) {
            throw new TrainingException(step, Phase.POLICY, "the policy loss is " + update.loss() + " (grad norm "
                    + update.gradNorm() + "); nothing was published (lower policy.lr)", null);
        }
        beforePublish.run();
        // 10: publish the new weights (or LoRA adapter) to every policy server
        published = clock.time(Phase.PUBLISH, () -> publisher.publish(step));

        return new StepMetrics(step, epoch, batch.stats(), mean(outcomes(samples)), PrmStats.of(prmStep, samples),
                Spread.of(rewards), advantage, PolicyStats.of(update), Double.NaN, clock.seconds());
    }

    /** The kept groups as training rows (prompt-major, K per prompt) with the reference's log-probs. */
    private List<TrainSample> withReference(List<Group> groups) throws Exception {
        List<int[]> prompts = new ArrayList<>();
        List<int[]> responses = new ArrayList<>();
        for (Group g : groups) {
            for (Sample s : g.samples()) {
                prompts.add(g.rollouts().promptIds());
                responses.add(s.tokenIds());
            }
        }
        List<float[]> ref = servers.reference().score(prompts, responses);
        List<TrainSample> rows = new ArrayList<>(prompts.size());
        int row = 0;
        for (Group g : groups) {
            for (int j = 0; j < g.samples().size(); j++, row++) {
                Sample s = g.samples().get(j);
                rows.add(new TrainSample(prompts.get(row), s.tokenIds(), s.logprobs(), ref.get(row), g.scores()[j]));
            }
        }
        return rows;
    }

    private static double[] outcomes(List<TrainSample> rows) {
        return rows.stream().mapToDouble(TrainSample::outcome).toArray();
    }

    private static int[] lengths(List<TrainSample> rows) {
        return rows.stream().mapToInt(r -> r.responseIds().length).toArray();
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }
}
