package org.prime4j.orchestrator.loop;

import java.util.ArrayList;
import java.util.List;
import org.prime4j.client.RolloutClient;
import org.prime4j.client.Rollouts;
import org.prime4j.client.SamplingOptions;
import org.prime4j.client.protocol.ServerException;
import org.prime4j.orchestrator.data.PromptItem;

/**
 * Greedy pass@1 on held-out prompts with the policy servers' current weights: one temperature-0 sample per
 * prompt, scored by the same verifiers as training.
 */
final class HeldOutEval {

    private final List<PromptItem> items;
    private final SamplingOptions greedy;

    HeldOutEval(List<PromptItem> items, int limit, int maxTokens) {
        this.items = limit > 0 && limit < items.size() ? List.copyOf(items.subList(0, limit)) : List.copyOf(items);
        this.greedy = SamplingOptions.greedy(maxTokens);
    }

    double accuracy(RolloutClient policy, PromptTokens tokens, OutcomeScorer scorer) throws ServerException {
        return accuracy(policy, null, tokens, scorer);
    }

    /** As above, sampling from {@code model} (a LoRA adapter's name; null: the servers' only model). */
    double accuracy(RolloutClient policy, String model, PromptTokens tokens, OutcomeScorer scorer)
            throws ServerException {
        List<int[]> ids = new ArrayList<>(items.size());
        for (PromptItem item : items) {
            ids.add(tokens.of(item));
        }
        List<Rollouts> rollouts = policy.sample(ids, greedy.withModel(model), 0L);
        double sum = 0;
        for (double s : scorer.score(items, rollouts).scores()) {
            sum += s;
        }
        return sum / items.size();
    }
}
