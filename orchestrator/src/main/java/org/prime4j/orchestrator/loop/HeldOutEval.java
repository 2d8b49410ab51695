package org.prime4j.orchestrator.loop;

import java.util.ArrayList;
import java.util.List;
import org.prime4j.orchestrator.client.RolloutClient;
import org.prime4j.orchestrator.client.Rollouts;
import org.prime4j.orchestrator.client.SamplingOptions;
import org.prime4j.orchestrator.client.protocol.ServerException;
import org.prime4j.orchestrator.client.protocol.TokenIdsMode;
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
        this.greedy = new SamplingOptions(1, 0.0, 1.0, -1, maxTokens, 1, List.of(), List.of(), false, null,
                TokenIdsMode.RETURN_TOKEN_IDS);
    }

    double accuracy(RolloutClient policy, PromptTokens tokens, OutcomeScorer scorer) throws ServerException {
        List<int[]> ids = new ArrayList<>(items.size());
        for (PromptItem item : items) {
            ids.add(tokens.of(item));
        }
        List<Rollouts> rollouts = policy.sample(ids, greedy, 0L);
        double sum = 0;
        for (double s : scorer.score(items, rollouts).scores()) {
            sum += s;
        }
        return sum / items.size();
    }
}
