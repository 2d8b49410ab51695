package org.prime4j.client.pool;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Health probes of servers that are out: breaker not closed, or stale. Live traffic never tests a sick server,
 * these {@code GET /health} calls do: once an open breaker has waited out its open duration, or at once when the
 * server could not be reached (a restart: it rejoins within one probe interval of its recovery). A healthy answer
 * counts as one of the HALF_OPEN breaker's permitted calls (enough of them close it); an unhealthy one re-opens it. A stale server that is healthy
 * and closed is then caught up with the pool's current publications (reload + probe) before it serves.
 *
 * <p>A failed probe is retried once on a fresh connection after the pool's idle connections are evicted: a
 * keep-alive connection to a process that died is still in the pool, and OkHttp reuses an idle connection for a
 * GET without checking it, so without the eviction every dead connection cost one failed probe (and one open
 * duration) after the server was already back.
 */
final class HealthProber implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HealthProber.class);

    private final String role;
    private final List<PooledServer> servers;
    private final Publications publications;
    private final Runnable evictIdleConnections;
    private final AutoCloseable schedule;

    HealthProber(PoolConfig config, List<PooledServer> servers, Publications publications,
            Runnable evictIdleConnections, ProbeTrigger trigger) {
        this.role = config.role();
        this.servers = servers;
        this.publications = publications;
        this.evictIdleConnections = evictIdleConnections;
        this.schedule = trigger.start(config.role(), config.breaker().probeInterval(), this::probeRound);
    }

    /** Probes, one after another, every server that is out. */
    void probeRound() {
        for (PooledServer s : servers) {
            try {
                probe(s);
            } catch (RuntimeException e) {
                log.warn("{} pool: health probe of {} failed: {}", role, s.url(), e.toString());
            }
        }
    }

    private void probe(PooledServer s) {
        CircuitBreaker.State state = s.breaker.getState();
        boolean closed = state == CircuitBreaker.State.CLOSED;
        if (closed && !s.stale) {
            return; // live traffic speaks for it
        }
        if (!closed && !s.unreachable && !s.breaker.tryAcquirePermission()) {
            return; // it answered with errors: wait out the open duration, its /health said 200 all along
        }
        // Holds a HALF_OPEN permission now unless the server was unreachable (then it is probed at once).
        boolean permitted = !closed && !s.unreachable;
        long t0 = System.nanoTime();
        boolean healthy = healthOnFreshConnection(s);
        long nanos = System.nanoTime() - t0;
        if (!healthy) {
            s.unreachable = true;
        }
        if (!closed) {
            if (!permitted && healthy && s.breaker.getState() == CircuitBreaker.State.OPEN) {
                s.breaker.transitionToHalfOpenState();
            }
            if (permitted || (s.breaker.getState() == CircuitBreaker.State.HALF_OPEN
                    && s.breaker.tryAcquirePermission())) {
                if (healthy) {
                    s.breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
                } else {
                    s.breaker.onError(nanos, TimeUnit.NANOSECONDS, new IOException("GET /health failed"));
                }
            }
        }
        if (s.breaker.getState() == CircuitBreaker.State.CLOSED) {
            s.unreachable = false;
            if (healthy && s.stale) {
                publications.catchUp(s);
            }
        }
    }

    private boolean healthOnFreshConnection(PooledServer s) {
        if (s.client.health()) {
            return true;
        }
        evictIdleConnections.run();
        return s.client.health();
    }

    @Override
    public void close() {
        try {
            schedule.close();
        } catch (Exception e) {
            log.warn("{} pool: stopping the health probes failed: {}", role, e.toString());
        }
    }
}
