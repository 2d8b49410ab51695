package org.prime4j.client.pool;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Health probes of servers whose breaker is not closed: live traffic never tests a sick server, these
 * {@code GET /health} calls do. Once a breaker has waited out its open duration a probe moves it to
 * HALF_OPEN and takes one of its permitted calls; a healthy answer counts as a success (enough of them close
 * it), an unhealthy one re-opens it.
 */
final class HealthProber implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HealthProber.class);

    private final String role;
    private final List<PooledServer> servers;
    private final AutoCloseable schedule;

    HealthProber(PoolConfig config, List<PooledServer> servers, ProbeTrigger trigger) {
        this.role = config.role();
        this.servers = servers;
        this.schedule = trigger.start(config.role(), config.breaker().probeInterval(), this::probeRound);
    }

    /** Probes, one after another, every server whose breaker is not closed. */
    void probeRound() {
        for (PooledServer s : servers) {
            try {
                if (s.breaker.getState() == CircuitBreaker.State.CLOSED || !s.breaker.tryAcquirePermission()) {
                    continue; // closed: live traffic speaks for it; open: still waiting out openDuration
                }
                long t0 = System.nanoTime();
                boolean healthy = s.client.health();
                long nanos = System.nanoTime() - t0;
                if (healthy) {
                    s.breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
                } else {
                    s.breaker.onError(nanos, TimeUnit.NANOSECONDS, new IOException("GET /health failed"));
                }
            } catch (RuntimeException e) {
                log.warn("{} pool: health probe of {} failed: {}", role, s.url(), e.toString());
            }
        }
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
