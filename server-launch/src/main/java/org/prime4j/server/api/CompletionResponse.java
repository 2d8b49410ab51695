package org.prime4j.server.api;

import java.util.List;
import java.util.Map;

/**
 * vLLM's completion reply. Every field vLLM sends is present, nulls included, because clients (ours among
 * them) check for fields rather than trust defaults.
 */
public record CompletionResponse(
        String id,
        String object,
        long created,
        String model,
        List<Choice> choices,
        Usage usage,
        Object systemFingerprint,
        Object serviceTier,
        Object kvTransferParams) {

    /**
     * One sampled completion. {@code stopReason} is null for EOS, the stop token id, or the stop string.
     * {@code promptLogprobs} starts with null (the first token has no context).
     */
    public record Choice(
            int index,
            String text,
            Logprobs logprobs,
            String finishReason,
            Object stopReason,
            List<Map<String, PromptLogprob>> promptLogprobs,
            List<Integer> promptTokenIds,
            List<Integer> tokenIds) {}

    /** OpenAI's legacy completion log-probs; {@code top_logprobs} maps token strings to log-probs. */
    public record Logprobs(
            List<Integer> textOffset, List<Double> tokenLogprobs, List<String> tokens,
            List<Map<String, Double>> topLogprobs) {}

    public record PromptLogprob(double logprob, int rank, String decodedToken) {}

    public record Usage(int promptTokens, int totalTokens, int completionTokens, Object promptTokensDetails) {}
}
