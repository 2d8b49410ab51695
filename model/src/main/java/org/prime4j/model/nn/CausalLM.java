package org.prime4j.model.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.prime4j.model.io.DType;
import org.prime4j.model.io.HfCheckpoint;
import org.prime4j.model.io.HostTensor;
import org.prime4j.model.DjlRuntime;
import org.prime4j.model.config.ModelConfig;

/**
 * A Qwen2 / Qwen3 / Llama decoder-only causal LM written from NDArray ops (DJL has no RMSNorm, RoPE, grouped-query
 * attention or KV cache): embedding, the {@link DecoderLayer}s, final RMSNorm and a tied or separate lm_head. The
 * math is HF's modeling_qwen2 / qwen3 / llama. Weights, FP32 or a frozen 16-bit base, sit in a {@link WeightStore}.
 *
 * <p>Parameters are NDArrays keyed by HF tensor name on the model's own manager. Every call works in a
 * caller-supplied manager: all intermediates land there (activations are always the first operand), so
 * closing it frees them and the model's manager holds only the parameters.
 *
 * <p>Compute precision is FP32, or FP16 for inference only (meant for GPUs; the FP32 weights are cast per
 * call). FP16 training is refused: DJL's {@code toType} runs under torch's NoGradGuard, so a per-call cast
 * cuts the graph between FP16 activations and FP32 master weights.
 */
public final class CausalLM implements AutoCloseable {

    private final ModelConfig config;
    private final NDManager manager;
    private final Rope rope;
    private final DataType compute;
    private final WeightStore weights;
    private final DecoderLayer layer;
    private ProjectionAdapter adapter;

    private CausalLM(ModelConfig config, Device device, DataType compute) {
        this(config, device, compute, null);
    }

    private CausalLM(ModelConfig config, Device device, DataType compute,
                     Function<NDManager, HalfWeights> frozen) {
        if (compute != DataType.FLOAT32 && compute != DataType.FLOAT16) {
            throw new IllegalArgumentException("compute dtype must be FLOAT32 or FLOAT16, got " + compute);
        }
        this.config = config;
        this.manager = DjlRuntime.pytorch().newBaseManager(device);
        this.rope = new Rope(config.headDim(), config.ropeTheta(), config.ropeScaling());
        this.compute = compute;
        HalfWeights w = null;
        if (frozen != null) {
            try {
                w = frozen.apply(manager);
            } catch (RuntimeException e) {
                manager.close();
                throw e;
            }
        }
        this.weights = new WeightStore(config, manager, compute, w);
        this.layer = new DecoderLayer(config, weights, this::adapter);
    }

    /**
     * A frozen base held in 16 bits ({@link HalfWeights}) on the CPU, computing in FP32: each layer's weights
     * are widened when the layer runs and freed after it, so the FP32 copy never exceeds one layer (plus a
     * slice of the output head). Nothing in it is trainable; train adapters over it ({@link #setAdapter}),
     * with {@link LayerCheckpointing} so that autograd does not keep every layer's widened weights.
     */
    public static CausalLM frozen(ModelConfig config, Function<NDManager, HalfWeights> weights) {
        return new CausalLM(config, Device.cpu(), DataType.FLOAT32, weights);
    }

    /**
     * A frozen base from an HF directory in its 16-bit dtype: F16 when every tensor is stored in F16, else BF16
     * (other tensors are rounded to it). The tensors decide, not config.json's torch_dtype, which exports get wrong.
     */
    public static CausalLM loadFrozen(Path dir) throws IOException {
        try (HfCheckpoint ckpt = HfCheckpoint.open(dir)) {
            return frozen(ckpt);
        }
    }

    /**
     * A base for adapters, held as its checkpoint stores it: a checkpoint whose tensors are all BF16 or F16 (the
     * usual 7B release) stays in those 16 bits ({@link #loadFrozen}); any other is loaded to FP32 ({@link #load}).
     */
    public static CausalLM loadAsStored(Path dir) throws IOException {
        try (HfCheckpoint ckpt = HfCheckpoint.open(dir)) {
            boolean sixteenBit = ckpt.tensorNames().stream().map(ckpt::tensor)
                    .allMatch(t -> t.dtype() == DType.BF16 || t.dtype() == DType.F16);
            return sixteenBit ? frozen(ckpt) : fromCheckpoint(ckpt, Device.cpu(), DataType.FLOAT32);
        }
    }

    private static CausalLM frozen(HfCheckpoint ckpt) {
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        for (String name : ckpt.tensorNames()) {
            tensors.put(name, ckpt.tensor(name));
        }
        DType dtype = tensors.values().stream().allMatch(t -> t.dtype() == DType.F16) ? DType.F16 : DType.BF16;
        return frozen(ckpt.config(), m -> HalfWeights.fromHost(ckpt.config(), tensors, dtype, m));
    }

