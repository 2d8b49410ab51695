package org.prime4j.orchestrator.train;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.function.Supplier;
import org.prime4j.model.DjlRuntime;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.train.AdamW;

/**
 * A fully trainable model and its AdamW: what both trainers share (micro-batch scopes, the clipped step, the
 * host state). The model stays the caller's; closing frees only the optimizer's moments. Replacing the
 * model's weights from outside ({@link CausalLM#loadHost}) detaches the optimizer: use {@link #restore}.
 */
final class OptimizedModel implements AutoCloseable {

    private final CausalLM model;
    private AdamW optimizer;

    OptimizedModel(CausalLM model, double lr, double weightDecay) {
        if (model == null) {
            throw new IllegalArgumentException("model must not be null");
        }
        this.model = model;
        model.setTrainable(true);
        this.optimizer = new AdamW(model.manager(), model.parameters(), AdamW.Settings.of(lr, weightDecay));
    }

    CausalLM model() {
        return model;
    }

    AdamW optimizer() {
        return optimizer;
    }

    /** A per-micro-batch manager: every intermediate of one forward/backward dies with it. */
    NDManager scope() {
        return model.manager().newSubManager();
    }

    /**
     * A gradient scope (docs/design.md "DJL pitfalls": one GradientCollector per process at a time; gradients accumulate across
     * collectors until the optimizer step zeroes them).
     */
    static GradientCollector collector() {
        return DjlRuntime.pytorch().newGradientCollector();
    }

    /**
     * Runs {@code body} without recording an autograd graph. Grad mode is thread-local in libtorch and DJL turns
     * it off only on the thread that started the engine, so a trainer called from another thread (a training
     * loop's worker) would otherwise record, and hold until the scope closes, a graph for every no-grad pass.
     */
    static <T> T withoutGradient(Supplier<T> body) {
        boolean was = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return body.get();
        } finally {
            JniUtils.setGradMode(was);
        }
    }

    /** Clips the accumulated gradients by global norm, steps AdamW; returns the norm before clipping. */
    double step(double maxGradNorm) {
        return optimizer.clipAndStep(1.0, maxGradNorm);
    }

    TrainerState state() {
        return new TrainerState(model.toHost(), optimizer.stateToHost(), optimizer.steps());
    }

    /**
     * Loads weights and moments. {@link CausalLM#loadHost} replaces the parameter arrays, so the optimizer is
     * rebuilt on the new ones (an AdamW keeps references to the arrays it updates).
     */
    void restore(TrainerState state) {
        model.loadHost(state.weights());
        AdamW fresh = new AdamW(model.manager(), model.parameters(), optimizer.settings());
        try {
            fresh.loadState(state.optimizer(), state.steps());
        } catch (RuntimeException e) {
            fresh.close();
            throw e;
        }
        optimizer.close();
        optimizer = fresh;
    }

    @Override
    public void close() {
        optimizer.close();
    }
}
