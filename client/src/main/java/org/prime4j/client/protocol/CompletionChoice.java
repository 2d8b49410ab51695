package org.prime4j.client.protocol;

/**
 * One parsed {@code choices[i]} of a completions reply. Arrays are null when the reply did not hold the
 * field. Log-prob arrays hold {@link Float#NaN} where the server wrote null (the first prompt position).
 *
 * @param tokenIds generated token ids, from {@code token_ids} or from {@code "token_id:<id>"} tokens
 * @param tokenLogprobs {@code logprobs.token_logprobs}: the log-prob of each returned token
 * @param promptTokenIds {@code prompt_token_ids}, echoed by servers asked for {@code return_token_ids}
 * @param promptLogprobs the log-prob of the <em>actual</em> prompt token at each position of
 *     {@code prompt_logprobs} (looked up by its id, whatever its rank)
 */
public record CompletionChoice(
        int index,
        String text,
        String finishReason,
        int[] tokenIds,
        float[] tokenLogprobs,
        int[] promptTokenIds,
        float[] promptLogprobs) {}
