package org.prime4j.orchestrator.loop;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.prime4j.verifiers.Verifier;
import org.prime4j.verifiers.VerifierRegistry;

/**
 * How one call of {@link PrimeTraining#run} behaves, beyond the config.
 *
 * @param resume        continue from the newest complete checkpoint in the output directory
 * @param steps         overrides {@code run.steps} when not null
 * @param out           overrides {@code run.out} when not null
 * @param progress      where the one-line summary per step and warnings go (stderr for the CLI)
 * @param verifiers     the verifiers to use; null: the built-in ones plus {@code verifier.plugin_dir}
 * @param extraVerifiers verifiers given in code, by their names (e.g. an embedding program's own task)
 * @param onStep        told about every finished step (after its metrics line is written)
 * @param stop          set it to stop after the current step (checkpointed); the shutdown hook sets it too
 * @param shutdownHook  on SIGINT, finish the current step, checkpoint, and stop (waiting at most
 *                      {@code shutdownGrace}); the CLI sets it, embedders usually do not
 */
public record RunOptions(boolean resume, Integer steps, Path out, PrintStream progress, VerifierRegistry verifiers,
                         List<Verifier> extraVerifiers, Consumer<StepMetrics> onStep, AtomicBoolean stop, boolean shutdownHook, Duration shutdownGrace) {

    public RunOptions {
        progress = progress == null ? System.err : progress;
        extraVerifiers = extraVerifiers == null ? List.of() : List.copyOf(extraVerifiers);
        onStep = onStep == null ? m -> {} : onStep;
        stop = stop == null ? new AtomicBoolean() : stop;
        shutdownGrace = shutdownGrace == null ? Duration.ofMinutes(10) : shutdownGrace;
        if (steps != null && steps < 1) {
            throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
        }
    }

    /** A fresh run with the config as written, progress on stderr, no shutdown hook. */
    public static RunOptions defaults() {
        return new RunOptions(false, null, null, null, null, null, null, null, false, null);
    }

    public RunOptions withResume(boolean r) {
        return new RunOptions(
                r, steps, out, progress, verifiers, extraVerifiers, onStep, stop, shutdownHook, shutdownGrace);
    }

    public RunOptions withSteps(Integer n) {
        return new RunOptions(
                resume, n, out, progress, verifiers, extraVerifiers, onStep, stop, shutdownHook, shutdownGrace);
    }

    public RunOptions withOut(Path dir) {
        return new RunOptions(
                resume, steps, dir, progress, verifiers, extraVerifiers, onStep, stop, shutdownHook, shutdownGrace);
    }

    public RunOptions withProgress(PrintStream p) {
        return new RunOptions(
                resume, steps, out, p, verifiers, extraVerifiers, onStep, stop, shutdownHook, shutdownGrace);
    }

    public RunOptions withOnStep(Consumer<StepMetrics> c) {
        return new RunOptions(
                resume, steps, out, progress, verifiers, extraVerifiers, c, stop, shutdownHook, shutdownGrace);
    }

    public RunOptions withExtraVerifiers(List<Verifier> v) {
        return new RunOptions(
                resume, steps, out, progress, verifiers, v, onStep, stop, shutdownHook, shutdownGrace);
    }

}
