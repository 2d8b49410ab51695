package org.prime4j.verifiers.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.prime4j.verifiers.Verification;
import org.prime4j.verifiers.VerificationItem;
import org.prime4j.verifiers.Verifier;
import org.prime4j.verifiers.runtime.VerificationPool;

/**
 * Verifications per second of one verifier on a fixed item set. The baseline, measured in the same run, is
 * the verifier called directly on one thread (no pool, no deadline); then the {@link VerificationPool} with
 * one worker (the framework's overhead) and with several (the parallel speed-up).
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
     * @param warmItems items run once, untimed, before measuring (JIT, caches, a CAS's rule tables)
     * @return the baseline row first, then one row per parallelism
     */
    public List<Row> run(Verifier verifier, List<VerificationItem> items, int warmItems, int... parallelisms)
            throws Exception {
        verifier.warmUp();
        for (VerificationItem item : items.subList(0, Math.min(warmItems, items.size()))) {
            VerificationPool.runOne(verifier, item);
        }
        List<Row> rows = new ArrayList<>();
        long t0 = System.nanoTime();
        List<Verification> direct = new ArrayList<>(items.size());
        for (VerificationItem item : items) {
            direct.add(VerificationPool.runOne(verifier, item));
        }
        rows.add(row(verifier.name(), "direct, 1 thread (baseline)", direct, System.nanoTime() - t0));
        for (int p : parallelisms) {
            try (VerificationPool pool = new VerificationPool(p, deadline)) {
                long t = System.nanoTime();
                List<Verification> pooled = pool.verifyAll(verifier, items);
                rows.add(row(verifier.name(), "pool, " + p + (p == 1 ? " worker" : " workers"), pooled, System.nanoTime() - t));
            }
        }
        return rows;
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
