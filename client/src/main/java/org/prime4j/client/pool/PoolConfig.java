package org.prime4j.client.pool;

import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One pool of servers that play the same role (policy sampling, reference scoring).
 *
 * @param role a name for logs and metrics, e.g. "policy" or "reference"
 * @param baseUrls server roots without {@code /v1}, e.g. {@code http://gpu-1:8000}
 * @param apiKeyEnv name of the environment variable that holds the bearer token, or null for none; the
 *     key itself never enters a config file
 * @param requestTimeout whole-call limit for one request: a server that stalls longer is retried elsewhere
 * @param reloadTimeout limit for a weight reload or LoRA load, which can take minutes on large models
 * @param maxConcurrentPerServer bulkhead: requests in flight to one server at most
 * @param requestBatchSize prompts per HTTP request when a batch is split
 * @param progress show a progress bar on batches of at least {@code progressMinRequests} requests
 */
public record PoolConfig(
        String role,
        List<String> baseUrls,
        String apiKeyEnv,
        Duration connectTimeout,
        Duration requestTimeout,
        Duration reloadTimeout,
        int maxConcurrentPerServer,
        int requestBatchSize,
        boolean progress,
        int progressMinRequests,
        RetrySettings retry,
        BreakerSettings breaker) {

    public PoolConfig {
        if (role == null || role.isBlank()) {
            throw new IllegalArgumentException("pool.role is empty");
        }
        if (baseUrls == null || baseUrls.isEmpty()) {
            throw new IllegalArgumentException("pool '" + role + "': baseUrls is empty");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < baseUrls.size(); i++) {
            String u = baseUrls.get(i);
            String field = "pool '" + role + "': baseUrls[" + i + "]";
            if (u == null || u.isBlank()) {
                throw new IllegalArgumentException(field + " is empty");
            }
            URI uri;
            try {
                uri = URI.create(u.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(field + " is not a URL: " + u, e);
            }
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException(field + " must be http(s)://host[:port], got " + u);
            }
            if (uri.getPath() != null && uri.getPath().replaceAll("/+$", "").endsWith("/v1")) {
                throw new IllegalArgumentException(field + " must be the server root, without /v1: " + u);
            }
            if (!seen.add(u.strip().replaceAll("/+$", ""))) {
                throw new IllegalArgumentException(field + " repeats " + u);
            }
        }
        baseUrls = baseUrls.stream().map(s -> s.strip().replaceAll("/+$", "")).toList();
        requirePositive("pool '" + role + "': connectTimeout", connectTimeout);
        requirePositive("pool '" + role + "': requestTimeout", requestTimeout);
        requirePositive("pool '" + role + "': reloadTimeout", reloadTimeout);
        if (maxConcurrentPerServer < 1) {
            throw new IllegalArgumentException("pool '" + role + "': maxConcurrentPerServer must be >= 1, got "
                    + maxConcurrentPerServer);
        }
        if (requestBatchSize < 1) {
            throw new IllegalArgumentException("pool '" + role + "': requestBatchSize must be >= 1, got "
                    + requestBatchSize);
        }
        if (progressMinRequests < 1) {
            throw new IllegalArgumentException("pool '" + role + "': progressMinRequests must be >= 1, got "
                    + progressMinRequests);
        }
        if (retry == null || breaker == null) {
            throw new IllegalArgumentException("pool '" + role + "': retry and breaker settings are required");
        }
        if (apiKeyEnv != null && apiKeyEnv.isBlank()) {
            apiKeyEnv = null;
        }
    }

    /** Sensible settings for the given servers; change single fields with the {@code with...} methods. */
    public static PoolConfig of(String role, List<String> baseUrls) {
        return new PoolConfig(role, baseUrls, null, Duration.ofSeconds(5), Duration.ofMinutes(10),
                Duration.ofMinutes(10), 64, 1, true, 16, RetrySettings.defaults(), BreakerSettings.defaults());
    }

    public PoolConfig withApiKeyEnv(String variable) {
        return new PoolConfig(role, baseUrls, variable, connectTimeout, requestTimeout, reloadTimeout,
                maxConcurrentPerServer, requestBatchSize, progress, progressMinRequests, retry, breaker);
    }

    public PoolConfig withTimeouts(Duration connect, Duration request) {
        return new PoolConfig(role, baseUrls, apiKeyEnv, connect, request, reloadTimeout, maxConcurrentPerServer,
                requestBatchSize, progress, progressMinRequests, retry, breaker);
    }

    public PoolConfig withConcurrency(int perServer, int batchSize) {
        return new PoolConfig(role, baseUrls, apiKeyEnv, connectTimeout, requestTimeout, reloadTimeout, perServer,
                batchSize, progress, progressMinRequests, retry, breaker);
    }

    public PoolConfig withProgress(boolean show) {
        return new PoolConfig(role, baseUrls, apiKeyEnv, connectTimeout, requestTimeout, reloadTimeout,
                maxConcurrentPerServer, requestBatchSize, show, progressMinRequests, retry, breaker);
    }

    public PoolConfig withRetry(RetrySettings r) {
        return new PoolConfig(role, baseUrls, apiKeyEnv, connectTimeout, requestTimeout, reloadTimeout,
                maxConcurrentPerServer, requestBatchSize, progress, progressMinRequests, r, breaker);
    }

    public PoolConfig withBreaker(BreakerSettings b) {
        return new PoolConfig(role, baseUrls, apiKeyEnv, connectTimeout, requestTimeout, reloadTimeout,
                maxConcurrentPerServer, requestBatchSize, progress, progressMinRequests, retry, b);
    }

    static void requirePositive(String field, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(field + " must be a positive duration, got " + d);
        }
    }
}
