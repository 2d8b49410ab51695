package org.prime4j.client.pool;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.prime4j.client.protocol.VllmServerClient;

/** One server of a pool with its guards: circuit breaker, bulkhead, in-flight count, weights freshness. */
final class PooledServer {
    final VllmServerClient client;
    final CircuitBreaker breaker;
    final Bulkhead bulkhead;
    final ServerMetrics metrics = new ServerMetrics();
    /** Guarded by the pool's lock. */
    int outstanding;
    /** True while the server may not hold the current publications: it must not serve. */
    volatile boolean stale;
    /**
     * Its connection broke or its health probe failed since its breaker last closed: a restart, not a sick
     * server that still answers, so it is probed without waiting out the open duration.
     */
    volatile boolean unreachable;
    /** Why it is stale, for the WARN line and the error that ends a run. */
    volatile String staleReason;
    /**
     * System.nanoTime before which the prober does not try to catch this server up again: a server that failed
     * a catch-up (or acknowledged a reload and kept its weights) is not reloaded every probe interval.
     */
    volatile long nextCatchUpNanos;
    /** The version of each publication key this server holds as far as the pool knows (applied and probed). */
    final Map<String, String> held = new ConcurrentHashMap<>();
    /** Serializes bringing this server up to date: a publish and a catch-up never interleave on it. */
    final ReentrantLock stateLock = new ReentrantLock();

    PooledServer(VllmServerClient client, CircuitBreaker breaker, Bulkhead bulkhead) {
        this.client = client;
        this.breaker = breaker;
        this.bulkhead = bulkhead;
    }

    String url() {
        return client.baseUrl();
    }

    boolean usable() {
        return !stale && breaker.getState() == CircuitBreaker.State.CLOSED;
    }

    String describeState() {
        return url() + "=" + (stale ? "stale (" + staleReason + ")" : breaker.getState().name());
    }
}
