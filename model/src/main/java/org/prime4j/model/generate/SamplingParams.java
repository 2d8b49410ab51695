package org.prime4j.model.generate;

import java.util.List;
import java.util.Set;

/**
 * vLLM's sampling fields for one sequence. Temperature 0 means greedy.
 *
 * @param temperature   >= 0; logits are divided by it before top-k / top-p (vLLM's order)
 * @param topP          in (0, 1]; 1 disables
 * @param topK          <= 0 disables (vLLM uses -1), else keep the k most likely tokens
 * @param seed          per-sequence RNG seed; null draws one at random
 * @param maxTokens     >= 1 new tokens at most
 * @param stopTokenIds  extra ids that end the sequence (included in its tokens)
 * @param stopStrings   strings whose appearance in the decoded output ends it (needs a detokenizer)
 * @param logprobs      top alternatives to report per sampled token (0 for none)
 * @param ignoreEos     keep going past the model's EOS ids
 */
public record SamplingParams(double temperature, double topP, int topK, Long seed, int maxTokens,
                             Set<Integer> stopTokenIds, List<String> stopStrings, int logprobs,
                             boolean ignoreEos) {

    public SamplingParams {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be non-negative, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max_tokens must be at least 1, got " + maxTokens);
        }
        if (logprobs < 0) {
            throw new IllegalArgumentException("logprobs must be non-negative, got " + logprobs);
        }
        stopTokenIds = stopTokenIds == null ? Set.of() : Set.copyOf(stopTokenIds);
        stopStrings = stopStrings == null ? List.of() : List.copyOf(stopStrings);
        for (String s : stopStrings) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("stop strings must not be empty");
            }
        }
    }

    public static SamplingParams greedy(int maxTokens) {
        return new SamplingParams(0, 1, -1, null, maxTokens, Set.of(), List.of(), 0, false);
    }

    public static SamplingParams sample(double temperature, double topP, int topK, long seed, int maxTokens) {
        return new SamplingParams(temperature, topP, topK, seed, maxTokens, Set.of(), List.of(), 0, false);
    }

    public SamplingParams withLogprobs(int n) {
        return new SamplingParams(temperature, topP, topK, seed, maxTokens, stopTokenIds, stopStrings, n, ignoreEos);
    }

    public SamplingParams withStops(Set<Integer> ids, List<String> strings) {
        return new SamplingParams(temperature, topP, topK, seed, maxTokens, ids, strings, logprobs, ignoreEos);
    }

    public SamplingParams withIgnoreEos(boolean ignore) {
        return new SamplingParams(temperature, topP, topK, seed, maxTokens, stopTokenIds, stopStrings, logprobs,
                ignore);
    }

    public boolean greedy() {
        return temperature == 0;
    }
}
