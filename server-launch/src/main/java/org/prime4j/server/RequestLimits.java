package org.prime4j.server;

/**
 * What one completion request may ask of the server, checked before any work starts (before a string prompt
 * is tokenized, before a sequence is queued). A null field takes its default from the model's context length
 * and the server's batch size, so a server is bounded without being told how.
 *
 * @param maxN               largest {@code n}; default 4 x max batch size
 * @param maxGeneratedTokens largest prompts x n x max_tokens a request may ask for; default
 *                           4 x max batch size x max_model_len (four full batches of whole contexts)
 * @param maxPromptBytes     largest UTF-8 size of one text prompt; default 64 x max_model_len. No tokenizer
 *                           in use puts 64 bytes in one token, so a longer text cannot fit the context and
 *                           is refused without spending time and memory tokenizing it
 */
public record RequestLimits(Integer maxN, Long maxGeneratedTokens, Integer maxPromptBytes) {

    /** Every limit derived from the model and the batch size. */
    public static final RequestLimits DERIVED = new RequestLimits(null, null, null);

    /** Per-token byte bound behind the default {@link #maxPromptBytes}. */
    public static final int BYTES_PER_TOKEN = 64;

    /** Batches' worth of work one request may ask for, behind the defaults of {@link #maxN} and tokens. */
    public static final int BATCHES_PER_REQUEST = 4;

    public RequestLimits {
        if (maxN != null && maxN < 1) {
            throw new IllegalArgumentException("--max-n must be at least 1, got " + maxN);
        }
        if (maxGeneratedTokens != null && maxGeneratedTokens < 1) {
            throw new IllegalArgumentException("--max-generated-tokens must be at least 1, got " + maxGeneratedTokens);
        }
        if (maxPromptBytes != null && maxPromptBytes < 1) {
            throw new IllegalArgumentException("--max-prompt-bytes must be at least 1, got " + maxPromptBytes);
        }
    }

    /** These limits with every default filled in for a server of {@code maxBatchSize} on a model of {@code maxModelLen}. */
    public RequestLimits resolve(int maxBatchSize, int maxModelLen) {
        int n = maxN != null ? maxN : BATCHES_PER_REQUEST * maxBatchSize;
        long tokens = maxGeneratedTokens != null ? maxGeneratedTokens
                : (long) BATCHES_PER_REQUEST * maxBatchSize * maxModelLen;
        int bytes = maxPromptBytes != null ? maxPromptBytes
                : (int) Math.min(Integer.MAX_VALUE, (long) BYTES_PER_TOKEN * maxModelLen);
        return new RequestLimits(n, tokens, bytes);
    }
}
