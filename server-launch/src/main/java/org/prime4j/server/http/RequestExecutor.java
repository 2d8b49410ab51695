package org.prime4j.server.http;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The request threads: a request goes to an idle thread when there is one, a new thread starts only when
 * all are busy (up to {@code maxThreads}), and past that requests wait in a bounded backlog.
 *
 * <p>A fixed {@link ThreadPoolExecutor} starts a fresh thread for each of its first {@code maxThreads}
 * requests even while others sit idle, so a client sending one request at a time met a new, cold thread on
 * each of its first 64 requests, then rotated through all 64. Here it keeps meeting the same warm thread.
 */
public final class RequestExecutor extends ThreadPoolExecutor {

    /** Requests accepted and not yet finished: more of them than threads means no thread is idle. */
    private final AtomicInteger unfinished = new AtomicInteger();

    public RequestExecutor(int maxThreads, int backlog, long idleSeconds, ThreadFactory threads) {
        super(0, maxThreads, idleSeconds, TimeUnit.SECONDS, new GrowFirstQueue(backlog), threads);
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog must be at least 1, got " + backlog);
        }
        ((GrowFirstQueue) getQueue()).executor = this;
    }

    @Override
    public void execute(Runnable request) {
        unfinished.incrementAndGet();
        try {
            super.execute(request);
        } catch (RejectedExecutionException e) {
            // The queue refused to let the pool grow, but the pool reached its limit meanwhile: queue after all.
            if (isShutdown() || !((GrowFirstQueue) getQueue()).force(request)) {
                unfinished.decrementAndGet();
                throw e;
            }
        }
    }

    @Override
    protected void afterExecute(Runnable request, Throwable failure) {
        unfinished.decrementAndGet();
    }

    /**
     * Refuses a request (so the executor starts a thread) when every thread is busy and the pool may still
     * grow; otherwise queues it for the next idle thread.
     */
    private static final class GrowFirstQueue extends LinkedBlockingQueue<Runnable> {

        private volatile RequestExecutor executor;

        GrowFirstQueue(int capacity) {
            super(Math.max(capacity, 1));
        }

        @Override
        public boolean offer(Runnable request) {
            RequestExecutor ex = executor;
            int threads = ex.getPoolSize();
            if (threads < ex.getMaximumPoolSize() && ex.unfinished.get() > threads) {
                return false;
            }
            return super.offer(request);
        }

        boolean force(Runnable request) {
            return super.offer(request);
        }
    }
}
