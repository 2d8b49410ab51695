package org.prime4j.client.pool;

import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import org.prime4j.client.protocol.ServerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the server for each attempt of a request: the usable server (breaker closed, weights fresh) with the
 * fewest requests in flight, within its bulkhead, preferring one that has not failed this request yet; a
 * failed attempt is retried with backoff and jitter (Resilience4j Retry). When no server is usable the
 * attempt waits for one to come back instead of burning the request's attempts.
 */
final class RequestRouter {

    private static final Logger log = LoggerFactory.getLogger(RequestRouter.class);

    private final PoolConfig config;
    private final List<PooledServer> servers;
    private final Retry retry;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition capacity = lock.newCondition();
    private final AtomicLong totalRetries = new AtomicLong();
    /** Attempts waiting because no server is usable; guarded by {@link #lock}. */
    private int waitingForServer;

    private final BiConsumer<PooledServer, String> connectionLost;
    private final BiPredicate<PooledServer, ServerException> lostPublished;

    /**
     * @param connectionLost told of every attempt whose connection broke (the process may have restarted)
     * @param lostPublished true when a failure shows the server lost a publication (it is then stale)
     */
    RequestRouter(PoolConfig config, List<PooledServer> servers, Retry retry,
            BiConsumer<PooledServer, String> connectionLost,
            BiPredicate<PooledServer, ServerException> lostPublished) {
        this.config = config;
        this.servers = servers;
        this.retry = retry;
        this.connectionLost = connectionLost;
        this.lostPublished = lostPublished;
    }

    static RetryConfig retryConfig(RetrySettings r) {
        IntervalFunction backoff = IntervalFunction.ofExponentialRandomBackoff(
                r.initialBackoff(), r.multiplier(), r.jitter(), r.maxBackoff());
        IntervalBiFunction<Object> interval = (attempt, outcome) -> {
            if (outcome.isLeft() && outcome.getLeft() instanceof ServerException se && se.retryAfter().isPresent()) {
                return Math.min(se.retryAfter().get().toMillis(), r.maxRetryAfter().toMillis());
            }
            return backoff.apply(attempt);
        };
        return RetryConfig.custom()
                .maxAttempts(r.maxAttempts())
                .intervalBiFunction(interval)
                .retryOnException(e -> e instanceof ServerException se && se.retryable()
                        && !(se.getCause() instanceof DeadlinePassed) // the request's time is up
                        && !Thread.currentThread().isInterrupted()) // an abandoned request stops retrying
                .failAfterMaxAttempts(false)
                .build();
    }

    long totalRetries() {
        return totalRetries.get();
    }

    int inFlight() {
        lock.lock();
        try {
            return servers.stream().mapToInt(s -> s.outstanding).sum();
        } finally {
            lock.unlock();
        }
    }

    /** Attempts that are waiting for a server to become usable (for tests and diagnostics). */
    int waitingForServer() {
        lock.lock();
        try {
            return waitingForServer;
        } finally {
            lock.unlock();
        }
    }

