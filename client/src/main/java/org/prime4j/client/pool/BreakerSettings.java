package org.prime4j.client.pool;

import java.time.Duration;

/**
 * The circuit breaker of each server. When the failure rate over the last {@code slidingWindow} calls
 * reaches the threshold the server is taken out and probed with {@code GET /health} every {@code probeInterval};
 * {@code halfOpenProbes} healthy answers put it back. A server that answered (with errors) is first left alone
 * for {@code openDuration}, as its {@code /health} said 200 all along; a server that could not be reached (its
 * connection broke, or a probe failed) is probed from the start, so it rejoins within one probe interval of its
 * recovery.
 */
public record BreakerSettings(
        float failureRatePercent, int slidingWindow, int minimumCalls, Duration openDuration, int halfOpenProbes,
        Duration probeInterval) {

    public BreakerSettings {
        if (!(failureRatePercent > 0 && failureRatePercent <= 100)) {
            throw new IllegalArgumentException("breaker.failureRatePercent must be in (0, 100], got "
                    + failureRatePercent);
        }
        if (slidingWindow < 1) {
            throw new IllegalArgumentException("breaker.slidingWindow must be >= 1, got " + slidingWindow);
        }
        if (minimumCalls < 1 || minimumCalls > slidingWindow) {
            throw new IllegalArgumentException("breaker.minimumCalls must be in [1, slidingWindow=" + slidingWindow
                    + "], got " + minimumCalls);
        }
        PoolConfig.requirePositive("breaker.openDuration", openDuration);
        PoolConfig.requirePositive("breaker.probeInterval", probeInterval);
        if (halfOpenProbes < 1) {
            throw new IllegalArgumentException("breaker.halfOpenProbes must be >= 1, got " + halfOpenProbes);
        }
    }

    public static BreakerSettings defaults() {
        return new BreakerSettings(50f, 20, 5, Duration.ofSeconds(15), 1, Duration.ofSeconds(2));
    }
}
