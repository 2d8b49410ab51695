package org.prime4j.verifiers.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.prime4j.verifiers.Verification;
import org.prime4j.verifiers.VerificationItem;
import org.prime4j.verifiers.Verifier;

/**
 * Runs verifications on a bounded pool of worker threads with a deadline per item.
 *
 * <p>Every submitted item yields a {@link Verification}, never an exception: a verifier that throws gives
 * score 0 with reason {@code error: ...}, one that outlives the deadline gives score 0 with reason
 * {@value #TIMEOUT}. The deadline counts from the moment a worker starts the item, not from submission. On
 * a timeout the worker is interrupted and abandoned at once, and a new worker replaces it, so the pool keeps
 * its size even when a verifier ignores interruption (see the contract on {@link Verifier}).
 */
public final class VerificationPool implements AutoCloseable {

    public static final String TIMEOUT = "timeout";

    private static final int MAX_REASON = 300;

    private final Duration deadline;
    private final BlockingQueue<Task> pending = new LinkedBlockingQueue<>();
    private final ScheduledThreadPoolExecutor watchdog;
    private final Set<Worker> workers = ConcurrentHashMap.newKeySet();
    private final AtomicInteger workerIds = new AtomicInteger();
    private final AtomicInteger abandoned = new AtomicInteger();
    private volatile boolean closed;

    /**
     * @param parallelism how many items run at once (at least 1)
     * @param deadline    the time one item may take on its worker (positive)
     */
    public VerificationPool(int parallelism, Duration deadline) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
        }
        Objects.requireNonNull(deadline, "deadline");
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive, got " + deadline);
        }
        this.deadline = deadline;
        this.watchdog = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "verifier-watchdog"));
        this.watchdog.setRemoveOnCancelPolicy(true);
        for (int i = 0; i < parallelism; i++) {
            startWorker();
        }
    }

    /** Queues one item; the future always completes normally. */
    public CompletableFuture<Verification> submit(Verifier verifier, VerificationItem item) {
        Objects.requireNonNull(verifier, "verifier");
        Objects.requireNonNull(item, "item");
        Task task = new Task(verifier, item, new CompletableFuture<>());
        if (closed) {
            task.result.complete(Verification.wrong("error: verification pool is closed"));
        } else {
            pending.add(task);
        }
        return task.result;
    }

    /** Verifies a batch in parallel; the results are in the order of {@code items}. */
    public List<Verification> verifyAll(Verifier verifier, List<VerificationItem> items) {
        List<CompletableFuture<Verification>> futures = new ArrayList<>(items.size());
        for (VerificationItem item : items) {
            futures.add(submit(verifier, item));
        }
        List<Verification> out = new ArrayList<>(items.size());
        for (CompletableFuture<Verification> f : futures) {
            out.add(f.join());
        }
        return out;
    }

    /** How many workers were given up on because their item timed out (each was replaced). */
    public int abandonedWorkers() {
        return abandoned.get();
    }

    /** Workers currently serving the queue; stays at the configured parallelism while the pool is open. */
    public int liveWorkers() {
        return workers.size();
    }

    public Duration deadline() {
        return deadline;
    }

    @Override
    public void close() {
        closed = true;
        watchdog.shutdownNow();
        for (Worker w : workers) {
            w.thread.interrupt();
        }
        Task t;
        while ((t = pending.poll()) != null) {
            t.result.complete(Verification.wrong("error: verification pool is closed"));
        }
    }

    private void startWorker() {
        Worker w = new Worker();
        workers.add(w);
        w.thread.start();
    }

    private void expire(Worker worker, Task task) {
        if (task.settle()) {
            // The worker is stuck in this item: give up on it and keep the pool at full strength. The result is
            // published last, so whoever sees the timeout also sees the replacement in the counters.
            try {
                abandoned.incrementAndGet();
                workers.remove(worker);
                worker.thread.interrupt();
                if (!closed) {
                    startWorker();
                }
            } finally {
                task.result.complete(Verification.wrong(TIMEOUT));
            }
        }
    }

    /** Calls a verifier the way a worker does (failures become score 0), but on the calling thread with no deadline. */
    public static Verification runOne(Verifier verifier, VerificationItem item) {
        try {
            Verification v = verifier.verify(item);
            return v != null ? v : Verification.wrong("error: verifier " + verifier.name() + " returned no verdict");
        } catch (Throwable e) { // a crashing verifier must not take the batch down; its item scores 0
            String msg = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            return Verification.wrong("error: " + (msg.length() > MAX_REASON ? msg.substring(0, MAX_REASON) : msg));
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private record Task(Verifier verifier, VerificationItem item, CompletableFuture<Verification> result,
                        AtomicBoolean settled) {
        Task(Verifier verifier, VerificationItem item, CompletableFuture<Verification> result) {
            this(verifier, item, result, new AtomicBoolean());
        }

        /** True for the one caller (the worker or the watchdog) that gets to publish this item's result. */
        boolean settle() {
            return settled.compareAndSet(false, true);
        }
    }

    private final class Worker implements Runnable {
        final Thread thread = daemon(this, "verifier-" + workerIds.incrementAndGet());

        @Override
        public void run() {
            while (!closed) {
                Task task;
                try {
                    task = pending.take();
                } catch (InterruptedException e) {
                    continue; // only close() interrupts an idle worker; the loop condition decides
                }
                ScheduledFuture<?> timer;
                try {
                    timer = watchdog.schedule(() -> expire(this, task), deadline.toNanos(), TimeUnit.NANOSECONDS);
                } catch (RuntimeException rejected) { // closed meanwhile
                    task.result.complete(Verification.wrong("error: verification pool is closed"));
                    return;
                }
                Verification v = runOne(task.verifier, task.item);
                timer.cancel(false);
                if (!task.settle()) {
                    return; // the watchdog won: this worker was abandoned and already replaced
                }
                task.result.complete(v);
                Thread.interrupted(); // a verifier may leave the flag set; the next item starts clean
            }
            workers.remove(this);
        }
    }
}