    List<ServerStats> stats() {
        lock.lock();
        try {
            return servers.stream()
                    .map(s -> s.metrics.snapshot(s.url(), s.breaker.getState().name(), s.stale, s.staleReason,
                            s.outstanding))
                    .toList();
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code call} on the best server, retrying elsewhere on retryable failures. */
    <T> Served<T> execute(String operation, ServerCall<T> call, ToLongFunction<? super T> tokens)
            throws ServerException {
        Set<PooledServer> failedOn = new HashSet<>();
        List<String> trail = new ArrayList<>();
        AtomicInteger attempts = new AtomicInteger();
        // One deadline per request, not per attempt: the wait for a usable server and every attempt's call take
        // what is left of it, so a request ends within the request timeout plus the one back-off slept before
        // the attempt that finds it passed (attempts that each got the whole timeout made it outlive it ~2x).
        long deadline = System.nanoTime() + config.requestTimeout().toNanos();
        try {
            return Retry.decorateCheckedSupplier(retry, () -> {
                int attempt = attempts.incrementAndGet();
                if (attempt > 1 && deadline - System.nanoTime() <= 0) {
                    ServerException passed = new ServerException(config.role() + " pool",
                            ServerException.Kind.TIMEOUT, "request timeout " + config.requestTimeout()
                                    + " passed before attempt " + attempt, new DeadlinePassed());
                    trail.add(passed.getMessage());
                    throw passed;
                }
                PooledServer s;
                try {
                    s = acquire(failedOn, deadline);
                } catch (ServerException e) {
                    trail.add(e.getMessage());
                    throw e;
                }
                long t0 = System.nanoTime();
                long budget = Math.max(1, deadline - t0);
                s.metrics.started();
                try {
                    T value = call.apply(s.client.withCallTimeout(Duration.ofNanos(budget)));
                    long nanos = System.nanoTime() - t0;
                    s.breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
                    s.metrics.succeeded(nanos, tokens.applyAsLong(value));
                    return new Served<>(value, s.url(), attempt);
                } catch (ServerException e) {
                    long nanos = System.nanoTime() - t0;
                    if (Thread.currentThread().isInterrupted()) {
                        // The batch was abandoned and this call cut short by us: not the server's fault.
                        s.breaker.releasePermission();
                        throw e;
                    }
                    s.metrics.failed(nanos, e.getMessage());
                    if (e.kind() == ServerException.Kind.CONNECTION) {
                        connectionLost.accept(s, e.getMessage());
                    }
                    if (lostPublished.test(s, e)) {
                        // Not this request's fault nor the server's health: another server holds the state.
                        s.breaker.releasePermission();
                        failedOn.add(s);
                        trail.add(e.getMessage());
                        throw new ServerException(s.url(), ServerException.Kind.NO_SERVER, e.status(),
                                "no longer holds what was published: " + e.getMessage(), null, e);
                    }
                    // A timeout is the server's fault only when it had at least half the request timeout: an
                    // attempt cut short by its request's deadline says little about the server.
                    boolean cutShort = e.kind() == ServerException.Kind.TIMEOUT
                            && budget < config.requestTimeout().toNanos() / 2;
                    if (e.serverFault() && !cutShort) {
                        s.breaker.onError(nanos, TimeUnit.NANOSECONDS, e);
                    } else {
                        s.breaker.releasePermission();
                    }
                    failedOn.add(s);
                    trail.add(e.getMessage());
                    if (e.retryable() && attempt < config.retry().maxAttempts()) {
                        s.metrics.retries.increment();
                        totalRetries.incrementAndGet();
                        log.debug("{} {} attempt {} failed, retrying: {}", config.role(), operation, attempt,
                                e.getMessage());
                    }
                    throw e;
                } catch (RuntimeException e) {
                    s.breaker.releasePermission();
                    throw e;
                } finally {
                    release(s);
                }
            }).get();
        } catch (ServerException e) {
            if (!e.retryable() || attempts.get() == 1) {
                throw e;
            }
            throw new ServerException(e.server(), e.kind(), e.status(), operation + " failed after "
                    + attempts.get() + " attempts; each: " + String.join(" | ", trail), null, e);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(operation + ": unexpected failure", t);
        }
    }

    private PooledServer acquire(Set<PooledServer> avoid, long deadline) throws ServerException {
        lock.lock();
        try {
            while (true) {
                List<PooledServer> usable = servers.stream().filter(PooledServer::usable).toList();
                if (usable.isEmpty()) {
                    // Every server is out (restarting, failing): wait for a health probe to bring one back
                    // rather than burn this request's attempts; breaker transitions signal the condition.
                    long wait = deadline - System.nanoTime();
                    if (wait <= 0) {
                        throw new ServerException(config.role() + " pool", ServerException.Kind.NO_SERVER,
                                "no usable server for " + config.requestTimeout() + " ("
                                        + servers.stream().map(PooledServer::describeState)
                                                .collect(Collectors.joining(", ")) + ")");
                    }
                    waitingForServer++;
                    try {
                        capacity.awaitNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(100)));
                    } finally {
                        waitingForServer--;
                    }
                    continue;
                }
                List<PooledServer> fresh = usable.stream().filter(s -> !avoid.contains(s)).toList();
                List<PooledServer> candidates = new ArrayList<>(fresh.isEmpty() ? usable : fresh);
                candidates.sort(Comparator.comparingInt(s -> s.outstanding));
                for (PooledServer s : candidates) {
                    if (s.bulkhead.tryAcquirePermission()) {
                        if (s.breaker.tryAcquirePermission()) {
                            s.outstanding++;
                            return s;
                        }
                        s.bulkhead.onComplete();
                    }
                }
                long wait = deadline - System.nanoTime();
                if (wait <= 0) {
                    throw new ServerException(config.role() + " pool", ServerException.Kind.NO_SERVER,
                            "every usable server stayed at its concurrency limit ("
                                    + config.maxConcurrentPerServer() + ") for " + config.requestTimeout());
                }
                capacity.awaitNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(100)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServerException(config.role() + " pool", ServerException.Kind.NO_SERVER, "interrupted", e);
        } finally {
            lock.unlock();
        }
    }

    private void release(PooledServer s) {
        lock.lock();
        try {
            s.outstanding--;
            s.bulkhead.onComplete();
            capacity.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes attempts waiting for a server: a breaker changed state or a server's weights became fresh. */
    void signalCapacity() {
        lock.lock();
        try {
            capacity.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Marks the failure of an attempt that found its request's deadline passed: not retried. */
    private static final class DeadlinePassed extends Exception {
        private static final long serialVersionUID = 1L;

        DeadlinePassed() {
            super("request deadline passed", null, false, false);
        }
    }
}
