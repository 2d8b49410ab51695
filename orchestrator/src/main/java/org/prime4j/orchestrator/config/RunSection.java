package org.prime4j.orchestrator.config;

import java.nio.file.Path;
import org.prime4j.model.io.DType;
import org.prime4j.orchestrator.settings.Checks;

/**
 * The run itself.
 *
 * @param out              output directory (metrics.jsonl, tensorboard/, weights/, checkpoints/)
 * @param steps            PRIME steps to reach (a resumed run continues up to this step)
 * @param seed             the one seed: data order, rollout seeds and model-free randomness derive from it
 * @param checkpointEvery  checkpoint every N steps (and at the last step); 0 = only at the last step
 * @param evalEvery        held-out greedy accuracy every N steps (needs data.eval); 0 = never
 * @param publishDtype     dtype of the weights published to the policy servers (f32, bf16, f16)
 * @param keepCheckpoints  newest checkpoints kept on disk; 0 keeps all
 * @param tensorboard      also write every metric as TensorBoard scalars under out/tensorboard/ (default true)
 * @param async            one step off-policy: the servers sample step N+1 (with the weights of step N-1) while
 *                         step N trains (default false)
 */
public record RunSection(Path out, Integer steps, Long seed, Integer checkpointEvery, Integer evalEvery,
                         DType publishDtype, Integer keepCheckpoints, Boolean tensorboard, Boolean async) {

    public RunSection {
        out = Checks.orDefault(out, Path.of("runs/prime"));
        steps = Checks.atLeast("steps", Checks.orDefault(steps, 100), 1);
        seed = Checks.orDefault(seed, 0L);
        checkpointEvery = Checks.atLeast("checkpoint_every", Checks.orDefault(checkpointEvery, 10), 0);
        evalEvery = Checks.atLeast("eval_every", Checks.orDefault(evalEvery, 0), 0);
        publishDtype = Checks.orDefault(publishDtype, DType.F32);
        keepCheckpoints = Checks.atLeast("keep_checkpoints", Checks.orDefault(keepCheckpoints, 0), 0);
        tensorboard = Checks.orDefault(tensorboard, true);
        async = Checks.orDefault(async, false);
    }

    /** Synchronous. */
    public RunSection(Path out, Integer steps, Long seed, Integer checkpointEvery, Integer evalEvery,
                      DType publishDtype, Integer keepCheckpoints, Boolean tensorboard) {
        this(out, steps, seed, checkpointEvery, evalEvery, publishDtype, keepCheckpoints, tensorboard, null);
    }

    /** With TensorBoard event files (the default). */
    public RunSection(Path out, Integer steps, Long seed, Integer checkpointEvery, Integer evalEvery,
                      DType publishDtype, Integer keepCheckpoints) {
        this(out, steps, seed, checkpointEvery, evalEvery, publishDtype, keepCheckpoints, null);
    }

    /** Without {@code keep_checkpoints}: every checkpoint is kept. */
    public RunSection(Path out, Integer steps, Long seed, Integer checkpointEvery, Integer evalEvery,
                      DType publishDtype) {
        this(out, steps, seed, checkpointEvery, evalEvery, publishDtype, null, null);
    }

    RunSection resolve(Path base) {
        return new RunSection(base.resolve(out), steps, seed, checkpointEvery, evalEvery, publishDtype, keepCheckpoints,
                tensorboard, async);
    }

    public RunSection withSteps(int n) {
        return new RunSection(out, n, seed, checkpointEvery, evalEvery, publishDtype, keepCheckpoints, tensorboard,
                async);
    }

    public RunSection withOut(Path dir) {
        return new RunSection(dir, steps, seed, checkpointEvery, evalEvery, publishDtype, keepCheckpoints,
                tensorboard, async);
    }

    public RunSection withTensorboard(boolean on) {
        return new RunSection(out, steps, seed, checkpointEvery, evalEvery, publishDtype, keepCheckpoints, on, async);
    }

    public RunSection withAsync(boolean on) {
        return new RunSection(out, steps, seed, checkpointEvery, evalEvery, publishDtype, keepCheckpoints,
                tensorboard, on);
    }
}
