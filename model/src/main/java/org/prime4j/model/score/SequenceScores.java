package org.prime4j.model.score;

/**
 * Log-probs of one sequence under teacher forcing, entry j for token j + 1 (token 0 has no prediction; vLLM's
 * {@code prompt_logprobs} answers null there).
 *
 * @param logprobs  log p(token j+1 | tokens 0..j)
 * @param ranks     1-based rank of the actual token among all tokens (1 = most likely; ties rank best)
 * @param topIds    per position, the k most likely token ids (empty arrays when k = 0)
 * @param topLogprobs their log-probs, aligned with {@code topIds}
 */
public record SequenceScores(float[] logprobs, int[] ranks, int[][] topIds, float[][] topLogprobs) {

    public int length() {
        return logprobs.length;
    }
}
