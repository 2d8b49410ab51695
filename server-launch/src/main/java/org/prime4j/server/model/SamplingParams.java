package org.prime4j.server.model;

import java.util.List;
import java.util.Set;

/**
 * How to sample one sequence, with vLLM's meanings.
 *
 * @param temperature  0 means greedy
 * @param topP         nucleus mass in (0, 1]
 * @param topK         0 disables top-k
 * @param maxTokens    generated tokens at most
 * @param stopTokenIds ids that end the sequence (in addition to the model's EOS ids), kept in the output
 * @param ignoreEos    keep going past EOS
 * @param logprobs     top log-probs to return per sampled token; -1 for none, 0 for the sampled token only
 * @param seed         the sequence's own random seed, so a result never depends on its batch
 * @param stopStrings   a model may stop as soon as the text of its new tokens (special tokens skipped)
 *                      holds one; the server cuts the text itself, so stopping there is only a saving
 */
public record SamplingParams(
        double temperature, double topP, int topK, int maxTokens, Set<Integer> stopTokenIds, boolean ignoreEos,
        int logprobs, long seed, List<String> stopStrings) {

    /** Without stop strings. */
    public SamplingParams(double temperature, double topP, int topK, int maxTokens, Set<Integer> stopTokenIds,
            boolean ignoreEos, int logprobs, long seed) {
        this(temperature, topP, topK, maxTokens, stopTokenIds, ignoreEos, logprobs, seed, List.of());
    }

    public SamplingParams {
        if (!(temperature >= 0)) {
            throw new IllegalArgumentException("temperature must be non-negative, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top_k must be 0 (disabled) or at least 1, got " + topK);
        }
        if (maxTokens < 0) {
            throw new IllegalArgumentException("max_tokens must be non-negative, got " + maxTokens);
        }
        if (logprobs < -1) {
            throw new IllegalArgumentException("logprobs must be -1 (none) or non-negative, got " + logprobs);
        }
        stopTokenIds = Set.copyOf(stopTokenIds);
        stopStrings = List.copyOf(stopStrings);
        if (stopStrings.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("stop strings must not be empty");
        }
    }

    public boolean greedy() {
        return temperature == 0;
    }
}
