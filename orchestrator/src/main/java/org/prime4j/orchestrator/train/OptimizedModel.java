package org.prime4j.orchestrator.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.prime4j.model.DjlRuntime;
import org.prime4j.model.io.HostTensor;
import org.prime4j.model.lora.LoraAdapter;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.nn.LayerCheckpointing;
import org.prime4j.model.nn.OwnedArrays;
import org.prime4j.model.nn.PaddedBatch;
import org.prime4j.model.train.AdamW;

/**
 * A trained model and its AdamW: what both trainers share (micro-batch scopes, the clipped step, the host
 * state). Either the whole model is trained, or only a LoRA adapter over it: then the model is a frozen base
 * that several adapters may share (the policy's and the PRM's), each trainer installing its own before each
 * pass ({@link #active}). Model and adapter stay the caller's; closing frees only the optimizer's moments.
 * Replacing the model's weights from outside ({@link CausalLM#loadHost}) detaches the optimizer: use
 * {@link #restore}.
 */
final class OptimizedModel implements AutoCloseable {

    private final CausalLM model;
    private final LoraAdapter adapter;
    private final boolean checkpointing;
    private AdamW optimizer;

    OptimizedModel(CausalLM model, double lr, double weightDecay) {
        this(model, null, false, lr, weightDecay);
    }

    /**
     * Trains only {@code adapter} (null: the whole model); the base's parameters get no gradient.
     *
     * @param checkpointing recompute each layer in backward ({@link LayerCheckpointing}); adapters only, since
     *                      that path leaves the frozen embedding without a gradient
     */
    OptimizedModel(CausalLM model, LoraAdapter adapter, boolean checkpointing, double lr, double weightDecay) {
        if (model == null) {
            throw new IllegalArgumentException("model must not be null");
        }
        if (checkpointing && adapter == null) {
            throw new IllegalArgumentException("activation checkpointing trains adapters only");
        }
        if (model.frozenWeights() != null && adapter == null) {
            throw new IllegalArgumentException("a frozen 16-bit base cannot be trained whole; train a LoRA adapter");
        }
        this.model = model;
        this.adapter = adapter;
        this.checkpointing = checkpointing;
        model.setTrainable(adapter == null);
        if (adapter != null) {
            adapter.setTrainable(true);
        }
        this.optimizer = new AdamW(model.manager(), trainable(), AdamW.Settings.of(lr, weightDecay));
    }

    private Map<String, NDArray> trainable() {
        return adapter == null ? model.parameters() : adapter.parameters();
    }

    CausalLM model() {
        return model;
    }

    /** The trained adapter, or null when the whole model is trained. */
    LoraAdapter adapter() {
        return adapter;
    }

    /**
     * The model ready for a pass of this trainer: with LoRA, its adapter installed (the base is shared) and the
     * adapter's dropout on only for a pass that trains.
     */
    CausalLM active(boolean training) {
        if (adapter != null) {
            model.setAdapter(adapter);
            adapter.setTraining(training);
        }
        return model;
    }

    /**
     * Forward and backward of one training micro-batch: {@code loss} maps the pass's FP32 logits (rows, width,
     * vocab) to a scalar, whose gradient is added to the trained parameters' (they add up until {@link #step}).
     * The loss may read values out of what it computes; it runs once per call on either path. Returns the loss.
     */
    double backward(NDManager call, PaddedBatch batch, Function<NDArray, NDArray> loss) {
        CausalLM m = active(true);
        if (checkpointing) {
            return LayerCheckpointing.backward(m, call, batch, loss);
        }
        try (GradientCollector gc = collector()) {
            NDArray l = loss.apply(m.logits(call, batch));
            gc.backward(l);
            return l.getFloat();
        }
    }

    boolean checkpointing() {
        return checkpointing;
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
        if (adapter != null) {
            Map<String, HostTensor> weights = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : adapter.parameters().entrySet()) {
                weights.put(e.getKey(), HostTensor.ofFloats(e.getKey(), e.getValue().getShape().getShape(),
                        e.getValue().toFloatArray()));
            }
            return new TrainerState(weights, optimizer.stateToHost(), optimizer.steps(), adapter.config());
        }
        return new TrainerState(model.toHost(), optimizer.stateToHost(), optimizer.steps());
    }

    /**
     * Loads weights and moments. {@link CausalLM#loadHost} replaces the parameter arrays, so the optimizer is
     * rebuilt on the new ones (an AdamW keeps references to the arrays it updates).
     */
    void restore(TrainerState state) {
        if (adapter != null) {
            restoreAdapter(state);
            return;
        }
        if (state.adapter() != null) {
            throw new IllegalArgumentException("the state holds a LoRA adapter but this trainer trains the whole model");
        }
        model.loadHost(state.weights());
        AdamW fresh = new AdamW(model.manager(), trainable(), optimizer.settings());
        try {
            fresh.loadState(state.optimizer(), state.steps());
        } catch (RuntimeException e) {
            fresh.close();
            throw e;
        }
        optimizer.close();
        optimizer = fresh;
    }

    /** The adapter's factors are overwritten in place, so the optimizer keeps its references. */
    private void restoreAdapter(TrainerState state) {
        if (state.adapter() == null) {
            throw new IllegalArgumentException("the state holds a whole model but this trainer trains a LoRA adapter");
        }
        if (state.adapter().r() != adapter.config().r()
                || !state.adapter().targetModules().equals(adapter.config().targetModules())) {
            throw new IllegalArgumentException("the state's adapter (" + state.adapter() + ") does not match this"
                    + " trainer's LoRA settings (" + adapter.config() + ")");
        }
        Map<String, NDArray> params = adapter.parameters();
        if (!state.weights().keySet().equals(params.keySet())) {
            throw new IllegalArgumentException("the state's adapter tensors differ from this trainer's: "
                    + state.weights().size() + " vs " + params.size() + " tensors");
        }
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            HostTensor t = state.weights().get(e.getKey());
            if (!java.util.Arrays.equals(t.shape(), e.getValue().getShape().getShape())) {
                throw new IllegalArgumentException("adapter tensor " + e.getKey() + " has shape "
                        + java.util.Arrays.toString(t.shape()) + ", expected " + e.getValue().getShape());
            }
        }
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            OwnedArrays.overwrite(e.getValue(), state.weights().get(e.getKey()).toFloatArray());
        }
        optimizer.loadState(state.optimizer(), state.steps());
    }

    @Override
    public void close() {
        optimizer.close();
    }
}
