package org.prime4j.client.protocol;

/** How a server is asked to return the token ids of a completion. */
public enum TokenIdsMode {
    /** {@code return_token_ids: true}: ids in {@code choices[i].token_ids} (vLLM 0.10.2 and later). */
    RETURN_TOKEN_IDS,
    /** {@code return_tokens_as_token_ids: true}: ids rendered {@code "token_id:<id>"} in {@code logprobs.tokens}. */
    TOKENS_AS_TOKEN_IDS
}
