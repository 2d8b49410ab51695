package org.prime4j.client.pool;

import io.github.resilience4j.retry.Retry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.prime4j.client.protocol.ServerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every server of a pool must hold before it serves, and which servers hold it. A publish reaches every
 * server (each with its own retries), then probes each one; it succeeds when at least one server holds the new
 * state, and the others are stale (out of sampling, logged at WARN) until the health prober has caught them up.
 * A server whose connection broke is stale too once anything was published: it may have restarted with its
 * initial weights, so it is reloaded and probed before it serves again.
 */
final class Publications {

    private static final Logger log = LoggerFactory.getLogger(Publications.class);

    private final String role;
    private final List<PooledServer> servers;
    private final Retry retry;
    private final ExecutorService workers;
    private final Runnable changed;
    private final Duration catchUpPause;
    /** The newest publication of each key, in first-published order; guarded by this. */
    private final Map<String, Publication> current = new LinkedHashMap<>();

    /**
     * @param changed called when a server's freshness changed (wakes requests waiting for a server)
     * @param catchUpPause how long the prober leaves a server alone after a failed catch-up
     */
    Publications(String role, List<PooledServer> servers, Retry retry, ExecutorService workers, Runnable changed,
            Duration catchUpPause) {
        this.catchUpPause = catchUpPause;
        this.role = role;
        this.servers = servers;
        this.retry = retry;
        this.workers = workers;
        this.changed = changed;
    }

    synchronized List<Publication> current() {
        return List.copyOf(current.values());
    }

    synchronized boolean any() {
        return !current.isEmpty();
    }

