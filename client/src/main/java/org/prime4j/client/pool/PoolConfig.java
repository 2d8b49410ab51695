package org.prime4j.client.pool;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One pool of servers that play the same role (policy sampling, reference scoring). Built with
 * {@link #builder()} (or {@link #of} for the defaults); every field is checked when the config is built and
 * an error names the field.
 *
 * <ul>
 *   <li>{@code role}: a name for logs and metrics, e.g. "policy" or "reference"
 *   <li>{@code baseUrls}: server roots without {@code /v1}, e.g. {@code http://gpu-1:8000}
 *   <li>{@code apiKeyEnv}: name of the environment variable that holds the bearer token, or null for none;
 *       the key itself never enters a config file
 *   <li>{@code requestTimeout}: whole-call limit for one request: a server that stalls longer is retried
 *       elsewhere
 *   <li>{@code reloadTimeout}: limit for a weight reload or LoRA load, which can take minutes on large models
 *   <li>{@code maxConcurrentPerServer}: bulkhead: requests in flight to one server at most
 *   <li>{@code requestBatchSize}: prompts per HTTP request when a batch is split
 *   <li>{@code progress}: show a progress bar on batches of at least {@code progressMinRequests} requests
 * </ul>
 */
public final class PoolConfig {

    private final String role;
    private final List<String> baseUrls;
    private final String apiKeyEnv;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final Duration reloadTimeout;
    private final int maxConcurrentPerServer;
    private final int requestBatchSize;
    private final boolean progress;
    private final int progressMinRequests;
    private final RetrySettings retry;
    private final BreakerSettings breaker;

    private PoolConfig(Builder b) {
        if (b.role == null || b.role.isBlank()) {
            throw new IllegalArgumentException("pool.role is empty");
        }
        String pool = "pool '" + b.role + "': ";
        this.role = b.role;
        this.baseUrls = normalizedUrls(pool, b.baseUrls);
        requirePositive(pool + "connectTimeout", b.connectTimeout);
        requirePositive(pool + "requestTimeout", b.requestTimeout);
        requirePositive(pool + "reloadTimeout", b.reloadTimeout);
        requireAtLeastOne(pool + "maxConcurrentPerServer", b.maxConcurrentPerServer);
        requireAtLeastOne(pool + "requestBatchSize", b.requestBatchSize);
        requireAtLeastOne(pool + "progressMinRequests", b.progressMinRequests);
        if (b.retry == null) {
            throw new IllegalArgumentException(pool + "retry settings are required");
        }
        if (b.breaker == null) {
            throw new IllegalArgumentException(pool + "breaker settings are required");
        }
        this.apiKeyEnv = b.apiKeyEnv == null || b.apiKeyEnv.isBlank() ? null : b.apiKeyEnv;
        this.connectTimeout = b.connectTimeout;
        this.requestTimeout = b.requestTimeout;
        this.reloadTimeout = b.reloadTimeout;
        this.maxConcurrentPerServer = b.maxConcurrentPerServer;
        this.requestBatchSize = b.requestBatchSize;
        this.progress = b.progress;
        this.progressMinRequests = b.progressMinRequests;
        this.retry = b.retry;
        this.breaker = b.breaker;
    }

    private static List<String> normalizedUrls(String pool, List<String> baseUrls) {
        if (baseUrls == null || baseUrls.isEmpty()) {
            throw new IllegalArgumentException(pool + "baseUrls is empty");
        }
        Set<String> seen = new HashSet<>();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < baseUrls.size(); i++) {
            String u = baseUrls.get(i);
            String field = pool + "baseUrls[" + i + "]";
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
            String root = u.strip().replaceAll("/+$", "");
            if (!seen.add(root)) {
                throw new IllegalArgumentException(field + " repeats " + u);
            }
            out.add(root);
        }
        return List.copyOf(out);
    }

    /** A builder holding the defaults of {@link #of}; {@code role} and {@code baseUrls} have none. */
    public static Builder builder() {
        return new Builder();
    }

    /** Sensible settings for the given servers; change single fields with the {@code with...} methods. */
    public static PoolConfig of(String role, List<String> baseUrls) {
        return builder().role(role).baseUrls(baseUrls).build();
    }

    /** A builder that starts from this config's values. */
    public Builder toBuilder() {
        return new Builder().role(role).baseUrls(baseUrls).apiKeyEnv(apiKeyEnv).connectTimeout(connectTimeout)
                .requestTimeout(requestTimeout).reloadTimeout(reloadTimeout)
                .maxConcurrentPerServer(maxConcurrentPerServer).requestBatchSize(requestBatchSize)
                .progress(progress).progressMinRequests(progressMinRequests).retry(retry).breaker(breaker);
    }

    public PoolConfig withApiKeyEnv(String variable) {
        return toBuilder().apiKeyEnv(variable).build();
    }

    public PoolConfig withTimeouts(Duration connect, Duration request) {
        return toBuilder().connectTimeout(connect).requestTimeout(request).build();
    }

    public PoolConfig withConcurrency(int perServer, int batchSize) {
        return toBuilder().maxConcurrentPerServer(perServer).requestBatchSize(batchSize).build();
    }

    public PoolConfig withProgress(boolean show) {
        return toBuilder().progress(show).build();
    }

    public PoolConfig withRetry(RetrySettings r) {
        return toBuilder().retry(r).build();
    }

    public PoolConfig withBreaker(BreakerSettings b) {
        return toBuilder().breaker(b).build();
    }

    public String role() {
        return role;
    }

    public List<String> baseUrls() {
        return baseUrls;
    }

    public String apiKeyEnv() {
        return apiKeyEnv;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public Duration reloadTimeout() {
        return reloadTimeout;
    }

    public int maxConcurrentPerServer() {
        return maxConcurrentPerServer;
    }

    public int requestBatchSize() {
        return requestBatchSize;
    }

    public boolean progress() {
        return progress;
    }

    public int progressMinRequests() {
        return progressMinRequests;
    }

    public RetrySettings retry() {
        return retry;
    }

    public BreakerSettings breaker() {
        return breaker;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PoolConfig c && role.equals(c.role) && baseUrls.equals(c.baseUrls)
                && Objects.equals(apiKeyEnv, c.apiKeyEnv) && connectTimeout.equals(c.connectTimeout)
                && requestTimeout.equals(c.requestTimeout) && reloadTimeout.equals(c.reloadTimeout)
                && maxConcurrentPerServer == c.maxConcurrentPerServer && requestBatchSize == c.requestBatchSize
                && progress == c.progress && progressMinRequests == c.progressMinRequests
                && retry.equals(c.retry) && breaker.equals(c.breaker);
    }

    @Override
    public int hashCode() {
        return Objects.hash(role, baseUrls, apiKeyEnv, connectTimeout, requestTimeout, reloadTimeout,
                maxConcurrentPerServer, requestBatchSize, progress, progressMinRequests, retry, breaker);
    }

    /** Names the API key's variable, never the key. */
    @Override
    public String toString() {
        return "PoolConfig[role=" + role + ", baseUrls=" + baseUrls + ", apiKeyEnv=" + apiKeyEnv
                + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout + ", reloadTimeout="
                + reloadTimeout + ", maxConcurrentPerServer=" + maxConcurrentPerServer + ", requestBatchSize="
                + requestBatchSize + ", progress=" + progress + ", progressMinRequests=" + progressMinRequests
                + ", retry=" + retry + ", breaker=" + breaker + "]";
    }

    static void requirePositive(String field, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(field + " must be a positive duration, got " + d);
        }
    }

    private static void requireAtLeastOne(String field, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(field + " must be >= 1, got " + value);
        }
    }

    /** Collects the fields of a {@link PoolConfig}; {@link #build()} checks them all. */
    public static final class Builder {
        private String role;
        private List<String> baseUrls;
        private String apiKeyEnv;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofMinutes(10);
        private Duration reloadTimeout = Duration.ofMinutes(10);
        private int maxConcurrentPerServer = 64;
        private int requestBatchSize = 1;
        private boolean progress = true;
        private int progressMinRequests = 16;
        private RetrySettings retry = RetrySettings.defaults();
        private BreakerSettings breaker = BreakerSettings.defaults();

        private Builder() {}

        public Builder role(String role) {
            this.role = role;
            return this;
        }

        public Builder baseUrls(List<String> baseUrls) {
            this.baseUrls = baseUrls == null ? null : new ArrayList<>(baseUrls);
            return this;
        }

        /** Name of the environment variable holding the bearer token; null or blank for none. */
        public Builder apiKeyEnv(String variable) {
            this.apiKeyEnv = variable;
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = d;
            return this;
        }

        public Builder requestTimeout(Duration d) {
            this.requestTimeout = d;
            return this;
        }

        public Builder reloadTimeout(Duration d) {
            this.reloadTimeout = d;
            return this;
        }

        public Builder maxConcurrentPerServer(int n) {
            this.maxConcurrentPerServer = n;
            return this;
        }

        public Builder requestBatchSize(int n) {
            this.requestBatchSize = n;
            return this;
        }

        public Builder progress(boolean show) {
            this.progress = show;
            return this;
        }

        public Builder progressMinRequests(int n) {
            this.progressMinRequests = n;
            return this;
        }

        public Builder retry(RetrySettings r) {
            this.retry = r;
            return this;
        }

        public Builder breaker(BreakerSettings b) {
            this.breaker = b;
            return this;
        }

        /** @throws IllegalArgumentException naming the first field that is missing or out of range */
        public PoolConfig build() {
            return new PoolConfig(this);
        }
    }
}
