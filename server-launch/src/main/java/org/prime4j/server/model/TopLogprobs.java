package org.prime4j.server.model;

import java.util.Objects;

/** The k most likely tokens at one position, most likely first (ranks 1..k). */
public record TopLogprobs(int[] tokenIds, float[] logprobs) {
    public TopLogprobs {
        Objects.requireNonNull(tokenIds, "tokenIds");
        Objects.requireNonNull(logprobs, "logprobs");
        if (tokenIds.length != logprobs.length) {
            throw new IllegalArgumentException("top-k ids and log-probs differ in length");
        }
    }

    public int size() {
        return tokenIds.length;
    }
}
