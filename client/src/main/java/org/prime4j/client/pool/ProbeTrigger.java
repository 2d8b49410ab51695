package org.prime4j.client.pool;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * When the pool's health prober runs a round: every {@code probeInterval} on a daemon thread in production,
 * on demand in tests (which then decide exactly when a probe happens instead of sleeping for one).
 */
interface ProbeTrigger {

    /** Starts calling {@code round}; closing the returned handle stops the calls. */
    AutoCloseable start(String role, Duration interval, Runnable round);

    /** Runs {@code round} every {@code interval}, the first one an interval after the start. */
    static ProbeTrigger scheduled() {
        return (role, interval, round) -> {
            ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                    ServerPool.daemon(role + "-health-probe"));
            long ms = interval.toMillis();
            timer.scheduleWithFixedDelay(round, ms, ms, TimeUnit.MILLISECONDS);
            return timer::shutdownNow;
        };
    }
}
