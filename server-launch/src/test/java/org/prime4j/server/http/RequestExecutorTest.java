package org.prime4j.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RequestExecutorTest {

    private static RequestExecutor executor(int maxThreads, int backlog) {
        return new RequestExecutor(maxThreads, backlog, 30, r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        });
    }

    @Test
    void oneRequestAtATimeKeepsUsingOneThread() throws Exception {
        RequestExecutor ex = executor(64, 256);
        try {
            Set<Thread> used = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < 50; i++) {
                CountDownLatch done = new CountDownLatch(1);
                ex.execute(() -> {
                    used.add(Thread.currentThread());
                    done.countDown();
                });
                assertTrue(done.await(10, TimeUnit.SECONDS));
                awaitIdle(ex); // the client's next request comes after the reply, when the thread is idle again
            }
            assertEquals(1, used.size(), "sequential requests should all run on the one idle thread");
            assertEquals(1, ex.getLargestPoolSize());
        } finally {
            ex.shutdownNow();
        }
    }

    @Test
    void busyThreadsMakeTheExecutorGrowThenQueueThenRefuse() throws Exception {
        RequestExecutor ex = executor(3, 2);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(3);
        CountDownLatch finished = new CountDownLatch(5);
        Set<Thread> used = ConcurrentHashMap.newKeySet();
        Runnable blocking = () -> {
            used.add(Thread.currentThread());
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            finished.countDown();
        };
        try {
            for (int i = 0; i < 3; i++) {
                ex.execute(blocking);
            }
            assertTrue(started.await(10, TimeUnit.SECONDS), "each busy request should get a thread of its own");
            assertEquals(3, ex.getPoolSize());
            ex.execute(blocking);
            ex.execute(blocking);
            assertEquals(2, ex.getQueue().size(), "past maxThreads requests wait in the backlog");
            assertThrows(RejectedExecutionException.class, () -> ex.execute(blocking));
            release.countDown();
            assertTrue(finished.await(10, TimeUnit.SECONDS), "queued requests run once threads are free");
            assertEquals(3, used.size());
            assertEquals(3, ex.getLargestPoolSize());
        } finally {
            release.countDown();
            ex.shutdownNow();
        }
    }

    @Test
    void refusesAfterShutdownAndChecksTheBacklog() {
        RequestExecutor ex = executor(2, 2);
        ex.shutdown();
        assertThrows(RejectedExecutionException.class, () -> ex.execute(() -> {}));
        assertThrows(IllegalArgumentException.class, () -> executor(2, 0));
        assertEquals(List.of(), List.copyOf(ex.getQueue()));
    }

    private static void awaitIdle(RequestExecutor ex) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ex.getActiveCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
    }
}
