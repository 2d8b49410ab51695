package org.prime4j.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * {@code POST /v1/completions}, with vLLM's field names. Boxed fields are null when absent; defaults are
 * vLLM's with {@code --generation-config vllm} and are applied by {@link CompletionService}.
 * {@code prompt} and {@code stop} take several JSON shapes, {@code max_tokens} must tell a number from a
 * string, and {@code stream_options} is only checked for presence, so these stay trees.
 */
public record CompletionRequest(
        String model,
        JsonNode prompt,
        JsonNode maxTokens,
        Integer n,
        Double temperature,
        Double topP,
        Integer topK,
        Long seed,
        JsonNode stop,
        List<Integer> stopTokenIds,
        Boolean includeStopStrInOutput,
        Boolean ignoreEos,
        Boolean skipSpecialTokens,
        Integer logprobs,
        Boolean echo,
        Integer promptLogprobs,
        Boolean returnTokensAsTokenIds,
        Boolean returnTokenIds,
        Boolean stream,
        JsonNode streamOptions) {}
