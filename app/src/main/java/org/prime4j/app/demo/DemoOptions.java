package org.prime4j.app.demo;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * How to run the arithmetic demo.
 *
 * @param config      the demo's training config (examples/arithmetic/demo.yaml)
 * @param out         the run directory; null: {@code runs/demo-<time>} beside the config's {@code run.out}
 * @param steps       PRIME steps; null: the config's
 * @param seed        run seed; null: the config's
 * @param outcomeOnly the paper's baseline: c_p = 0 (outcome-only RLOO), and the PRM is not trained
 * @param evalItems   held-out items for the before/after greedy accuracy (0: all)
 * @param log         progress
 * @param async       {@code run.async: true} (one step off-policy), whatever the config says
 */
public record DemoOptions(Path config, Path out, Integer steps, Long seed, boolean outcomeOnly, int evalItems,
                          PrintStream log, boolean async) {

    /** The config's own run.async. */
    public DemoOptions(Path config, Path out, Integer steps, Long seed, boolean outcomeOnly, int evalItems,
                       PrintStream log) {
        this(config, out, steps, seed, outcomeOnly, evalItems, log, false);
    }

    public DemoOptions {
        if (config == null) {
            throw new IllegalArgumentException("the demo needs its config (examples/arithmetic/demo.yaml)");
        }
        if (steps != null && steps < 1) {
            throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
        }
        if (evalItems < 0) {
            throw new IllegalArgumentException("--eval-items must be >= 0, got " + evalItems);
        }
        log = log == null ? System.err : log;
    }
}
