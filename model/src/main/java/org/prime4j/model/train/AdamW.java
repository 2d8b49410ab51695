package org.prime4j.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prime4j.model.io.HostTensor;
import org.prime4j.model.nn.OwnedArrays;

/**
 * AdamW (Loshchilov and Hutter, decoupled weight decay) with torch.optim.AdamW's numerics, on DJL's fused
 * PyTorch kernel ({@code JniUtils.adamUpdate} with {@code adamw = true}: one native call per parameter). That
 * kernel decays as {@code w -= lr * wd * w}, then {@code w -= lrc * m / (sqrt(v) + eps')} with the bias
 * correction folded into {@code lrc}; torch divides by {@code sqrt(v / bc2) + eps} instead, so passing
 * {@code lrc = lr * sqrt(bc2) / bc1} and {@code eps' = eps * sqrt(bc2)} gives exactly torch's update. The
 * kernel's own clip is element-wise and one-sided, so it stays off; global-norm clipping and micro-batch
 * averaging enter through the gradient scale.
 */
public final class AdamW implements AutoCloseable {

    /** Hyper-parameters; defaults as torch.optim.AdamW except weight decay, which the caller always sets. */
    public record Settings(double lr, double beta1, double beta2, double eps, double weightDecay) {
        public Settings {
            if (!(lr >= 0)) {
                throw new IllegalArgumentException("lr must be >= 0, got " + lr);
            }
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("betas must be in [0, 1), got " + beta1 + ", " + beta2);
            }
            if (!(eps > 0)) {
                throw new IllegalArgumentException("eps must be > 0, got " + eps);
            }
            if (!(weightDecay >= 0)) {
                throw new IllegalArgumentException("weight_decay must be >= 0, got " + weightDecay);
            }
        }

        public static Settings of(double lr, double weightDecay) {
            return new Settings(lr, 0.9, 0.999, 1e-8, weightDecay);
        }
    }

    private final Map<String, NDArray> params;
    private final Map<String, NDArray> mean = new LinkedHashMap<>();
    private final Map<String, NDArray> variance = new LinkedHashMap<>();
    private final NDManager state;
    private Settings settings;
    private long step;

    /** Optimizes {@code params} (each must require a gradient); the moments live on their own manager. */
    public AdamW(NDManager parent, Map<String, NDArray> params, Settings settings) {
        this.params = new LinkedHashMap<>(params);
        this.settings = settings;
        this.state = parent.newSubManager();
        for (Map.Entry<String, NDArray> e : this.params.entrySet()) {
            if (!e.getValue().hasGradient()) {
                throw new IllegalArgumentException("parameter " + e.getKey() + " does not require a gradient");
            }
            mean.put(e.getKey(), state.zeros(e.getValue().getShape(), e.getValue().getDataType()));
            variance.put(e.getKey(), state.zeros(e.getValue().getShape(), e.getValue().getDataType()));
        }
    }

    public Collection<NDArray> parameters() {
        return params.values();
    }

    public Settings settings() {
        return settings;
    }

    /** Changes the learning rate (schedules); the moments are kept. */
    public void setLearningRate(double lr) {
        settings = new Settings(lr, settings.beta1(), settings.beta2(), settings.eps(), settings.weightDecay());
    }

    /** Updates taken so far. */
    public long steps() {
        return step;
    }

    /**
     * Clips the accumulated gradients by global norm, applies one AdamW update and zeroes the gradients.
     *
     * @param gradScale   multiplies the gradients first (e.g. 1 / micro-batches when the losses were summed)
     * @param maxGradNorm global-norm bound applied to the scaled gradients; <= 0 disables clipping
     * @return the global norm of the scaled gradients before clipping
     */
    public double clipAndStep(double gradScale, double maxGradNorm) {
        double norm = Gradients.globalNorm(state, params.values()) * Math.abs(gradScale);
        step(gradScale * Gradients.clipScale(norm, maxGradNorm));
        return norm;
    }

    /** One AdamW update with gradients multiplied by {@code gradScale}; zeroes the gradients after. */
    public void step(double gradScale) {
        step++;
        double bc1 = 1 - Math.pow(settings.beta1(), step);
        double bc2 = 1 - Math.pow(settings.beta2(), step);
        float lrc = (float) (settings.lr() * Math.sqrt(bc2) / bc1);
        float eps = (float) (settings.eps() * Math.sqrt(bc2));
        try (NDManager scratch = state.newSubManager()) {
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray w = e.getValue();
                NDArray g = Gradients.fetch(scratch, w);
                JniUtils.adamUpdate((PtNDArray) w, (PtNDArray) g, (PtNDArray) mean.get(e.getKey()),
                        (PtNDArray) variance.get(e.getKey()), (float) settings.lr(), lrc,
                        (float) settings.weightDecay(), (float) gradScale, -1f, (float) settings.beta1(),
                        (float) settings.beta2(), eps, true);
            }
        }
        Gradients.zero(params.values());
    }

    /** The moments for a checkpoint: names {@code <param>.exp_avg} and {@code <param>.exp_avg_sq}. */
    public Map<String, HostTensor> stateToHost() {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (String name : params.keySet()) {
            for (Map.Entry<String, Map<String, NDArray>> m : List.of(Map.entry(".exp_avg", mean),
                    Map.entry(".exp_avg_sq", variance))) {
                NDArray a = m.getValue().get(name);
                out.put(name + m.getKey(), HostTensor.ofFloats(name + m.getKey(), a.getShape().getShape(),
                        a.toFloatArray()));
            }
        }
        return out;
    }

    /** Restores moments written by {@link #stateToHost} and the step count (for bias correction). */
    public void loadState(Map<String, HostTensor> tensors, long steps) {
        for (String name : params.keySet()) {
            copyInto(mean.get(name), tensors.get(name + ".exp_avg"), name + ".exp_avg");
            copyInto(variance.get(name), tensors.get(name + ".exp_avg_sq"), name + ".exp_avg_sq");
        }
        this.step = steps;
    }

    private static void copyInto(NDArray dst, HostTensor src, String name) {
        if (src == null) {
            throw new IllegalArgumentException("optimizer state lacks " + name);
        }
        if (!java.util.Arrays.equals(src.shape(), dst.getShape().getShape())) {
            throw new IllegalArgumentException("optimizer state " + name + " has shape "
                    + java.util.Arrays.toString(src.shape()) + ", expected " + dst.getShape());
        }
        OwnedArrays.overwrite(dst, src.toFloatArray());
    }

    @Override
    public void close() {
        state.close();
    }
}
