package org.prime4j.client.pool;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.retry.Retry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;
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
 *
 * <p>The parts: {@link RequestRouter} picks a server for each attempt, {@link BatchRunner} runs batches
 * all-or-nothing, {@link Publications} brings every server to what was published (weights, adapters),
 * {@link HealthProber} brings servers back.
 */
public final class ServerPool implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServerPool.class);

    private final PoolConfig config;
    private final List<PooledServer> servers;
    private final OkHttpClient http;
    private final Retry retry;
    private final ExecutorService workers;
    private final RequestRouter router;
    private final BatchRunner batches;
    private final Publications publications;
    private final HealthProber prober;

    public ServerPool(PoolConfig config) {
        this(config, ApiKey.fromEnvironment(config.apiKeyEnv()));
    }

    public ServerPool(PoolConfig config, ApiKey apiKey) {
        this(config, apiKey, Clock.systemUTC(), ProbeTrigger.scheduled());
    }

    /**
     * @param clock the breakers' clock, which times their open duration
     * @param probes when the health prober runs (tests run it on demand)
     */
    ServerPool(PoolConfig config, ApiKey apiKey, Clock clock, ProbeTrigger probes) {
        this.config = config;
        int slots = config.baseUrls().size() * config.maxConcurrentPerServer();
        this.http = httpClient(config, slots);
        this.servers = createServers(config, http, apiKey, clock);
        this.retry = Retry.of(config.role(), RequestRouter.retryConfig(config.retry()));
        this.router = new RequestRouter(config, servers, retry, this::connectionLost, this::lostPublished);
        for (PooledServer s : servers) {
            s.breaker.getEventPublisher().onStateTransition(e -> {
                log.warn("{} pool: server {} breaker {}", config.role(), s.url(), e.getStateTransition());
                router.signalCapacity(); // wakes attempts waiting for a usable server
            });
        }
        this.workers = Executors.newFixedThreadPool(Math.min(slots, 1024), daemon(config.role() + "-request"));
        this.batches = new BatchRunner(this, router, workers, http);
        this.publications = new Publications(config.role(), servers, retry, workers, router::signalCapacity,
                config.breaker().openDuration());
        this.prober = new HealthProber(config, servers, publications, this::evictIdleConnections, probes);
    }

    private static OkHttpClient httpClient(PoolConfig config, int slots) {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(slots);
        dispatcher.setMaxRequestsPerHost(config.maxConcurrentPerServer());
        return new OkHttpClient.Builder()
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
    }

    private static List<PooledServer> createServers(PoolConfig config, OkHttpClient http, ApiKey apiKey,
            Clock clock) {
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
                .clock(clock)
                .build();
        BulkheadConfig bulkheadConfig = BulkheadConfig.custom()
                .maxConcurrentCalls(config.maxConcurrentPerServer())
                .maxWaitDuration(Duration.ZERO)
                .build();
        List<PooledServer> list = new ArrayList<>();
        for (String url : config.baseUrls()) {
            CircuitBreaker breaker = CircuitBreaker.of(config.role() + "@" + url, breakerConfig);
            list.add(new PooledServer(new VllmServerClient(url, http, apiKey, json), breaker,
                    Bulkhead.of(config.role() + "@" + url, bulkheadConfig)));
        }
        return List.copyOf(list);
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

    /** The retry shared by every request (tests watch its events). */
    Retry retry() {
        return retry;
    }

    /** Runs one round of health probes now, on the calling thread (tests that trigger probes themselves). */
    void probeNow() {
        prober.probeRound();
    }

    /** Attempts waiting because no server is usable. */
    int waitingForServer() {
        return router.waitingForServer();
    }

    public long totalRetries() {
        return router.totalRetries();
    }

    public int inFlight() {
        return router.inFlight();
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
        return router.execute(operation, call, tokens);
    }

    /**
     * Runs independent requests concurrently over the pool and returns their results in the order given.
     * If any request still fails after its retries, the rest are abandoned (none starts, in-flight ones are
     * interrupted, and all have stopped before this returns) and the error names the request and the server:
     * a batch is never returned short.
     */
    public <T> List<Served<T>> executeAll(String operation, List<? extends ServerCall<T>> calls,
            ToLongFunction<? super T> tokens) throws ServerException {
        return batches.executeAll(operation, calls, tokens);
    }

    /**
     * Brings every server to {@code publication} (see {@link Publication}): applied on each server with its own
     * retries, then probed. Succeeds when at least one server holds it; the others are stale (logged at WARN,
     * kept out of every request) until the health prober has caught them up. When none holds it, waits up to the
     * reload timeout for the prober to catch one up, then fails naming every server and why it is out.
     *
     * @param probeFirst a server whose probe already agrees is not reloaded (servers started from the same
     *     weights at the start of a run)
     * @return one outcome per server, in pool order
     */
    public List<BroadcastOutcome> publish(String operation, Publication publication, boolean probeFirst)
            throws ServerException {
        return publications.publish(operation, publication, probeFirst, config.reloadTimeout());
    }

    /** The version of publication {@code key} that each server holds as far as the pool knows (null: none). */
    public Map<String, String> held(String key) {
        Map<String, String> out = new LinkedHashMap<>();
        for (PooledServer s : servers) {
            out.put(s.url(), s.held.get(key));
        }
        return out;
    }

    private boolean lostPublished(PooledServer s, ServerException e) {
        return publications.lostPublished(s, e);
    }

    private void connectionLost(PooledServer s, String error) {
        s.unreachable = true;
        evictIdleConnections();
        publications.connectionLost(s, error);
    }

    /**
     * Closes every idle keep-alive connection: after a server process died its connections are still pooled,
     * and OkHttp would reuse them (without retrying, as configured) for the next requests and probes.
     */
    private void evictIdleConnections() {
        http.connectionPool().evictAll();
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
        return router.stats();
    }

    static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        prober.close();
        workers.shutdownNow();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
