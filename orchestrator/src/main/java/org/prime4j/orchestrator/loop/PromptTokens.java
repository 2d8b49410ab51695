package org.prime4j.orchestrator.loop;

import java.util.HashMap;
import java.util.Map;
import org.prime4j.client.RolloutClient;
import org.prime4j.client.protocol.ChatMessage;
import org.prime4j.client.protocol.ServerException;
import org.prime4j.orchestrator.data.PromptItem;

/**
 * PRIME step 1: prompt token ids from the policy server's own chat template ({@code POST /tokenize} with
 * messages), so the template has one source of truth; cached per prompt, since a prompt comes back every
 * epoch and the template never changes during a run.
 */
final class PromptTokens {

    private final RolloutClient policy;
    private final Map<String, int[]> cache = new HashMap<>();

    PromptTokens(RolloutClient policy) {
        this.policy = policy;
    }

    int[] of(PromptItem item) throws ServerException {
        int[] ids = cache.get(item.source());
        if (ids == null) {
            ids = item.messages() != null
                    ? policy.tokenizeChat(item.messages().stream().map(m -> new ChatMessage(m.role(), m.content())).toList())
                    : policy.tokenize(item.rawText());
            if (ids.length == 0) {
                throw new IllegalArgumentException(item.source() + ": the prompt tokenizes to no tokens");
            }
            cache.put(item.source(), ids);
        }
        return ids;
    }
}