    /** The 16-bit store of a frozen base, or null for an ordinary (FP32-parameter) model. */
    public HalfWeights frozenWeights() {
        return weights.half();
    }

    /** Gaussian(0, std) weights from a seeded host RNG (same seed, same model everywhere); norms 1, biases 0. */
    public static CausalLM random(ModelConfig config, long seed, double std) {
        CausalLM m = new CausalLM(config, Device.cpu(), DataType.FLOAT32);
        Random rng = new Random(seed);
        for (Map.Entry<String, long[]> e : ParamNames.shapes(config).entrySet()) {
            String name = e.getKey();
            float[] data = new float[Math.toIntExact(numel(e.getValue()))];
            if (name.endsWith("norm.weight")) {
                Arrays.fill(data, 1f);
            } else if (!name.endsWith(".bias")) {
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) (rng.nextGaussian() * std);
                }
            }
            m.weights.set(name, data, e.getValue());
        }
        return m;
    }

    /**
     * A model from host arrays keyed by HF name (e.g. a checkpoint's tensors widened to FP32). Every tensor the
     * config implies must be present with its exact shape; tensors the config does not use are an error too,
     * so a mismatched config cannot load silently.
     */
    public static CausalLM fromHost(ModelConfig config, Map<String, HostTensor> tensors, Device device,
                                    DataType compute) {
        CausalLM m = new CausalLM(config, device, compute);
        try {
            m.loadHost(tensors);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        return m;
    }

    /**
     * Replaces every parameter's values in place (weight reload); names and shapes must match the config, and
     * nothing changes unless all do. Not safe while another thread runs a forward pass on this model.
     */
    public void loadHost(Map<String, HostTensor> tensors) {
        weights.loadHost(tensors);
    }

    /** Copies every parameter to the host, keyed by HF name, in checkpoint order. */
    public Map<String, HostTensor> toHost() {
        return weights.toHost();
    }

    /** Loads an HF model directory (config.json + safetensors) to FP32 on the CPU. */
    public static CausalLM load(Path dir) throws IOException {
        try (HfCheckpoint ckpt = HfCheckpoint.open(dir)) {
            return fromCheckpoint(ckpt, Device.cpu(), DataType.FLOAT32);
        }
    }

    /** A model from an open checkpoint; tensors are read (and widened to FP32) one at a time. */
    public static CausalLM fromCheckpoint(HfCheckpoint ckpt, Device device, DataType compute) {
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        for (String name : ckpt.tensorNames()) {
            tensors.put(name, ckpt.tensor(name));
        }
        return fromHost(ckpt.config(), tensors, device, compute);
    }

    /** Writes the weights as an HF checkpoint (atomically, see {@link HfCheckpoint#write}). */
    public void save(Path dir, DType dtype, long maxShardBytes) throws IOException {
        HfCheckpoint.write(dir, config, toHost(), dtype, maxShardBytes);
    }

    public ModelConfig config() {
        return config;
    }

    /** The model's manager (parameters only); make per-call sub-managers from it. */
    public NDManager manager() {
        return manager;
    }

    /** Parameters by HF name, in checkpoint order (the arrays themselves: optimizers update them in place). */
    public Map<String, NDArray> parameters() {
        return weights.parameters();
    }

    /** Marks every base parameter trainable (full fine-tuning) or frozen (LoRA, inference). */
    public void setTrainable(boolean trainable) {
        if (trainable && weights.half() != null) {
            throw new UnsupportedOperationException("a frozen 16-bit base is not trainable; train an adapter over it");
        }
        if (trainable && compute != DataType.FLOAT32) {
            throw new UnsupportedOperationException("training needs FLOAT32 compute; this model computes in "
                    + compute + " (DJL's dtype casts are not differentiable, so FP16 master-weight training is "
                    + "not available)");
        }
        for (NDArray p : weights.parameters().values()) {
            if (p.hasGradient() != trainable) {
                p.setRequiresGradient(trainable);
            }
        }
    }

    /** Installs (or with null removes) a correction added to the projections' outputs, e.g. a LoRA adapter. */
    public void setAdapter(ProjectionAdapter adapter) {
        this.adapter = adapter;
    }

    public ProjectionAdapter adapter() {
        return adapter;
    }

    /** Logits (rows, width, vocab), FP32, for a left-padded batch: full causal attention, no cache. */
    public NDArray logits(NDManager call, PaddedBatch batch) {
        return forward(call, batch.ids(), batch.rows(), batch.width(), batch.positions(), batch.mask(), null,
                false);
    }

    /**
     * The general forward pass.
     *
     * @param call      manager for every intermediate and the result
     * @param ids       row-major (rows x cols) new token ids
     * @param positions row-major rotary positions of the new tokens
     * @param keyMask   row-major (rows x (cached + cols)): 1 where a key position holds a real token
     * @param cache     keys/values of earlier tokens, extended by this call; null for a cache-free pass
     * @param lastOnly  return logits of the last column only, shape (rows, 1, vocab)
     */
    public NDArray forward(NDManager call, long[] ids, int rows, int cols, int[] positions, int[] keyMask,
                           KvCache cache, boolean lastOnly) {
        int past = cache == null ? 0 : Math.toIntExact(cache.length());
        int keys = past + cols;
        if (ids.length != rows * cols || positions.length != rows * cols || keyMask.length != rows * keys) {
            throw new IllegalArgumentException("forward inputs do not match " + rows + " x " + cols
                    + " tokens with " + past + " cached");
        }
        NDArray[] tables = tables(call, positions, rows, cols, keyMask, keys);
        NDArray h = embed(call, ids, rows, cols);
        boolean frozen = weights.half() != null;
        FusedProjections fused = cache == null || frozen ? null : fusedFor(cache);
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            if (!frozen) {
                h = layer.apply(call, i, h, tables[0], tables[1], tables[2], cache, fused);
            } else if (cache == null) {
                h = block(call, i, h, tables);
            } else {
                // The widened weights die with the scope; the activations (and the cache) stay on call.
                try (NDManager scope = call.newSubManager()) {
                    h = layer.apply(scope, i, h, tables[0], tables[1], tables[2], cache, null);
                }
            }
        }
        if (lastOnly && cols > 1) {
            h = h.get(new NDIndex(":, -1:"));
        }
        return head(call, h);
    }

    /** Rotary cos and sin and the additive attention mask, in compute precision. */
    NDArray[] tables(NDManager call, int[] positions, int rows, int cols, int[] keyMask, int keys) {
        NDArray[] rot = rope.tables(call, positions, rows, cols);
        return new NDArray[] {weights.cast(rot[0]), weights.cast(rot[1]),
            weights.cast(AttentionMask.additive(call, rows, cols, keys, keyMask, compute))};
    }

    /** Token embeddings (rows, cols, hidden); package-private with {@link #block} for {@link LayerCheckpointing}. */
    NDArray embed(NDManager call, long[] ids, int rows, int cols) {
        return weights.embed(call, ids, rows, cols);
    }

    /**
     * Decoder layer i of a cache-free pass in its own scope: its widened weights and intermediates live there
     * and are released when it closes (autograd keeps what backward needs); the output moves to h's manager.
     */
    NDArray block(NDManager call, int i, NDArray h, NDArray[] tables) {
        NDManager home = h.getManager();
        try (NDManager scope = call.newSubManager()) {
            // 0 + h puts the input on the scope and, unlike duplicate() (a no-grad clone), keeps the graph.
            NDArray in = scope.zeros(new Shape(), h.getDataType()).add(h);
            NDArray out = layer.apply(scope, i, in, tables[0], tables[1], tables[2], null, null);
            out.attach(home);
            return out;
        }
    }

    /** Final RMSNorm and the output head: FP32 logits (rows, cols, vocab). */
    NDArray head(NDManager call, NDArray h) {
        return projectHead(call, finalNorm(call, h));
    }

    /** The final RMSNorm, the first half of {@link #head}. */
    NDArray finalNorm(NDManager call, NDArray h) {
        return layer.rmsNorm(h, weights.weight(call, ParamNames.FINAL_NORM));
    }

    /** The output projection, the second half of {@link #head}. */
    NDArray projectHead(NDManager call, NDArray normed) {
        return weights.logits(call, normed);
    }

    /** The gradient of {@link #projectHead}'s input from that of its logits (the head is never trained). */
    NDArray headInputGradient(NDManager call, NDArray gradLogits) {
        return weights.logitsInputGradient(call, gradLogits);
    }

    /**
     * The cache's fused q|k|v and gate|up weights, made on first use in the cache's manager; null (use the
     * separate projections) when an adapter corrects individual projections or the copy would be too large.
     */
    private FusedProjections fusedFor(KvCache cache) {
        if (adapter != null) {
            return null;
        }
        if (cache.fused() != null) {
            return cache.fused();
        }
        FusedProjections f = FusedProjections.of(config, compute, cache.manager(), weights::concat);
        if (f == null) {
            return null;
        }
        cache.fused(f);
        return f;
    }

    /** y = x W^T + b through torch's fused linear. */
    public static NDArray linear(NDArray x, NDArray w, NDArray b) {
        return x.getNDArrayInternal().linear(x, w, b).singletonOrThrow();
    }

    static long numel(long[] shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }

    @Override
    public void close() {
        manager.close();
    }
}
