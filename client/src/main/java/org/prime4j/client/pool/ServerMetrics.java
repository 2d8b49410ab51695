package org.prime4j.client.pool;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one server, updated from many request threads without a lock. */
final class ServerMetrics {
    final LongAdder requests = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder tokens = new LongAdder();
    final LongAdder latencyNanos = new LongAdder();
    final AtomicLong maxLatencyNanos = new AtomicLong();
    final AtomicLong firstRequestNanos = new AtomicLong();
    final AtomicReference<String> lastError = new AtomicReference<>();

    void started() {
        firstRequestNanos.compareAndSet(0, System.nanoTime());
    }

    void succeeded(long nanos, long tokenCount) {
        requests.increment();
        tokens.add(tokenCount);
        latency(nanos);
    }

    void failed(long nanos, String error) {
        requests.increment();
        failures.increment();
        lastError.set(error);
        latency(nanos);
    }

    private void latency(long nanos) {
        latencyNanos.add(nanos);
        maxLatencyNanos.accumulateAndGet(nanos, Math::max);
    }

    ServerStats snapshot(String server, String breakerState, boolean stale, String staleReason, int inFlight) {
        long n = requests.sum();
        long first = firstRequestNanos.get();
        double wallSeconds = first == 0 ? 0 : (System.nanoTime() - first) / 1e9;
        long tok = tokens.sum();
        return new ServerStats(server, breakerState, stale, inFlight, n, failures.sum(), retries.sum(), tok,
                n == 0 ? 0 : latencyNanos.sum() / 1e6 / n, maxLatencyNanos.get() / 1e6,
                wallSeconds > 0 ? tok / wallSeconds : 0, lastError.get(), stale ? staleReason : null);
    }
}
