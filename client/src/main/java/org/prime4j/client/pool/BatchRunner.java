package org.prime4j.client.pool;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToLongFunction;
import okhttp3.OkHttpClient;
import org.prime4j.client.protocol.ServerException;

/**
 * Runs a batch of independent requests concurrently over the pool, all or nothing: if one fails for good the
 * rest are abandoned (none starts, in-flight ones are interrupted and their HTTP calls cancelled) and none
 * outlives the batch.
 */
final class BatchRunner {

    private final ServerPool pool;
    private final RequestRouter router;
    private final ExecutorService workers;
    private final OkHttpClient http;

    BatchRunner(ServerPool pool, RequestRouter router, ExecutorService workers, OkHttpClient http) {
        this.pool = pool;
        this.router = router;
        this.workers = workers;
        this.http = http;
    }

    <T> List<Served<T>> executeAll(String operation, List<? extends ServerCall<T>> calls,
            ToLongFunction<? super T> tokens) throws ServerException {
        if (calls.size() == 1) {
            try {
                return List.of(router.execute(operation, calls.get(0), tokens)); // no thread hop for a lone request
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
        try (BatchProgress progress = BatchProgress.open(pool, operation, count)) {
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
                            Served<T> served = router.execute(operation, call, tokens);
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
                failure.compareAndSet(null, new Object[] {-1, new ServerException(pool.config().role() + " pool",
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
            abandon(abandoned, running);
            try {
                finished.await(pool.config().requestTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
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

    /** No new attempt starts, in-flight ones are cut, and none outlives the batch. */
    private void abandon(AtomicBoolean abandoned, Thread[] running) {
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
    }

    static ServerException batchFailure(String operation, int index, int count, ServerException se) {
        return new ServerException(se.server(), se.kind(), se.status(), operation + " request " + index + " of "
                + count + " failed, batch abandoned: " + se.getMessage(), se.retryAfter().orElse(null), se);
    }
}
