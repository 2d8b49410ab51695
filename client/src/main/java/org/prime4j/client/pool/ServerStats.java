package org.prime4j.client.pool;

/**
 * A snapshot of one server's metrics.
 *
 * @param breakerState CLOSED (serving), OPEN (taken out), HALF_OPEN (being probed), ...
 * @param staleWeights true when the server missed the last weight reload and so does not serve samples
 * @param staleReason why the server is stale (null when it is not)
 * @param retries attempts on this server that failed and were retried (here or elsewhere)
 * @param tokensPerSecond completion tokens over the wall time since this server's first request
 */
public record ServerStats(
        String server,
        String breakerState,
        boolean staleWeights,
        int inFlight,
        long requests,
        long failures,
        long retries,
        long tokens,
        double meanLatencyMs,
        double maxLatencyMs,
        double tokensPerSecond,
        String lastError,
        String staleReason) {}
