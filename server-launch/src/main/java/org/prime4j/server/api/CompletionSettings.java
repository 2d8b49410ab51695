package org.prime4j.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.prime4j.server.model.ServingModel;

/**
 * A completion request after vLLM's defaults and validation: each bad value is rejected with vLLM's message and
 * the parameter's name.
 */
record CompletionSettings(
        int n, double temperature, double topP, int topK, int maxTokens, Long seed, List<String> stop,
        Set<Integer> stopTokenIds, boolean includeStop, boolean ignoreEos, boolean skipSpecial,
        Integer logprobs, boolean echo, Integer promptLogprobs, boolean tokensAsIds, boolean returnTokenIds) {

    private static final int DEFAULT_MAX_TOKENS = 16;

    static CompletionSettings of(CompletionRequest r, ServingModel model, int maxLogprobs, int maxN) {
        JsonNode streamOptions = r.streamOptions();
        boolean hasStreamOptions = streamOptions != null && !streamOptions.isNull()
                && !(streamOptions.isContainerNode() && streamOptions.isEmpty());
        if (hasStreamOptions && !Boolean.TRUE.equals(r.stream())) {
            // vLLM's validate_stream_options: any non-empty stream_options without stream=True
            throw ApiException.badRequest("Stream options can only be defined when `stream=True`.", "stream_options");
        }
        if (Boolean.TRUE.equals(r.stream())) {
            throw ApiException.badRequest("stream is not supported by the embedded server; send stream: false.",
                    "stream");
        }
        int n = orDefault(r.n(), 1);
        if (n < 1) {
            throw ApiException.badRequest("n must be at least 1, got " + n + ".", "n");
        }
        if (n > maxN) {
            // vLLM bounds n by VLLM_MAX_N_SEQUENCES (16384); this server by --max-n, derived from its batch size
            throw ApiException.badRequest("n must be at most " + maxN + " (--max-n), got " + n + ".", "n");
        }
        double temperature = orDefault(r.temperature(), 1.0);
        if (!(temperature >= 0)) {
            throw ApiException.badRequest("temperature must be non-negative, got " + temperature + ".", "temperature");
        }
        double topP = orDefault(r.topP(), 1.0);
        if (!(topP > 0 && topP <= 1)) {
            throw ApiException.badRequest("top_p must be in (0, 1], got " + topP + ".", "top_p");
        }
        int topK = orDefault(r.topK(), 0);
        if (topK < -1) {
            throw ApiException.badRequest("top_k must be 0 (disable), or at least 1, got " + topK + ".", "top_k");
        }
        boolean echo = Boolean.TRUE.equals(r.echo());
        int maxTokens = maxTokens(r.maxTokens());
        if (maxTokens < 1 && !(echo && maxTokens == 0)) {
            throw ApiException.badRequest("max_tokens must be at least 1, got " + maxTokens + ".", "max_tokens");
        }
        Integer logprobs = r.logprobs();
        if (logprobs != null) {
            if (logprobs < 0) {
                throw ApiException.badRequest("logprobs must be non-negative, got " + logprobs + ".", "logprobs");
            }
            if (logprobs > maxLogprobs) {
                throw ApiException.badRequest("Requested sample logprobs of " + logprobs
                        + ", which is greater than max allowed: " + maxLogprobs, "logprobs");
            }
        }
        Integer promptLogprobs = r.promptLogprobs();
        if (promptLogprobs == null && echo) {
            promptLogprobs = logprobs; // vLLM's to_sampling_params: echo scores the prompt at logprobs' k
        }
        if (promptLogprobs != null) {
            if (promptLogprobs < 0) {
                throw ApiException.badRequest("prompt_logprobs must be non-negative, got " + promptLogprobs + ".",
                        "prompt_logprobs");
            }
            if (promptLogprobs > maxLogprobs) {
                throw ApiException.badRequest("Requested prompt logprobs of " + promptLogprobs
                        + ", which is greater than max allowed: " + maxLogprobs, "prompt_logprobs");
            }
        }
        Set<Integer> stopTokenIds = new HashSet<>();
        if (r.stopTokenIds() != null) {
            for (Integer id : r.stopTokenIds()) {
                if (id == null || id < 0 || id >= model.vocabSize()) {
                    throw ApiException.badRequest("stop_token_ids holds " + id + ", which is not a token id in [0, "
                            + model.vocabSize() + ").", "stop_token_ids");
                }
                stopTokenIds.add(id);
            }
        }
        return new CompletionSettings(n, temperature, topP, Math.max(topK, 0), maxTokens, r.seed(), stops(r.stop()),
                stopTokenIds, Boolean.TRUE.equals(r.includeStopStrInOutput()), Boolean.TRUE.equals(r.ignoreEos()),
                r.skipSpecialTokens() == null || r.skipSpecialTokens(), logprobs, echo, promptLogprobs,
                Boolean.TRUE.equals(r.returnTokensAsTokenIds()), Boolean.TRUE.equals(r.returnTokenIds()));
    }

    /**
     * Absent or null: vLLM's 16. Current vLLM maps null to the field's default (normalize_null_max_tokens);
     * releases before it read null as "the rest of the context", which let one request ask for a whole context
     * per sample.
     */
    private static int maxTokens(JsonNode node) {
        if (node == null || node.isNull()) {
            return DEFAULT_MAX_TOKENS;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw ApiException.badRequest("max_tokens must be an integer or null, got " + node + ".", "max_tokens");
        }
        return node.intValue();
    }

    private static <T> T orDefault(T value, T fallback) {
        return value == null ? fallback : value;
    }

    private static List<String> stops(JsonNode stop) {
        if (stop == null || stop.isNull()) {
            return List.of();
        }
        if (stop.isTextual()) {
            return stop.asText().isEmpty() ? List.of() : List.of(stop.asText());
        }
        if (stop.isArray()) {
            List<String> out = new ArrayList<>();
            for (JsonNode s : stop) {
                if (!s.isTextual()) {
                    throw ApiException.badRequest("stop must be a string or a list of strings, got " + stop + ".",
                            "stop");
                }
                if (!s.asText().isEmpty()) {
                    out.add(s.asText());
                }
            }
            return out;
        }
        throw ApiException.badRequest("stop must be a string or a list of strings, got " + stop + ".", "stop");
    }
}
