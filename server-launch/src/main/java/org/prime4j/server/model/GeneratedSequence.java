package org.prime4j.server.model;

import java.util.List;
import java.util.Objects;

/**
 * One sampled sequence.
 *
 * @param tokenIds     generated ids, the EOS or stop token that ended it included
 * @param logprobs     log-prob of each generated token under the distribution it was sampled from
 *                     (after temperature, top-k and top-p: vLLM's {@code processed_logprobs}); empty when
 *                     none were asked
 * @param topLogprobs  per generated token, the top alternatives (empty when none were asked)
 * @param finish       why it ended
 */
public record GeneratedSequence(int[] tokenIds, float[] logprobs, List<TopLogprobs> topLogprobs, Finish finish) {

    /** vLLM's finish reasons: EOS or a stop token ends with STOP, the token budget with LENGTH. */
    public enum Finish { STOP, LENGTH }

    public GeneratedSequence {
        Objects.requireNonNull(tokenIds, "tokenIds");
        Objects.requireNonNull(finish, "finish");
        logprobs = logprobs == null ? new float[0] : logprobs;
        topLogprobs = topLogprobs == null ? List.of() : List.copyOf(topLogprobs);
        if (logprobs.length != 0 && logprobs.length != tokenIds.length) {
            throw new IllegalArgumentException(
                    "logprobs has " + logprobs.length + " entries for " + tokenIds.length + " tokens");
        }
        if (!topLogprobs.isEmpty() && topLogprobs.size() != tokenIds.length) {
            throw new IllegalArgumentException(
                    "topLogprobs has " + topLogprobs.size() + " entries for " + tokenIds.length + " tokens");
        }
    }

    /** The id that ended the sequence, when it ended with one. */
    public int lastToken() {
        return tokenIds[tokenIds.length - 1];
    }
}
