package org.prime4j.model.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.io.IOException;
import java.nio.file.Path;
import org.prime4j.model.io.DType;
import org.prime4j.model.io.HfCheckpoint;
import org.prime4j.model.io.HostTensor;
import org.prime4j.model.DjlRuntime;
import org.prime4j.model.config.ModelConfig;

/**
 * A Qwen2 / Qwen3 / Llama decoder-only causal LM written from NDArray ops (DJL has no RMSNorm, RoPE, grouped-query
 * attention or KV cache): embedding, per layer RMSNorm, q/k/v projections (optional biases), Qwen3's {@link
 * QkNorm}, rotary embeddings, grouped-query attention with a causal + padding mask, output projection, RMSNorm,
 * SwiGLU MLP; final RMSNorm and a tied or separate lm_head. The math is HF's modeling_qwen2 / qwen3 / llama.
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
    private final Map<String, NDArray> params = new LinkedHashMap<>();
    private final Rope rope;
    private final DataType compute;
    /** Non-null for a frozen 16-bit base: then {@link #params} is empty and layers widen their weights. */
    private final HalfWeights half;
    private ProjectionAdapter adapter;

    private CausalLM(ModelConfig config, Device device, DataType compute) {
        this(config, device, compute, null);
    }

    private CausalLM(ModelConfig config, Device device, DataType compute,
                     java.util.function.Function<NDManager, HalfWeights> frozen) {
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
        this.half = w;
    }

    /**
     * A frozen base held in 16 bits ({@link HalfWeights}) on the CPU, computing in FP32: each layer's weights
     * are widened when the layer runs and freed after it, so the FP32 copy never exceeds one layer (plus a
     * slice of the output head). Nothing in it is trainable; train adapters over it ({@link #setAdapter}),
     * with {@link LayerCheckpointing} so that autograd does not keep every layer's widened weights.
     */
    public static CausalLM frozen(ModelConfig config, java.util.function.Function<NDManager, HalfWeights> weights) {
        return new CausalLM(config, Device.cpu(), DataType.FLOAT32, weights);
    }

    /** A frozen base from an HF directory in its 16-bit dtype (F16 when config.json says float16, else BF16). */
    public static CausalLM loadFrozen(Path dir) throws IOException {
        try (HfCheckpoint ckpt = HfCheckpoint.open(dir)) {
            DType dtype = "float16".equals(ckpt.config().torchDtype()) ? DType.F16 : DType.BF16;
            Map<String, HostTensor> tensors = new LinkedHashMap<>();
            for (String name : ckpt.tensorNames()) {
                tensors.put(name, ckpt.tensor(name));
            }
            return frozen(ckpt.config(), m -> HalfWeights.fromHost(ckpt.config(), tensors, dtype, m));
        }
    }

    /** The 16-bit store of a frozen base, or null for an ordinary (FP32-parameter) model. */
    public HalfWeights frozenWeights() {
        return half;
    }

    /** Gaussian(0, std) weights from a seeded host RNG (same seed, same model everywhere); norms 1, biases 0. */
    public static CausalLM random(ModelConfig config, long seed, double std) {
        CausalLM m = new CausalLM(config, Device.cpu(), DataType.FLOAT32);
        Random rng = new Random(seed);
        for (Map.Entry<String, long[]> e : ParamNames.shapes(config).entrySet()) {
            String name = e.getKey();
            float[] data = new float[Math.toIntExact(numel(e.getValue()))];
            if (name.endsWith("norm.weight")) {
                java.util.Arrays.fill(data, 1f);
            } else if (!name.endsWith(".bias")) {
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) (rng.nextGaussian() * std);
                }
            }
            m.setParameter(name, data, e.getValue());
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
        if (half != null) {
            throw new UnsupportedOperationException("a frozen 16-bit base is not reloaded in place; build a new one");
        }
        Map<String, long[]> shapes = ParamNames.shapes(config);
        for (String name : tensors.keySet()) {
            if (!shapes.containsKey(name)) {
                throw new IllegalArgumentException("tensor " + name + " is not a parameter of this "
                        + config.architecture().hfName + " config (expected e.g. " + ParamNames.EMBED + ")");
            }
        }
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            HostTensor t = tensors.get(e.getKey());
            if (t == null) {
                throw new IllegalArgumentException("checkpoint lacks tensor " + e.getKey());
            }
            if (!java.util.Arrays.equals(t.shape(), e.getValue())) {
                throw new IllegalArgumentException("tensor " + e.getKey() + " has shape "
                        + java.util.Arrays.toString(t.shape()) + ", config implies "
                        + java.util.Arrays.toString(e.getValue()));
            }
        }
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            setParameter(e.getKey(), tensors.get(e.getKey()).toFloatArray(), e.getValue());
        }
    }

    /** Copies every parameter to the host, keyed by HF name, in checkpoint order. */
    public Map<String, HostTensor> toHost() {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        if (half != null) {
            return half.toHost();
        }
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            out.put(e.getKey(), HostTensor.ofFloats(e.getKey(), e.getValue().getShape().getShape(),
                    e.getValue().toFloatArray()));
        }
        return out;
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

    private void setParameter(String name, float[] data, long[] shape) {
        NDArray old = params.get(name);
        if (old != null) {
            // In place: an optimizer (or anything else holding the array) keeps seeing the live parameter.
            OwnedArrays.overwrite(old, data);
            return;
        }
        NDArray p = OwnedArrays.copyOf(manager, data, new Shape(shape));
        p.setName(name);
        params.put(name, p);
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
        return Collections.unmodifiableMap(params);
    }

    /** Marks every base parameter trainable (full fine-tuning) or frozen (LoRA, inference). */
    public void setTrainable(boolean trainable) {
        if (trainable && half != null) {
            throw new UnsupportedOperationException("a frozen 16-bit base is not trainable; train an adapter over it");
        }
        if (trainable && compute != DataType.FLOAT32) {
            throw new UnsupportedOperationException("training needs FLOAT32 compute; this model computes in "
                    + compute + " (DJL's dtype casts are not differentiable, so FP16 master-weight training is "
                    + "not available)");
        }
        for (NDArray p : params.values()) {
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
        FusedProjections fused = cache == null || half != null ? null : fusedFor(cache);
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            if (half == null) {
                h = layer(call, i, h, tables[0], tables[1], tables[2], cache, fused);
            } else if (cache == null) {
                h = block(call, i, h, tables);
            } else {
                // The widened weights die with the scope; the activations (and the cache) stay on call.
                try (NDManager weights = call.newSubManager()) {
                    h = layer(weights, i, h, tables[0], tables[1], tables[2], cache, null);
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
        return new NDArray[] {cast(rot[0]), cast(rot[1]),
            cast(AttentionMask.additive(call, rows, cols, keys, keyMask, compute))};
    }

    /** Token embeddings (rows, cols, hidden); a frozen base widens only the rows it looks up. */
    NDArray embed(NDManager call, long[] ids, int rows, int cols) {
        if (half != null) {
            return half.widenRows(call, ParamNames.EMBED, ids).reshape(rows, cols, config.hiddenSize());
        }
        NDArray tokens = call.create(ids, new Shape(rows, cols));
        return tokens.getNDArrayInternal()
                .embedding(tokens, weight(call, ParamNames.EMBED), SparseFormat.DENSE).singletonOrThrow();
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
            NDArray out = layer(scope, i, in, tables[0], tables[1], tables[2], null, null);
            out.attach(home);
            return out;
        }
    }

    /** Final RMSNorm and the output head: FP32 logits (rows, cols, vocab). */
    NDArray head(NDManager call, NDArray h) {
        h = rmsNorm(h, weight(call, ParamNames.FINAL_NORM));
        String head = config.tieWordEmbeddings() ? ParamNames.EMBED : ParamNames.LM_HEAD;
        if (half != null) {
            return half.head(call, h, head);
        }
        NDArray logits = linear(h, weight(call, head), null);
        return compute == DataType.FLOAT32 ? logits : logits.toType(DataType.FLOAT32, false);
    }

    private NDArray layer(NDManager call, int i, NDArray h, NDArray cos, NDArray sin, NDArray bias,
                          KvCache cache, FusedProjections fused) {
        String p = ParamNames.layer(i);
        long b = h.getShape().get(0);
        long t = h.getShape().get(1);
        int heads = config.numAttentionHeads();
        int kvHeads = config.numKeyValueHeads();
        int d = config.headDim();

        NDArray x = rmsNorm(h, weight(call, p + "input_layernorm.weight"));
        NDArray q;
        NDArray k;
        NDArray v;
        if (fused != null) {
            NDList qkv = linear(x, fused.qkvWeight()[i], fused.qkvBias()[i])
                    .split(new long[] {(long) (heads + kvHeads) * d}, 2);
            NDArray qkHeads = qkv.get(0).reshape(b, t, heads + kvHeads, d);
            if (config.qkNorm()) {
                qkHeads = rmsNorm(qkHeads, QkNorm.fusedWeight(call, heads, kvHeads, compute,
                        weight(call, ParamNames.qkNorm(i, "q_norm")), weight(call, ParamNames.qkNorm(i, "k_norm"))));
            }
            // q and k rotate together: one rotary application instead of two.
            NDList qk = Rope.apply(qkHeads, cos, sin).split(new long[] {heads}, 2);
            q = qk.get(0);
            k = qk.get(1);
            v = qkv.get(1).reshape(b, t, kvHeads, d);
        } else {
            q = project(call, i, "q_proj", x).reshape(b, t, heads, d);
            k = project(call, i, "k_proj", x).reshape(b, t, kvHeads, d);
            if (config.qkNorm()) {
                q = rmsNorm(q, weight(call, ParamNames.qkNorm(i, "q_norm")));
                k = rmsNorm(k, weight(call, ParamNames.qkNorm(i, "k_norm")));
            }
            q = Rope.apply(q, cos, sin);
            k = Rope.apply(k, cos, sin);
            v = project(call, i, "v_proj", x).reshape(b, t, kvHeads, d);
        }
        // Scaling q before the product costs less than scaling the (T x T) scores; same math.
        // The scale is a libtorch-owned scalar: DJL's mul(Number) frees the scalar autograd saves (OwnedArrays).
        q = q.mul(OwnedArrays.scalar(q, 1.0 / Math.sqrt(d))).transpose(0, 2, 1, 3);
        k = k.transpose(0, 2, 1, 3);
        v = v.transpose(0, 2, 1, 3);
        if (cache != null) {
            NDArray[] kv = cache.append(i, k, v);
            k = kv[0];
            v = kv[1];
        }
        long keys = k.getShape().get(2);
        // Grouped-query attention without copying K/V: the G query heads of one KV head become extra rows.
        int g = config.groupSize();
        NDArray attn;
        if (t == 1) {
            // One query per row: the (B, 1, 1, keys) bias broadcasts over the (B, kvHeads, G, keys) scores as
            // they are, and the (B, kvHeads, G, d) output is already in head order; no reshapes needed.
            NDArray scores = q.reshape(b, kvHeads, g, d).matMul(k.transpose(0, 1, 3, 2)).add(bias).softmax(-1);
            attn = scores.matMul(v).reshape(b, 1, (long) heads * d);
        } else {
            NDArray scores = q.reshape(b, kvHeads, (long) g * t, d).matMul(k.transpose(0, 1, 3, 2))
                    .reshape(b, heads, t, keys).add(bias).softmax(-1);
            attn = scores.reshape(b, kvHeads, (long) g * t, keys).matMul(v)
                    .reshape(b, heads, t, d).transpose(0, 2, 1, 3).reshape(b, t, (long) heads * d);
        }
        h = h.add(project(call, i, "o_proj", attn));

        x = rmsNorm(h, weight(call, p + "post_attention_layernorm.weight"));
        NDArray gate;
        NDArray up;
        if (fused != null) {
            NDList gateUp = linear(x, fused.gateUpWeight()[i], fused.gateUpBias()[i])
                    .split(new long[] {config.intermediateSize()}, 2);
            gate = gateUp.get(0);
            up = gateUp.get(1);
        } else {
            gate = project(call, i, "gate_proj", x);
            up = project(call, i, "up_proj", x);
        }
        NDArray act = gate.mul(Activation.sigmoid(gate)).mul(up);
        return h.add(project(call, i, "down_proj", act));
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
        FusedProjections f = FusedProjections.of(config, compute, cache.manager(), this::fuse);
        if (f == null) {
            return null;
        }
        cache.fused(f);
        return f;
    }

    private NDArray fuse(NDManager m, int layer, String suffix, String... projections) {
        NDList parts = new NDList();
        for (String proj : projections) {
            parts.add(weight(m, ParamNames.projection(layer, proj) + suffix));
        }
        // The result would land on the first part's manager (the model's for FP32): move it to the cache's.
        NDArray fused = ai.djl.ndarray.NDArrays.concat(parts, 0);
        fused.attach(m);
        return fused;
    }

    private NDArray project(NDManager call, int layer, String proj, NDArray x) {
        String module = ParamNames.projection(layer, proj);
        NDArray b = hasParameter(module + ".bias") ? weight(call, module + ".bias") : null;
        NDArray y = linear(x, weight(call, module + ".weight"), b);
        if (adapter != null) {
            NDArray delta = adapter.delta(module, x);
            if (delta != null) {
                y = y.add(delta);
            }
        }
        return y;
    }

    /** y = x W^T + b through torch's fused linear. */
    public static NDArray linear(NDArray x, NDArray w, NDArray b) {
        return x.getNDArrayInternal().linear(x, w, b).singletonOrThrow();
    }

    private NDArray rmsNorm(NDArray x, NDArray w) {
        NDArray rms = x.square().mean(new int[] {-1}, true).add(config.rmsNormEps()).sqrt();
        return x.div(rms).mul(w);
    }

    /** The parameter in compute precision; an FP16 copy lives in the call's manager, not the model's. */
    private NDArray weight(NDManager call, String name) {
        if (half != null) {
            return half.widen(call, name);
        }
        NDArray p = params.get(name);
        if (compute == DataType.FLOAT32) {
            return p;
        }
        NDArray c = p.toType(compute, false);
        c.attach(call);
        return c;
    }

    private boolean hasParameter(String name) {
        return half != null ? half.has(name) : params.containsKey(name);
    }

    private NDArray cast(NDArray a) {
        return compute == DataType.FLOAT32 ? a : a.toType(compute, false);
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
