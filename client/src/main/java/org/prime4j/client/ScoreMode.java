package org.prime4j.client;

/** How reference log-probs of given tokens are read from a server (PRIME step 5). */
public enum ScoreMode {
    /** {@code prompt_logprobs: 1, max_tokens: 1}: the actual token's entry of each position (vLLM's way). */
    PROMPT_LOGPROBS,
    /** {@code echo: true, max_tokens: 0, logprobs: 0}: {@code token_logprobs} over the echoed prompt. */
    ECHO
}
