package org.prime4j.app.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.prime4j.verifiers.Verification;
import org.prime4j.verifiers.VerificationItem;
import org.prime4j.verifiers.Verifier;
import org.prime4j.verifiers.runtime.VerificationPool;

/**
 * Verifications per second of one verifier on a fixed item set family. The baseline, measured in the same run, is
 * the verifier called on one thread of a plain executor (no deadline, no failure handling beyond a catch);
 * then the {@link VerificationPool} with one worker (the framework's overhead) and with several (the
 * parallel speed-up).
 */
public final class VerifierBench {

    /** One measured configuration. */
    public record Row(String verifier, String mode, int items, double seconds, double scoreSum, long timeouts,
            long errors) {
        public double perSecond() {
            return items / seconds;
        }
    }

    private final Duration deadline;

    public VerifierBench(Duration deadline) {
        this.deadline = Objects.requireNonNull(deadline, "deadline");
    }

    /**
     * Warms up with {@code warmPasses} untimed passes on the calling thread (JIT, caches) and one on each
     * mode's own threads (per-thread state such as a CAS evaluator), over variants no timed pass uses. Then
     * {@code rounds} rounds over {@code rounds} further variants: in each round every mode in turn times
     * one variant, arranged so that every mode times every variant exactly once (item sets whose variants
     * differ in cost favour no mode, and neither does a machine whose load drifts). A row sums its passes.
     *
     * @param limit at most this many items per pass (0: all)
     * @return the baseline row first, then one row per parallelism
     */
    public List<Row> run(Verifier verifier, BenchItems.ItemSet set, int limit, int warmPasses, int rounds,
            int... parallelisms) throws Exception {
        if (rounds < 1 || warmPasses < 0) {
            throw new IllegalArgumentException("need rounds >= 1 and warmPasses >= 0, got " + rounds + ", " + warmPasses);
        }
        verifier.warmUp();
        IntFunction<List<VerificationItem>> variant = k -> {
            List<VerificationItem> items = set.variant().apply(k);
            return limit > 0 && items.size() > limit ? items.subList(0, limit) : items;
        };
        List<String> modes = new ArrayList<>();
        List<Function<List<VerificationItem>, List<Verification>>> runs = new ArrayList<>();
        List<VerificationPool> pools = new ArrayList<>();
        // The baseline: a plain single-thread executor, one task per item, no deadline. (Looping over the
        // items inside a single task instead is up to 3x slower for math on HotSpot 17, an artefact of
        // compiling that loop with the whole verifier inlined; per-item dispatch is what any pool does.)
        ExecutorService directThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "bench-direct");
            t.setDaemon(true);
            return t;
        });
        modes.add("plain executor, 1 thread (baseline)");
        runs.add(batch -> {
            List<Future<Verification>> futures = new ArrayList<>(batch.size());
            for (VerificationItem item : batch) {
                futures.add(directThread.submit(() -> VerificationPool.runOne(verifier, item)));
            }
            List<Verification> out = new ArrayList<>(batch.size());
            for (Future<Verification> f : futures) {
                try {
                    out.add(f.get());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
            return out;
        });
        try {
            for (int p : parallelisms) {
                VerificationPool pool = new VerificationPool(p, deadline);
                pools.add(pool);
                modes.add("pool, " + p + (p == 1 ? " worker" : " workers"));
                runs.add(batch -> pool.verifyAll(verifier, batch));
            }
            int k = 0;
            for (int w = 0; w < warmPasses; w++) {
                for (VerificationItem item : variant.apply(k++)) {
                    VerificationPool.runOne(verifier, item);
                }
            }
            for (Function<List<VerificationItem>, List<Verification>> run : runs) {
                run.apply(variant.apply(k++));
            }
            List<List<Verification>> results = new ArrayList<>();
            long[] nanos = new long[runs.size()];
            for (int m = 0; m < runs.size(); m++) {
                results.add(new ArrayList<>());
            }
            int first = k;
            for (int r = 0; r < rounds; r++) {
                for (int m = 0; m < runs.size(); m++) {
                    // A Latin square: every mode times the same variants, each in a different round.
                    List<VerificationItem> items = variant.apply(first + (r + m) % rounds);
                    long t = System.nanoTime();
                    results.get(m).addAll(runs.get(m).apply(items));
                    nanos[m] += System.nanoTime() - t;
                }
            }
            List<Row> rows = new ArrayList<>();
            for (int m = 0; m < runs.size(); m++) {
                rows.add(row(verifier.name(), modes.get(m), results.get(m), nanos[m]));
            }
            return rows;
        } finally {
            pools.forEach(VerificationPool::close);
            directThread.shutdownNow();
        }
    }

    private static Row row(String name, String mode, List<Verification> results, long nanos) {
        double sum = 0;
        long timeouts = 0;
        long errors = 0;
        for (Verification v : results) {
            sum += v.score();
            timeouts += VerificationPool.TIMEOUT.equals(v.reason()) ? 1 : 0;
            errors += v.reason().startsWith("error") ? 1 : 0;
        }
        return new Row(name, mode, results.size(), nanos / 1e9, sum, timeouts, errors);
    }
}
