package org.prime4j.server.model;

import java.util.List;

/**
 * Teacher-forced scores of a prompt: entry j-1 scores token j given tokens 0..j-1 (the first token has no
 * score, which vLLM reports as a leading null).
 *
 * @param logprobs log p(token_j | tokens_<j) at temperature 1
 * @param ranks    1 + the number of tokens strictly more likely than token_j (vLLM's rank)
 * @param top      the top-k alternatives at each position
 */
public record PromptScores(float[] logprobs, int[] ranks, List<TopLogprobs> top) {
    public PromptScores {
        top = List.copyOf(top);
        if (ranks.length != logprobs.length || top.size() != logprobs.length) {
            throw new IllegalArgumentException("logprobs, ranks and top differ in length");
        }
    }

    /** Scored positions: the prompt length minus one. */
    public int size() {
        return logprobs.length;
    }
}
