package org.prime4j.orchestrator.loop;

import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.prime4j.orchestrator.data.DataCursor;

/**
 * {@code run.async: true}: while step N trains the PRM and the policy, the servers already sample step N+1
 * (and the reference scores it) with the weights of step N-1; the publish of step N waits until that sampling
 * is done, so step N+2 samples with the weights of step N. Rollouts are collected in step order on one thread,
 * so the data order, the seeds (run seed, step, round) and the filter's decisions are those of a synchronous
 * run; only the weights that sample differ, by exactly one step after the first.
 *
 * <p>A checkpoint of step N names the weights that sample step N+1 ({@link Checkpoint#samplerStep()}); a
 * resume loads them on the servers, redoes step N+1's rollouts (the ones in flight when the run stopped are
 * never kept), then publishes step N's policy: the same run as one that never stopped.
 */
final class OneStepOffPolicy implements AutoCloseable {

    /** The weights the servers hold: the step that produced them (0: the initial model) and their directory. */
    private record Weights(int step, Path dir) {}

    private final PrimeStep stepper;
    private final BooleanSupplier stopRequested;
    private final ExecutorService ahead = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "prime4j-rollouts-ahead");
        t.setDaemon(true);
        return t;
    });
    private PrimeStep.Prepared next;
    private Weights nextSampledBy;
    private Weights onServers;
    private Weights samplerOfNext;
    private DataCursor cursor;
    private Future<Ready> inFlight;
    private long lastEnd;

    /** A prepared step and when its sampling finished. */
    private record Ready(PrimeStep.Prepared prepared, long doneNanos) {}

    private OneStepOffPolicy(PrimeStep stepper, BooleanSupplier stopRequested) {
        this.stepper = stepper;
        this.stopRequested = stopRequested;
    }

    /**
     * Prepares the first step to train ({@code first + 1}) on the weights an uninterrupted async run would have
     * sampled it with, and leaves step {@code first}'s policy on the servers.
     *
     * @param resumed the checkpoint of step {@code first}; null for a fresh run
     * @param publishFirst publishes step {@code first}'s policy (a resume only) and returns its directory
     */
    static OneStepOffPolicy start(PrimeStep stepper, int first, Checkpoint resumed, StepClock.Work<Path> publishFirst,
                                  BooleanSupplier stopRequested) {
        OneStepOffPolicy o = new OneStepOffPolicy(stepper, stopRequested);
        o.lastEnd = System.nanoTime();
        if (first == 0) {
            o.onServers = new Weights(0, null);
            o.prepareNow(1);
            return o;
        }
        if (resumed.samplerStep() == null) {
            // a synchronous checkpoint: step first + 1 samples with its own policy (staleness 0 once)
            o.onServers = new Weights(first, StepClock.once(first, Phase.PUBLISH, publishFirst));
            o.prepareNow(first + 1);
            return o;
        }
        if (resumed.samplerWeights() != null) {
            StepClock.once(first, Phase.PUBLISH, () -> {
                stepper.publisher().restore(resumed.samplerStep(), resumed.samplerWeights());
                return null;
            });
        }
        // else: step first + 1 was sampled by the initial model, which the servers were started from
        o.onServers = new Weights(resumed.samplerStep(), resumed.samplerWeights());
        o.prepareNow(first + 1);
        o.onServers = new Weights(first, StepClock.once(first, Phase.PUBLISH, publishFirst));
        return o;
    }

    private void prepareNow(int step) {
        next = stepper.prepare(step);
        nextSampledBy = onServers;
    }

    /** Trains {@code step} (prepared earlier) while sampling {@code step + 1} unless it is the last. */
    StepMetrics run(int step, boolean last) {
        if (next == null || next.step() != step) {
            throw new IllegalStateException("step " + step + " was not prepared");
        }
        PrimeStep.Prepared current = next;
        Weights sampledBy = nextSampledBy;
        next = null;
        samplerOfNext = onServers;
        if (!last && !stopRequested.getAsBoolean()) {
            Weights by = onServers;
            inFlight = ahead.submit(() -> new Ready(stepper.prepare(step + 1), System.nanoTime()));
            nextSampledBy = by;
        }
        double[] waits = {Double.NaN, Double.NaN};
        StepMetrics m = stepper.train(current, () -> {
            if (inFlight == null) {
                return;
            }
            long trained = System.nanoTime();
            Ready ready = join();
            long now = System.nanoTime();
            waits[0] = (now - trained) / 1e9;
            waits[1] = Math.max(0, trained - ready.doneNanos()) / 1e9;
            next = ready.prepared();
        });
        if (m.trained()) {
            onServers = new Weights(step, stepper.published());
        } else {
            onServers = new Weights(step, onServers.dir()); // nothing changed: the same weights
        }
        cursor = current.cursor();
        long end = System.nanoTime();
        double total = (end - lastEnd) / 1e9;
        lastEnd = end;
        return m.withOffPolicy(new OffPolicyStats((step - 1) - sampledBy.step(), waits[0], waits[1]), total);
    }

    private Ready join() {
        try {
            return inFlight.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for the next step's rollouts");
        } finally {
            inFlight = null;
        }
    }

    /** The data cursor after the last trained step's prompts (a checkpoint's; later prompts are redone). */
    DataCursor cursor() {
        return cursor;
    }

    /** The step whose weights sample the step after the last trained one (for the checkpoint). */
    int samplerStep() {
        return samplerOfNext.step();
    }

    /** Their published directory; null for the initial model. */
    Path samplerWeights() {
        return samplerOfNext.dir();
    }

    /** Abandons rollouts still in flight (a failed step): they belong to a step that a resume redoes. */
    @Override
    public void close() {
        if (inFlight != null) {
            inFlight.cancel(true);
        }
        ahead.shutdownNow();
        try {
            ahead.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
