package org.prime4j.server;

import java.util.Objects;

/**
 * How the embedded server listens and serves; the defaults are {@code prime4j serve}'s.
 *
 * @param host              bind address; loopback unless told otherwise
 * @param port              0 picks a free port
 * @param apiKey            when set, {@code /v1/*} needs {@code Authorization: Bearer <key>}, as in vLLM
 * @param servedModelName   the name requests use in {@code model}
 * @param enableLora        allow runtime LoRA load/unload
 * @param maxBatchSize      sequences per batched model call
 * @param maxLogprobs       largest {@code logprobs} / {@code prompt_logprobs} accepted (vLLM's default 20)
 * @param httpThreads       request threads; each waits on the scheduler, so this bounds requests in flight
 */
public record ServerOptions(
        String host, int port, String apiKey, String servedModelName, boolean enableLora, int maxBatchSize,
        int maxLogprobs, int httpThreads) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8000;

    public ServerOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(servedModelName, "servedModelName");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        }
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be at least 1, got " + maxBatchSize);
        }
        if (maxLogprobs < 0) {
            throw new IllegalArgumentException("maxLogprobs must be non-negative, got " + maxLogprobs);
        }
        if (httpThreads < 1) {
            throw new IllegalArgumentException("httpThreads must be at least 1, got " + httpThreads);
        }
        if (apiKey != null && apiKey.isEmpty()) {
            apiKey = null;
        }
    }

    /** Loopback, a free port, no key, no LoRA: what tests and benchmarks want. */
    public static ServerOptions loopback(String servedModelName) {
        return new ServerOptions(DEFAULT_HOST, 0, null, servedModelName, false, 64, 20, 64);
    }

    public ServerOptions withApiKey(String key) {
        return new ServerOptions(host, port, key, servedModelName, enableLora, maxBatchSize, maxLogprobs, httpThreads);
    }

    public ServerOptions withLora(boolean enabled) {
        return new ServerOptions(host, port, apiKey, servedModelName, enabled, maxBatchSize, maxLogprobs, httpThreads);
    }

    public ServerOptions withMaxBatchSize(int size) {
        return new ServerOptions(host, port, apiKey, servedModelName, enableLora, size, maxLogprobs, httpThreads);
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "ServerOptions[host=" + host + ", port=" + port + ", apiKey=" + (apiKey == null ? "none" : "***")
                + ", servedModelName=" + servedModelName + ", enableLora=" + enableLora + ", maxBatchSize="
                + maxBatchSize + ", maxLogprobs=" + maxLogprobs + ", httpThreads=" + httpThreads + "]";
    }
}