    /**
     * Brings every server to {@code p}; see {@link ServerPool#publish}. When no server holds it after the
     * broadcast, waits until {@code deadline} for the prober to catch one up before failing.
     */
    List<BroadcastOutcome> publish(String operation, Publication p, boolean probeFirst, Duration deadline)
            throws ServerException {
        synchronized (this) {
            current.put(p.key(), p);
        }
        List<Future<BroadcastOutcome>> futures = new ArrayList<>();
        for (PooledServer s : servers) {
            futures.add(workers.submit(() -> bring(operation, s, p, probeFirst)));
        }
        List<BroadcastOutcome> out = new ArrayList<>();
        for (Future<BroadcastOutcome> f : futures) {
            try {
                out.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(operation + " interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException(operation + ": " + e.getCause(), e.getCause());
            }
        }
        if (out.stream().noneMatch(BroadcastOutcome::ok) && !awaitOneHolding(p, deadline)) {
            BroadcastOutcome first = out.get(0);
            throw new ServerException(out.stream().map(BroadcastOutcome::server).collect(Collectors.joining(", ")),
                    first.error().kind(), first.error().status(), operation + " reached none of the " + out.size()
                            + " " + role + " servers within " + deadline + ": " + servers.stream()
                            .map(PooledServer::describeState).collect(Collectors.joining("; ")), null, first.error());
        }
        return out;
    }

    private boolean awaitOneHolding(Publication p, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            if (servers.stream().anyMatch(s -> !s.stale && p.version().equals(s.held.get(p.key())))) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** Puts {@code p} on {@code s} (unless its probe already agrees and {@code probeFirst}), then probes it. */
    private BroadcastOutcome bring(String operation, PooledServer s, Publication p, boolean probeFirst) {
        s.stateLock.lock();
        try {
            if (probeFirst && p.probe() != null && !s.stale && p.probe().apply(s.client) == null) {
                s.held.put(p.key(), p.version()); // shown equal: no reload needed
            } else {
                s.held.remove(p.key());
                Retry.decorateCheckedSupplier(retry, () -> p.apply().apply(s.client)).get();
                String mismatch = p.probe() == null ? null : p.probe().apply(s.client);
                if (mismatch != null) {
                    throw new ServerException(s.url(), ServerException.Kind.PROTOCOL, operation
                            + " was acknowledged but the server does not hold it: " + mismatch);
                }
                s.held.put(p.key(), p.version());
            }
            refresh(s);
            return new BroadcastOutcome(s.url(), null);
        } catch (ServerException e) {
            markStale(s, operation + " failed: " + e.getMessage());
            return new BroadcastOutcome(s.url(), e);
        } catch (Throwable t) {
            ServerException e = new ServerException(s.url(), ServerException.Kind.PROTOCOL, operation + ": " + t, t);
            markStale(s, e.getMessage());
            return new BroadcastOutcome(s.url(), e);
        } finally {
            s.stateLock.unlock();
        }
    }

    /**
     * Reloads a stale server that answers its health check with every current publication it lacks, probing
     * each; one attempt per publication (the prober's next round is the retry). True when it is fresh again.
     */
    boolean catchUp(PooledServer s) {
        if (System.nanoTime() - s.nextCatchUpNanos < 0) {
            return false; // its last catch-up failed moments ago
        }
        s.stateLock.lock();
        try {
            for (Publication p : current()) {
                if (p.version().equals(s.held.get(p.key()))) {
                    continue;
                }
                p.apply().apply(s.client);
                String mismatch = p.probe() == null ? null : p.probe().apply(s.client);
                if (mismatch != null) {
                    markStale(s, "reload of " + p.key() + " " + p.version() + " acknowledged but the probe disagrees: "
                            + mismatch);
                    s.nextCatchUpNanos = System.nanoTime() + catchUpPause.toNanos();
                    return false;
                }
                s.held.put(p.key(), p.version());
            }
            return refresh(s);
        } catch (ServerException | RuntimeException e) {
            markStale(s, "catching up failed: " + e.getMessage());
            s.nextCatchUpNanos = System.nanoTime() + catchUpPause.toNanos();
            return false;
        } finally {
            s.stateLock.unlock();
        }
    }

    /** Fresh when the server holds the current version of every key; returns that. */
    private boolean refresh(PooledServer s) {
        List<Publication> now = current();
        List<String> missing = now.stream().filter(p -> !p.version().equals(s.held.get(p.key())))
                .map(p -> p.key() + " " + p.version()).toList();
        if (missing.isEmpty()) {
            if (s.stale) {
                log.info("{} pool: server {} holds the current {} again and rejoins", role, s.url(),
                        now.stream().map(p -> p.key() + " " + p.version()).collect(Collectors.joining(", ")));
            }
            s.stale = false;
            s.staleReason = null;
            changed.run();
            return true;
        }
        markStale(s, "lacks " + String.join(", ", missing));
        return false;
    }

    void markStale(PooledServer s, String reason) {
        if (!s.stale || !reason.equals(s.staleReason)) {
            log.warn("{} pool: server {} is stale, kept out of sampling until it holds the current state: {}",
                    role, s.url(), reason);
        }
        s.staleReason = reason;
        s.stale = true;
        changed.run();
    }

    /**
     * A 404 that names the current version of a publication (vLLM: "The model `policy-step-3` does not exist.")
     * means the server lost it, as a restarted server loses its LoRA adapters without a broken connection (a
     * fresh connection after the old ones were evicted): stale until caught up. True when that is the case.
     */
    boolean lostPublished(PooledServer s, ServerException e) {
        if (e.status() != 404 || e.getMessage() == null) {
            return false;
        }
        for (Publication p : current()) {
            if (e.getMessage().contains("`" + p.version() + "`") || e.getMessage().contains("'" + p.version() + "'")) {
                s.held.remove(p.key());
                markStale(s, "it answered 404 for the current " + p.key() + " " + p.version()
                        + " (restarted?); it is reloaded before it serves");
                return true;
            }
        }
        return false;
    }

    /** A broken connection may mean a restarted process that holds its initial weights, not ours. */
    void connectionLost(PooledServer s, String error) {
        if (any()) {
            s.held.clear();
            markStale(s, "connection lost (" + error + "); it may have restarted, so it is reloaded before it serves");
        }
    }
}
