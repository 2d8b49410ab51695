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
 * @param limits            what one completion request may ask for ({@link RequestLimits#DERIVED} by default)
 * @param maxLoraRank       largest adapter rank {@code /v1/load_lora_adapter} accepts (vLLM's default 16)
 * @param disconnectCheckMillis how long a completion runs before the server starts checking that its client
 *                          is still connected, and how often it checks after that (see docs/design.md)
 */
public record ServerOptions(
        String host, int port, String apiKey, String servedModelName, boolean enableLora, int maxBatchSize,
        int maxLogprobs, int httpThreads, RequestLimits limits, int maxLoraRank, int disconnectCheckMillis) {

    /** vLLM's {@code --max-lora-rank} default. */
    public static final int DEFAULT_MAX_LORA_RANK = 16;
    public static final int DEFAULT_DISCONNECT_CHECK_MILLIS = 1000;

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
        limits = limits == null ? RequestLimits.DERIVED : limits;
        if (maxLoraRank < 1) {
            throw new IllegalArgumentException("--max-lora-rank must be at least 1, got " + maxLoraRank);
        }
        if (disconnectCheckMillis < 1) {
            throw new IllegalArgumentException("disconnectCheckMillis must be at least 1, got " + disconnectCheckMillis);
        }
    }

    /** The options before request limits existed: derived limits, vLLM's LoRA rank, 1 s disconnect checks. */
    public ServerOptions(String host, int port, String apiKey, String servedModelName, boolean enableLora,
            int maxBatchSize, int maxLogprobs, int httpThreads) {
        this(host, port, apiKey, servedModelName, enableLora, maxBatchSize, maxLogprobs, httpThreads,
                RequestLimits.DERIVED, DEFAULT_MAX_LORA_RANK, DEFAULT_DISCONNECT_CHECK_MILLIS);
    }

    /** Loopback, a free port, no key, no LoRA: what tests and benchmarks want. */
    public static ServerOptions loopback(String servedModelName) {
        return new ServerOptions(DEFAULT_HOST, 0, null, servedModelName, false, 64, 20, 64);
    }

    public ServerOptions withApiKey(String key) {
        return new ServerOptions(host, port, key, servedModelName, enableLora, maxBatchSize, maxLogprobs, httpThreads,
                limits, maxLoraRank, disconnectCheckMillis);
    }

    public ServerOptions withLora(boolean enabled) {
        return new ServerOptions(host, port, apiKey, servedModelName, enabled, maxBatchSize, maxLogprobs, httpThreads,
                limits, maxLoraRank, disconnectCheckMillis);
    }

    /** These options on another port (a restarted server keeps everything else). */
    public ServerOptions withPort(int newPort) {
        return new ServerOptions(host, newPort, apiKey, servedModelName, enableLora, maxBatchSize, maxLogprobs,
                httpThreads, limits, maxLoraRank, disconnectCheckMillis);
    }

    public ServerOptions withMaxBatchSize(int size) {
        return new ServerOptions(host, port, apiKey, servedModelName, enableLora, size, maxLogprobs, httpThreads,
                limits, maxLoraRank, disconnectCheckMillis);
    }

    public ServerOptions withLimits(RequestLimits newLimits) {
        return new ServerOptions(host, port, apiKey, servedModelName, enableLora, maxBatchSize, maxLogprobs,
                httpThreads, newLimits, maxLoraRank, disconnectCheckMillis);
    }

    public ServerOptions withMaxLoraRank(int rank) {
        return new ServerOptions(host, port, apiKey, servedModelName, enableLora, maxBatchSize, maxLogprobs,
                httpThreads, limits, rank, disconnectCheckMillis);
    }

    public ServerOptions withDisconnectCheckMillis(int millis) {
        return new ServerOptions(host, port, apiKey, servedModelName, enableLora, maxBatchSize, maxLogprobs,
                httpThreads, limits, maxLoraRank, millis);
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "ServerOptions[host=" + host + ", port=" + port + ", apiKey=" + (apiKey == null ? "none" : "***")
                + ", servedModelName=" + servedModelName + ", enableLora=" + enableLora + ", maxBatchSize="
                + maxBatchSize + ", maxLogprobs=" + maxLogprobs + ", httpThreads=" + httpThreads + ", limits=" + limits
                + ", maxLoraRank=" + maxLoraRank + ", disconnectCheckMillis=" + disconnectCheckMillis + "]";
    }
}
