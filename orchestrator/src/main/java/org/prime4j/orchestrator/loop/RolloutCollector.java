package org.prime4j.orchestrator.loop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.prime4j.client.RolloutClient;
import org.prime4j.client.Rollouts;
import org.prime4j.client.Sample;
import org.prime4j.client.SamplingOptions;
import org.prime4j.client.Seeds;
import org.prime4j.orchestrator.config.TrainConfig;
import org.prime4j.orchestrator.data.PromptDataset;
import org.prime4j.orchestrator.data.PromptItem;
import org.prime4j.orchestrator.data.PromptOrder;
import org.prime4j.orchestrator.prime.AccuracyFilter;

/**
 * Steps 1-4 of a PRIME step: draw prompts, sample K responses each from the policy servers, score them with
 * the verifiers, and keep the groups that pass the accuracy filter, drawing further prompts (oversampled)
 * until {@code rollout.prompts_per_step} groups are kept or the refill budget is spent.
 */
final class RolloutCollector {

    /** The kept groups, in the order they were kept, and what the whole collection measured. */
    record Collected(List<Group> groups, RolloutStats stats) {}

    private final TrainConfig config;
    private final PromptDataset data;
    private final PromptOrder order;
    private final PromptTokens tokens;
    private final RolloutClient policy;
    private final OutcomeScorer scorer;
    private final SamplingOptions sampling;
    private final Supplier<String> model;

    RolloutCollector(TrainConfig config, PromptDataset data, PromptOrder order, PromptTokens tokens,
                     RolloutClient policy, OutcomeScorer scorer, Supplier<String> model) {
        this.config = config;
        this.data = data;
        this.order = order;
        this.tokens = tokens;
        this.policy = policy;
        this.scorer = scorer;
        this.model = model;
        var r = config.rollout();
        this.sampling = SamplingOptions.prime(r.k(), r.maxTokens()).withSampling(r.temperature(), r.topP());
    }

    Collected collect(StepClock clock) {
        int step = clock.step();
        int k = config.rollout().k();
        int need = config.rollout().promptsPerStep();
        AccuracyFilter filter = config.filter().accuracyFilter();
        boolean dropTruncated = config.filter().dropTruncated();

        List<Group> kept = new ArrayList<>();
        Tally tally = new Tally();
        int round = 0;
        while (kept.size() < need && round <= config.rollout().maxRefills()) {
            int draw = (int) Math.ceil((need - kept.size()) * config.rollout().oversampling());
            List<PromptItem> items = new ArrayList<>(draw);
            for (int i = 0; i < draw; i++) {
                items.add(data.get(order.next()));
            }
            List<int[]> promptIds = clock.time(Phase.ROLLOUT, () -> {
                List<int[]> ids = new ArrayList<>(items.size());
                for (PromptItem item : items) {
                    ids.add(tokens.of(item));
                }
                return ids;
            });
            // One seed per (run, step, round): a retried request or a resumed run samples the same responses.
            long seed = Seeds.derive(Seeds.derive(config.run().seed(), step), round);
            // With LoRA the policy is the adapter published last, asked for by name.
            SamplingOptions asked = sampling.withModel(model.get());
            List<Rollouts> rollouts = clock.time(Phase.ROLLOUT, () -> policy.sample(promptIds, asked, seed));
            OutcomeScorer.Scores scores = clock.time(Phase.VERIFY, () -> scorer.score(items, rollouts));
            tally.errors += scores.errors();
            tally.timeouts += scores.timeouts();
            boolean[] pass = filter == null ? all(items.size()) : filter.keep(scores.scores(), k);
            for (int g = 0; g < items.size(); g++) {
                Group group = new Group(items.get(g), rollouts.get(g),
                        Arrays.copyOfRange(scores.scores(), g * k, g * k + k));
                boolean anyTruncated = tally.add(step, group);
                if (pass[g] && !(dropTruncated && anyTruncated) && kept.size() < need) {
                    kept.add(group);
                }
            }
            tally.sampled += items.size();
            round++;
        }
        if (tally.responses > 0 && (double) tally.errors / tally.responses > config.verifier().maxErrorFraction()) {
            throw new TrainingException(step, Phase.VERIFY, tally.errors + " of " + tally.responses
                    + " verifications failed with an error (more than verifier.max_error_fraction = "
                    + config.verifier().maxErrorFraction() + "); is the verifier broken?", null);
        }
        return new Collected(kept, tally.stats(kept.size(), round - 1));
    }

    /** Running counts over every sampled response, kept or not. */
    private static final class Tally {
        int sampled;
        long responses;
        double outcomeSum;
        long truncated;
        long lengthSum;
        int lengthMax;
        int errors;
        int timeouts;

        /** Counts a group's responses; true when one of them was cut at max_tokens. */
        boolean add(int step, Group group) {
            boolean anyTruncated = false;
            for (int j = 0; j < group.samples().size(); j++) {
                Sample s = group.samples().get(j);
                if (s.tokenIds().length == 0) {
                    throw new TrainingException(step, Phase.ROLLOUT, group.item().source()
                            + ": the policy server returned an empty response (no token ids)", null);
                }
                outcomeSum += group.scores()[j];
                responses++;
                lengthSum += s.tokenIds().length;
                lengthMax = Math.max(lengthMax, s.tokenIds().length);
                if (s.truncated()) {
                    truncated++;
                    anyTruncated = true;
                }
            }
            return anyTruncated;
        }

        RolloutStats stats(int kept, int refills) {
            return new RolloutStats(outcomeSum / responses, sampled, kept, 1.0 - (double) kept / sampled, refills,
                    (double) truncated / responses, errors, timeouts, (double) lengthSum / responses, lengthMax);
        }
    }

    private static boolean[] all(int n) {
        boolean[] b = new boolean[n];
        Arrays.fill(b, true);
        return b;
    }
}
