package org.prime4j.orchestrator.loop;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The seconds each phase of one step took, and the one place where a phase's failure becomes a
 * {@link TrainingException} naming the step and the phase.
 */
final class StepClock {

    /** Work of one phase that may fail with anything. */
    interface Work<T> {
        T run() throws Exception;
    }

    private final int step;
    private final long start = System.nanoTime();
    private final Map<String, Double> seconds = new LinkedHashMap<>();

    /** Starts the clock of a step; the phases every step reports begin at zero. */
    StepClock(int step) {
        this.step = step;
        for (Phase p : List.of(Phase.ROLLOUT, Phase.VERIFY, Phase.REF, Phase.PRM, Phase.POLICY, Phase.PUBLISH)) {
            seconds.put(p.label(), 0.0);
        }
    }

    int step() {
        return step;
    }

    /** Runs one phase's work, adds its time, and turns any failure into a {@link TrainingException}. */
    <T> T time(Phase phase, Work<T> work) {
        long t0 = System.nanoTime();
        try {
            return work.run();
        } catch (TrainingException e) {
            throw e;
        } catch (Exception e) {
            throw new TrainingException(step, phase, e.getMessage() == null ? e.toString() : e.getMessage(), e);
        } finally {
            seconds.merge(phase.label(), (System.nanoTime() - t0) / 1e9, Double::sum);
        }
    }

    /** One phase outside a step's own clock (a resume's publish, an evaluation, a checkpoint). */
    static <T> T once(int step, Phase phase, Work<T> work) {
        return new StepClock(step).time(phase, work);
    }

    /** Seconds per phase so far, with {@code total} since the clock started. */
    Map<String, Double> seconds() {
        Map<String, Double> out = new LinkedHashMap<>(seconds);
        out.put("total", (System.nanoTime() - start) / 1e9);
        return out;
    }
}
