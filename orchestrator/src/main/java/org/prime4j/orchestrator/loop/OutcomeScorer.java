package org.prime4j.orchestrator.loop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.prime4j.client.Rollouts;
import org.prime4j.client.Sample;
import org.prime4j.orchestrator.data.PromptItem;
import org.prime4j.verifiers.Verification;
import org.prime4j.verifiers.VerificationItem;
import org.prime4j.verifiers.Verifier;
import org.prime4j.verifiers.VerifierRegistry;
import org.prime4j.verifiers.runtime.VerificationPool;

/**
 * PRIME step 3: every response scored by its prompt's verifier, all in parallel on one pool with a deadline
 * per item. Verifiers are resolved and warmed up once, before the first step, so a missing or broken one
 * stops the run before anything trains.
 */
public final class OutcomeScorer implements AutoCloseable {

    /** Scores of a batch in row order (prompt-major, K per prompt), with the failures counted. */
    public record Scores(double[] scores, int errors, int timeouts) {}

    private final VerifierRegistry registry;
    private final Map<String, Verifier> extra = new HashMap<>();
    private final VerificationPool pool;

    /**
     * @param extraVerifiers verifiers given in code (an embedding program's own task), besides the registry's;
     *                       a name both define is an error, never a silent override
     */
    public OutcomeScorer(VerifierRegistry registry, List<Verifier> extraVerifiers, int parallelism,
                         Duration deadline) {
        this.registry = registry;
        for (Verifier v : extraVerifiers) {
            if (registry.find(v.name()).isPresent() || extra.put(v.name(), v) != null) {
                throw new IllegalArgumentException("verifier name '" + v.name() + "' is defined twice");
            }
        }
        this.pool = new VerificationPool(parallelism, deadline);
    }

    private Verifier verifier(String name) {
        Verifier v = extra.get(name);
        return v != null ? v : registry.get(name);
    }

    /** Checks that every ability of the data has a verifier and warms each one up. */
    public void prepare(List<PromptItem> items) {
        Set<String> abilities = new LinkedHashSet<>();
        for (PromptItem p : items) {
            abilities.add(p.ability());
        }
        for (String a : abilities) {
            Verifier v;
            try {
                v = verifier(a);
            } catch (IllegalArgumentException e) {
                String first = items.stream().filter(p -> p.ability().equals(a)).findFirst().orElseThrow().source();
                Set<String> known = new java.util.TreeSet<>(registry.names());
                known.addAll(extra.keySet());
                throw new IllegalArgumentException(first + ": ability '" + a + "' has no verifier (known: "
                        + known + ")", e);
            }
            try {
                v.warmUp();
            } catch (Exception e) {
                throw new IllegalStateException("verifier '" + a + "' cannot work: " + e.getMessage(), e);
            }
        }
    }

    public Scores score(List<PromptItem> prompts, List<Rollouts> rollouts) {
        List<CompletableFuture<Verification>> futures = new ArrayList<>();
        for (int p = 0; p < prompts.size(); p++) {
            List<String> texts = new ArrayList<>();
            for (Sample s : rollouts.get(p).samples()) {
                texts.add(s.text() == null ? "" : s.text());
            }
            futures.addAll(submit(prompts.get(p), texts));
        }
        double[] scores = new double[futures.size()];
        int errors = 0;
        int timeouts = 0;
        for (int i = 0; i < scores.length; i++) {
            Verification v = futures.get(i).join();
            scores[i] = v.score();
            if (VerificationPool.TIMEOUT.equals(v.reason())) {
                timeouts++;
            } else if (v.reason().startsWith("error")) {
                errors++;
            }
        }
        return new Scores(scores, errors, timeouts);
    }

    /** One item's responses, each scored by the item's verifier under the deadline, in order. */
    public List<CompletableFuture<Verification>> submit(PromptItem item, List<String> responses) {
        Verifier v = verifier(item.ability());
        List<CompletableFuture<Verification>> futures = new ArrayList<>(responses.size());
        for (String r : responses) {
            futures.add(pool.submit(v, new VerificationItem(r, item.groundTruth(), item.extra())));
        }
        return futures;
    }

    @Override
    public void close() {
        pool.close();
    }
}
