package org.prime4j.verifiers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.prime4j.verifiers.Verification;
import org.prime4j.verifiers.VerificationItem;
import org.prime4j.verifiers.Verifier;

class VerificationPoolTest {

    /** Scores by the response text: "ok", "wrong", "throw", "null", "recurse", "sleep", "spin". */
    private static final class Scripted implements Verifier {
        final AtomicBoolean releaseSpinners = new AtomicBoolean();
        final CountDownLatch sleeperInterrupted = new CountDownLatch(1);
        final AtomicInteger maxConcurrent = new AtomicInteger();
        final AtomicInteger running = new AtomicInteger();

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public Verification verify(VerificationItem item) throws Exception {
            maxConcurrent.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                return switch (item.response()) {
                    case "ok" -> Verification.correct("fine");
                    case "wrong" -> Verification.wrong("nope");
                    case "throw" -> throw new IllegalStateException("boom");
                    case "null" -> null;
                    case "recurse" -> recurse(0);
                    case "sleep" -> {
                        try {
                            Thread.sleep(60_000);
                        } catch (InterruptedException e) {
                            sleeperInterrupted.countDown();
                            throw e;
                        }
                        yield Verification.correct("slept");
                    }
                    case "spin" -> { // ignores interruption, like a runaway CAS call
                        // Parks rather than burning a core: two busy spinners on a 2-core machine starved the
                        // replacement workers past the deadline. Swallowing the interrupt keeps it unstoppable.
                        while (!releaseSpinners.get()) {
                            LockSupport.parkNanos(1_000_000);
                            Thread.interrupted();
                        }
                        yield Verification.correct("late");
                    }
                    default -> throw new IllegalArgumentException(item.response());
                };
            } finally {
                running.decrementAndGet();
            }
        }

        private static Verification recurse(int depth) {
            return depth < 0 ? null : recurse(depth + 1);
        }
    }

    private static List<VerificationItem> items(String... responses) {
        List<VerificationItem> out = new ArrayList<>();
        for (String r : responses) {
            out.add(VerificationItem.of(r, ""));
        }
        return out;
    }

    @Test
    void aBadItemScoresZeroAndTheBatchGoesOnInOrder() {
        Scripted v = new Scripted();
        try (VerificationPool pool = new VerificationPool(2, Duration.ofSeconds(30))) {
            List<Verification> out = pool.verifyAll(v, items("ok", "throw", "wrong", "null", "recurse", "ok"));
            assertThat(out).extracting(Verification::score).containsExactly(1.0, 0.0, 0.0, 0.0, 0.0, 1.0);
            assertThat(out.get(0).reason()).isEqualTo("fine");
            assertThat(out.get(1).reason()).isEqualTo("error: IllegalStateException: boom");
            assertThat(out.get(2).reason()).isEqualTo("nope");
            assertThat(out.get(3).reason()).startsWith("error: verifier scripted returned no verdict");
            assertThat(out.get(4).reason()).startsWith("error: StackOverflowError");
        }
    }

    @Test
    void aSleepingVerifierTimesOutAndIsInterrupted() throws Exception {
        Scripted v = new Scripted();
        try (VerificationPool pool = new VerificationPool(1, Duration.ofMillis(200))) {
            List<Verification> out = pool.verifyAll(v, items("sleep", "ok"));
            assertThat(out.get(0)).isEqualTo(Verification.wrong(VerificationPool.TIMEOUT));
            assertThat(out.get(1).score()).isEqualTo(1.0);
            assertThat(v.sleeperInterrupted.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aVerifierIgnoringInterruptionIsAbandonedAndReplacedSoThePoolNeverShrinks() {
        Scripted v = new Scripted();
        // The deadline is the time an "ok" item may wait for a CPU on a loaded machine, so it is generous.
        try (VerificationPool pool = new VerificationPool(2, Duration.ofSeconds(1))) {
            List<Verification> out = pool.verifyAll(v, items("spin", "spin", "ok", "ok", "ok"));
            assertThat(out).extracting(Verification::reason)
                    .containsExactly(VerificationPool.TIMEOUT, VerificationPool.TIMEOUT, "fine", "fine", "fine");
            assertThat(pool.abandonedWorkers()).isEqualTo(2);
            assertThat(pool.liveWorkers()).isEqualTo(2);
            // The spinners finish late: their results are dropped and their threads end.
            v.releaseSpinners.set(true);
            assertThat(pool.verifyAll(v, items("ok", "wrong"))).extracting(Verification::score).containsExactly(1.0, 0.0);
            assertThat(pool.abandonedWorkers()).isEqualTo(2);
            assertThat(pool.liveWorkers()).isEqualTo(2);
        } finally {
            v.releaseSpinners.set(true);
        }
    }

    @Test
    void whoeverSeesATimeoutAlsoSeesTheReplacementWorker() {
        Scripted v = new Scripted();
        try {
            for (int round = 0; round < 20; round++) {
                try (VerificationPool pool = new VerificationPool(1, Duration.ofMillis(20))) {
                    assertThat(pool.submit(v, VerificationItem.of("spin", "")).join().reason())
                            .isEqualTo(VerificationPool.TIMEOUT);
                    assertThat(pool.abandonedWorkers()).as("round %d", round).isEqualTo(1);
                    assertThat(pool.liveWorkers()).as("round %d", round).isEqualTo(1);
                }
            }
        } finally {
            v.releaseSpinners.set(true);
        }
    }

    @Test
    void parallelismIsBounded() {
        Scripted v = new Scripted();
        try (VerificationPool pool = new VerificationPool(3, Duration.ofSeconds(30))) {
            List<VerificationItem> many = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                many.add(VerificationItem.of("ok", ""));
            }
            assertThat(pool.verifyAll(v, many)).allMatch(r -> r.score() == 1.0);
            assertThat(v.maxConcurrent.get()).isBetween(1, 3);
        }
    }

    @Test
    void closingCompletesWhatIsStillQueued() {
        Scripted v = new Scripted();
        VerificationPool pool = new VerificationPool(1, Duration.ofSeconds(30));
        CompletableFuture<Verification> spinning = pool.submit(v, VerificationItem.of("spin", ""));
        CompletableFuture<Verification> queued = pool.submit(v, VerificationItem.of("ok", ""));
        pool.close();
        v.releaseSpinners.set(true);
        assertThat(queued.join().reason()).isEqualTo("error: verification pool is closed");
        assertThat(spinning.join()).isNotNull();
        assertThat(pool.submit(v, VerificationItem.of("ok", "")).join().reason()).contains("closed");
    }
}
