package org.prime4j.server.model;

import java.util.Objects;

/**
 * Score a prompt by teacher forcing.
 *
 * @param promptIds the tokens to score
 * @param topK      alternatives to return per position (0: the actual token only)
 * @param lora      adapter name or null for the base model
 */
public record ScoreRequest(int[] promptIds, int topK, String lora) {
    public ScoreRequest {
        Objects.requireNonNull(promptIds, "promptIds");
        if (promptIds.length == 0) {
            throw new IllegalArgumentException("prompt must hold at least one token");
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be non-negative, got " + topK);
        }
    }
}
