package org.prime4j.client.pool;

import io.github.resilience4j.retry.Retry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.prime4j.client.protocol.ServerException;

/**
 * Work that must reach every server of the pool, whatever its breaker or weights say (a weight reload, a
 * LoRA load): one call per server, each with its own retries on that same server.
 */
final class Broadcaster {

    private final List<PooledServer> servers;
    private final Retry retry;
    private final ExecutorService workers;

    Broadcaster(List<PooledServer> servers, Retry retry, ExecutorService workers) {
        this.servers = servers;
        this.retry = retry;
        this.workers = workers;
    }

    /** Runs {@code call} once on every server, concurrently; returns one outcome per server, in pool order. */
    List<BroadcastOutcome> broadcast(String operation, ServerCall<?> call) {
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
            } catch (ExecutionException e) {
                throw new IllegalStateException(operation + ": " + e.getCause(), e.getCause());
            }
        }
        return out;
    }
}
