package org.prime4j.client.pool;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.prime4j.client.protocol.VllmServerClient;

/** One server of a pool with its guards: circuit breaker, bulkhead, in-flight count, weights freshness. */
final class PooledServer {
    final VllmServerClient client;
    final CircuitBreaker breaker;
    final Bulkhead bulkhead;
    final ServerMetrics metrics = new ServerMetrics();
    /** Guarded by the pool's lock. */
    int outstanding;
    /** True after a failed weight reload: its weights are not the policy's, so it must not sample. */
    volatile boolean stale;

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
        return url() + "=" + (stale ? "stale weights" : breaker.getState().name());
    }
}
