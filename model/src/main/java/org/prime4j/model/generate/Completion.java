package org.prime4j.model.generate;

/**
 * What one sequence generated.
 *
 * @param tokenIds     new tokens, including a stop token that ended the sequence
 * @param logprobs     processed log-prob of each new token: after temperature and top-k/top-p, renormalized
 *                     (vLLM's {@code --logprobs-mode processed_logprobs}); raw log-softmax when greedy
 * @param topIds       per token, the most likely alternatives in that same distribution (may be empty)
 * @param topLogprobs  their log-probs
 * @param finishReason {@code stop} (stop token, EOS or stop string) or {@code length} (max_tokens)
 * @param stopReason   the stop token id (Integer) or stop string (String) that ended it; null for EOS/length
 */
public record Completion(int[] tokenIds, float[] logprobs, int[][] topIds, float[][] topLogprobs,
                         FinishReason finishReason, Object stopReason) {

    /** vLLM's finish reasons. */
    public enum FinishReason {
        STOP("stop"),
        LENGTH("length");

        public final String wire;

        FinishReason(String wire) {
            this.wire = wire;
        }
    }
}
