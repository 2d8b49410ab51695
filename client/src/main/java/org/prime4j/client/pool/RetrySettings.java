package org.prime4j.client.pool;

import java.time.Duration;

/**
 * Retries of one request after a connection error, timeout, 5xx, 429 or malformed reply (never after any
 * other 4xx): exponential backoff with jitter, or the server's Retry-After when it sent one.
 *
 * @param maxAttempts total attempts including the first
 * @param jitter randomization factor in [0, 1): each wait is drawn from backoff * (1 +- jitter)
 * @param maxRetryAfter cap on a server's Retry-After, so one confused server cannot park the batch
 */
public record RetrySettings(
        int maxAttempts, Duration initialBackoff, double multiplier, double jitter, Duration maxBackoff,
        Duration maxRetryAfter) {

    public RetrySettings {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("retry.maxAttempts must be >= 1, got " + maxAttempts);
        }
        PoolConfig.requirePositive("retry.initialBackoff", initialBackoff);
        PoolConfig.requirePositive("retry.maxBackoff", maxBackoff);
        PoolConfig.requirePositive("retry.maxRetryAfter", maxRetryAfter);
        if (!(multiplier >= 1.0)) {
            throw new IllegalArgumentException("retry.multiplier must be >= 1, got " + multiplier);
        }
        if (!(jitter >= 0.0 && jitter < 1.0)) {
            throw new IllegalArgumentException("retry.jitter must be in [0, 1), got " + jitter);
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("retry.maxBackoff (" + maxBackoff + ") < retry.initialBackoff ("
                    + initialBackoff + ")");
        }
    }

    public static RetrySettings defaults() {
        return new RetrySettings(4, Duration.ofMillis(200), 2.0, 0.5, Duration.ofSeconds(10), Duration.ofSeconds(30));
    }
}
