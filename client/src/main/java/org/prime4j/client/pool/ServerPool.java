package org.prime4j.client.pool;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import org.prime4j.client.protocol.ApiKey;
import org.prime4j.client.protocol.ServerException;
import org.prime4j.client.protocol.VllmServerClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several servers of one role behind one entry point. Each request goes to the usable server with the
 * fewest requests in flight (least outstanding requests), within that server's bulkhead; a failed attempt
 * is retried with backoff and jitter (Resilience4j Retry), preferring a server that has not failed it yet.
 * Each server has a circuit breaker: a failing server is taken out and brought back only by healthy
 * {@code GET /health} probes, so live traffic never tests a sick server.
 */
public final class ServerPool implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServerPool.class);

    private final PoolConfig config;
    private final List<PooledServer> servers;
    private final OkHttpClient http;
    private final Retry retry;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition capacity = lock.newCondition();
    private final ScheduledExecutorService prober;
    private final ExecutorService workers;
    private final AtomicLong totalRetries = new AtomicLong();

    public ServerPool(PoolConfig config) {
        this(config, ApiKey.fromEnvironment(config.apiKeyEnv()));
    }

    public ServerPool(PoolConfig config, ApiKey apiKey) {
        this.config = config;
        int slots = config.baseUrls().size() * config.maxConcurrentPerServer();
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(slots);
        dispatcher.setMaxRequestsPerHost(config.maxConcurrentPerServer());
        this.http = new OkHttpClient.Builder()
                .protocols(List.of(Protocol.HTTP_1_1))
                .connectionPool(new ConnectionPool(slots, 5, TimeUnit.MINUTES))
                .dispatcher(dispatcher)
                .connectTimeout(config.connectTimeout())
                .readTimeout(config.requestTimeout())
                .writeTimeout(config.requestTimeout())
                .callTimeout(config.requestTimeout())
                // Our own retry counts, logs and re-routes every attempt; OkHttp's silent one would hide them.
                .retryOnConnectionFailure(false)
                .build();
        ObjectMapper json = new ObjectMapper();
        BreakerSettings b = config.breaker();
        CircuitBreakerConfig breakerConfig = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(b.slidingWindow())
                .minimumNumberOfCalls(b.minimumCalls())
                .failureRateThreshold(b.failureRatePercent())
                .waitDurationInOpenState(b.openDuration())
                .permittedNumberOfCallsInHalfOpenState(b.halfOpenProbes())
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .build();
        BulkheadConfig bulkheadConfig = BulkheadConfig.custom()
                .maxConcurrentCalls(config.maxConcurrentPerServer())
                .maxWaitDuration(Duration.ZERO)
                .build();
        List<PooledServer> list = new ArrayList<>();
        for (String url : config.baseUrls()) {
            CircuitBreaker breaker = CircuitBreaker.of(config.role() + "@" + url, breakerConfig);
            breaker.getEventPublisher().onStateTransition(e -> {
                log.warn("{} pool: server {} breaker {}", config.role(), url, e.getStateTransition());
                signalCapacity();
            });
            list.add(new PooledServer(new VllmServerClient(url, http, apiKey, json), breaker,
                    Bulkhead.of(config.role() + "@" + url, bulkheadConfig)));
        }
        this.servers = List.copyOf(list);
        this.retry = Retry.of(config.role(), retryConfig(config.retry()));
        this.prober = Executors.newSingleThreadScheduledExecutor(daemon(config.role() + "-health-probe"));
        long probeMs = b.probeInterval().toMillis();
        prober.scheduleWithFixedDelay(this::probe, probeMs, probeMs, TimeUnit.MILLISECONDS);
        this.workers = Executors.newFixedThreadPool(Math.min(slots, 1024), daemon(config.role() + "-request"));
    }

    private static RetryConfig retryConfig(RetrySettings r) {
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
                        && !Thread.currentThread().isInterrupted()) // an abandoned request stops retrying
                .failAfterMaxAttempts(false)
                .build();
    }

    public PoolConfig config() {
        return config;
    }

    public List<String> servers() {
        return servers.stream().map(PooledServer::url).toList();
    }

    /** Thread pool that runs a batch's requests; sized to the pool's total concurrency. */
    ExecutorService workers() {
        return workers;
    }

    public long totalRetries() {
        return totalRetries.get();
    }

    public int inFlight() {
        lock.lock();
        try {
            return servers.stream().mapToInt(s -> s.outstanding).sum();
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code call} on the best server, retrying elsewhere on retryable failures. */
    public <T> Served<T> execute(String operation, ServerCall<T> call) throws ServerException {
        return execute(operation, call, v -> 0);
    }

    /**
     * @param tokens how many generated tokens a result holds, for the tokens/s metrics
     */
    public <T> Served<T> execute(String operation, ServerCall<T> call, ToLongFunction<? super T> tokens)
            throws ServerException {
        Set<PooledServer> failedOn = new HashSet<>();
        List<String> trail = new ArrayList<>();
        AtomicInteger attempts = new AtomicInteger();
        try {
            return Retry.decorateCheckedSupplier(retry, () -> {
                int attempt = attempts.incrementAndGet();
                PooledServer s;
                try {
                    s = acquire(failedOn);
                } catch (ServerException e) {
                    trail.add(e.getMessage());
                    throw e;
                }
                long t0 = System.nanoTime();
                s.metrics.started();
                try {
                    T value = call.apply(s.client);
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
                    if (e.serverFault()) {
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

    /**
     * Runs independent requests concurrently over the pool and returns their results in the order given.
     * If any request still fails after its retries, the rest are abandoned (none starts, in-flight ones are
     * interrupted, and all have stopped before this returns) and the error names the request and the server:
     * a batch is never returned short.
     */
    public <T> List<Served<T>> executeAll(String operation, List<? extends ServerCall<T>> calls,
            ToLongFunction<? super T> tokens) throws ServerException {
        if (calls.size() == 1) {
            try {
                return List.of(execute(operation, calls.get(0), tokens)); // no thread hop for a lone request
            } catch (ServerException se) {
                throw batchFailure(operation, 0, 1, se);
            }
        }
        int count = calls.size();
        Object[] results = new Object[count];
        AtomicBoolean abandoned = new AtomicBoolean();
        AtomicReference<Object[]> failure = new AtomicReference<>(); // {index, Throwable}: the first one wins
        CountDownLatch finished = new CountDownLatch(count);
        Thread[] running = new Thread[count]; // guarded by synchronizing on the array
        try (BatchProgress progress = BatchProgress.open(this, operation, count)) {
            for (int i = 0; i < count; i++) {
                int index = i;
                ServerCall<T> call = calls.get(i);
                workers.execute(() -> {
                    try {
                        synchronized (running) {
                            if (abandoned.get()) {
                                return;
                            }
                            running[index] = Thread.currentThread();
                        }
                        try {
                            Served<T> served = execute(operation, call, tokens);
                            results[index] = served;
                            progress.done(tokens.applyAsLong(served.value()));
                        } finally {
                            synchronized (running) {
                                running[index] = null;
                                Thread.interrupted(); // an abandon interrupt must not leak into the next task
                            }
                        }
                    } catch (Throwable t) {
                        if (!abandoned.getAndSet(true)) {
                            failure.set(new Object[] {index, t});
                        }
                    } finally {
                        finished.countDown();
                    }
                });
            }
            try {
                while (!finished.await(50, TimeUnit.MILLISECONDS)) {
                    if (failure.get() != null) {
                        break;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure.compareAndSet(null, new Object[] {-1, new ServerException(config.role() + " pool",
                        ServerException.Kind.NO_SERVER, operation + " interrupted", e)});
            }
            if (failure.get() == null) {
                List<Served<T>> out = new ArrayList<>(count);
                for (Object r : results) {
                    @SuppressWarnings("unchecked")
                    Served<T> served = (Served<T>) r;
                    out.add(served);
                }
                return out;
            }
            // Abandon: no new attempt starts, in-flight ones are cut, and none outlives this call.
            abandoned.set(true);
            synchronized (running) {
                Set<Thread> cut = new HashSet<>();
                for (Thread t : running) {
                    if (t != null) {
                        t.interrupt(); // first, so the cancelled call is not blamed on the server
                        cut.add(t);
                    }
                }
                // A thread blocked in a socket read ignores interrupts; OkHttp's cancel unblocks it.
                for (okhttp3.Call c : http.dispatcher().runningCalls()) {
                    if (cut.contains(c.request().tag(Thread.class))) {
                        c.cancel();
                    }
                }
            }
            try {
                finished.await(config.requestTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int index = (Integer) failure.get()[0];
            Throwable cause = (Throwable) failure.get()[1];
            if (cause instanceof ServerException se) {
                throw index < 0 ? se : batchFailure(operation, index, count, se);
            }
            throw new IllegalStateException(operation + " request " + index + " of " + count + " failed: " + cause,
                    cause);
        }
    }

    private static ServerException batchFailure(String operation, int index, int count, ServerException se) {
        return new ServerException(se.server(), se.kind(), se.status(), operation + " request " + index + " of "
                + count + " failed, batch abandoned: " + se.getMessage(), se.retryAfter().orElse(null), se);
    }

    /**
     * Runs {@code call} once on every server of the pool (open breakers included: a weight reload must reach
     * every server), each with its own retries on that same server. Returns one outcome per server.
     */
    public List<BroadcastOutcome> broadcast(String operation, ServerCall<?> call) {
        List<Future<BroadcastOutcome>> futures = new ArrayList<>();
        for (PooledServer s : servers) {
            futures.add(workers.submit(() -> {
                try {
                    Retry.decorateCheckedSupplier(retry, () -> call.apply(s.client)).get();
                    return new BroadcastOutcome(s.url(), null);
                } catch (ServerException e) {
                    return new BroadcastOutcome(s.url(), e);
                } catch (Throwable t) {
                    return new BroadcastOutcome(s.url(), new ServerException(s.url(), ServerException.Kind.PROTOCOL,
                            operation + ": " + t, t));
                }
            }));
        }
        List<BroadcastOutcome> out = new ArrayList<>();
        for (Future<BroadcastOutcome> f : futures) {
            try {
                out.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(operation + " interrupted", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(operation + ": " + e.getCause(), e.getCause());
            }
        }
        return out;
    }

    /** Marks servers as holding stale weights (excluded from requests) or fresh again. */
    public void markStale(String server, boolean stale) {
        for (PooledServer s : servers) {
            if (s.url().equals(server)) {
                s.stale = stale;
            }
        }
        signalCapacity();
    }

    /** Open HTTP connections (idle and in use) kept by the pool's HTTP/1.1 keep-alive connection pool. */
    public int openConnections() {
        return http.connectionPool().connectionCount();
    }

    /** Failed calls in the breaker's current window of {@code server} (for tests and diagnostics). */
    public int breakerFailures(String server) {
        return servers.stream().filter(s -> s.url().equals(server)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not in the pool: " + server))
                .breaker.getMetrics().getNumberOfFailedCalls();
    }

    public List<ServerStats> stats() {
        lock.lock();
        try {
            return servers.stream()
                    .map(s -> s.metrics.snapshot(s.url(), s.breaker.getState().name(), s.stale, s.outstanding))
                    .toList();
        } finally {
            lock.unlock();
        }
    }

    // --------------------------------------------------------------------------------------------

    private PooledServer acquire(Set<PooledServer> avoid) throws ServerException {
        long deadline = System.nanoTime() + config.requestTimeout().toNanos();
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
                    capacity.awaitNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(100)));
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

    private void signalCapacity() {
        lock.lock();
        try {
            capacity.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Health probes of servers whose breaker is not closed; a healthy answer in HALF_OPEN closes it. */
    private void probe() {
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
                log.warn("{} pool: health probe of {} failed: {}", config.role(), s.url(), e.toString());
            }
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        prober.shutdownNow();
        workers.shutdownNow();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
