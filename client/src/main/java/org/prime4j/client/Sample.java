package org.prime4j.client;

/**
 * One sampled response.
 *
 * @param tokenIds generated token ids, as the server sampled them
 * @param logprobs the sampler's log-prob of each generated token (same length as tokenIds)
 * @param finishReason "stop" or "length" (vLLM's words); a "length" response was truncated
 */
public record Sample(int[] tokenIds, float[] logprobs, String finishReason, String text) {
    public boolean truncated() {
        return "length".equals(finishReason);
    }
}
