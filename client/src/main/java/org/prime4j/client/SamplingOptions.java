package org.prime4j.client;

import java.util.List;
import org.prime4j.client.protocol.TokenIdsMode;

/**
 * Sampling settings of a rollout request (PRIME step 2). Defaults follow the paper: K = 4 samples per
 * prompt at temperature 1, top_p 1, and the sampled token's log-prob ({@code logprobs: 1}).
 *
 * @param topK -1 for no top-k cut
 * @param logprobs top-k log-probs per generated token; the sampled token's own log-prob always comes back
 * @param model base model name or a LoRA adapter name; null lets the server use its only model
 */
public record SamplingOptions(
        int n,
        double temperature,
        double topP,
        int topK,
        int maxTokens,
        int logprobs,
        List<String> stop,
        List<Integer> stopTokenIds,
        boolean includeStopStrInOutput,
        String model,
        TokenIdsMode tokenIds) {

    public SamplingOptions {
        if (n < 1) {
            throw new IllegalArgumentException("sampling.n must be >= 1, got " + n);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("sampling.temperature must be >= 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("sampling.topP must be in (0, 1], got " + topP);
        }
        if (topK == 0 || topK < -1) {
            throw new IllegalArgumentException("sampling.topK must be -1 (off) or >= 1, got " + topK);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("sampling.maxTokens must be >= 1, got " + maxTokens);
        }
        if (logprobs < 0) {
            throw new IllegalArgumentException("sampling.logprobs must be >= 0, got " + logprobs);
        }
        if (tokenIds == null) {
            throw new IllegalArgumentException("sampling.tokenIds is required");
        }
        stop = stop == null ? List.of() : List.copyOf(stop);
        stopTokenIds = stopTokenIds == null ? List.of() : List.copyOf(stopTokenIds);
    }

    /** PRIME's rollout settings: n samples, temperature 1, top_p 1, the sampled token's log-prob. */
    public static SamplingOptions prime(int n, int maxTokens) {
        return new SamplingOptions(n, 1.0, 1.0, -1, maxTokens, 1, List.of(), List.of(), false, null,
                TokenIdsMode.RETURN_TOKEN_IDS);
    }

    /** One greedy answer per prompt (evaluation): temperature 0, the sampled token's log-prob. */
    public static SamplingOptions greedy(int maxTokens) {
        return prime(1, maxTokens).withSampling(0.0, 1.0);
    }

    /** The same settings at another temperature and nucleus mass. */
    public SamplingOptions withSampling(double t, double p) {
        return new SamplingOptions(n, t, p, topK, maxTokens, logprobs, stop, stopTokenIds, includeStopStrInOutput,
                model, tokenIds);
    }

    public SamplingOptions withModel(String m) {
        return new SamplingOptions(n, temperature, topP, topK, maxTokens, logprobs, stop, stopTokenIds,
                includeStopStrInOutput, m, tokenIds);
    }

    public SamplingOptions withTokenIds(TokenIdsMode mode) {
        return new SamplingOptions(n, temperature, topP, topK, maxTokens, logprobs, stop, stopTokenIds,
                includeStopStrInOutput, model, mode);
    }

    public SamplingOptions withStop(List<String> strings, List<Integer> tokenIds) {
        return new SamplingOptions(n, temperature, topP, topK, maxTokens, logprobs, strings, tokenIds,
                includeStopStrInOutput, model, this.tokenIds);
    }
}
