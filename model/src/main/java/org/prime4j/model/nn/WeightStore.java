package org.prime4j.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.prime4j.model.io.HostTensor;
import org.prime4j.model.config.ModelConfig;

/**
 * A {@link CausalLM}'s weights, either FP32 parameters on the model's manager or a frozen 16-bit base ({@link
 * HalfWeights}), handed out in compute precision. Keeping both behind one accessor is what lets the decoder
 * math ignore which kind of model it runs: every copy it asks for (an FP16 cast, a widened 16-bit tensor) lands
 * on the caller's manager and dies with it, never on the model's.
 */
final class WeightStore {

    private final ModelConfig config;
    private final NDManager manager;
    private final DataType compute;
    private final Map<String, NDArray> params = new LinkedHashMap<>();
    /** Non-null for a frozen 16-bit base: then {@link #params} stays empty. */
    private final HalfWeights half;

    WeightStore(ModelConfig config, NDManager manager, DataType compute, HalfWeights half) {
        this.config = config;
        this.manager = manager;
        this.compute = compute;
        this.half = half;
    }

    HalfWeights half() {
        return half;
    }

    DataType compute() {
        return compute;
    }

    Map<String, NDArray> parameters() {
        return Collections.unmodifiableMap(params);
    }

    void set(String name, float[] data, long[] shape) {
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

    /** See {@link CausalLM#loadHost}: everything is checked before the first parameter changes. */
    void loadHost(Map<String, HostTensor> tensors) {
        if (half != null) {
            throw new UnsupportedOperationException("a frozen 16-bit base is not reloaded in place; build a new one");
        }
        Map<String, long[]> shapes = ParamNames.requireExactly(config, tensors);
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            set(e.getKey(), tensors.get(e.getKey()).toFloatArray(), e.getValue());
        }
    }

    Map<String, HostTensor> toHost() {
        if (half != null) {
            return half.toHost();
        }
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            out.put(e.getKey(), HostTensor.ofFloats(e.getKey(), e.getValue().getShape().getShape(),
                    e.getValue().toFloatArray()));
        }
        return out;
    }

    /** The parameter in compute precision; an FP16 copy lives in the call's manager, not the model's. */
    NDArray weight(NDManager call, String name) {
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

    boolean has(String name) {
        return half != null ? half.has(name) : params.containsKey(name);
    }

    NDArray cast(NDArray a) {
        return compute == DataType.FLOAT32 ? a : a.toType(compute, false);
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
     * The output head over normalized hidden states: FP32 logits (rows, cols, vocab). A frozen base widens the
     * head a slice at a time, since the whole widened vocab matrix is the largest single copy the model makes.
     */
    NDArray logits(NDManager call, NDArray normed) {
        String head = config.tieWordEmbeddings() ? ParamNames.EMBED : ParamNames.LM_HEAD;
        if (half != null) {
            return half.head(call, normed, head);
        }
        NDArray logits = CausalLM.linear(normed, weight(call, head), null);
        return compute == DataType.FLOAT32 ? logits : logits.toType(DataType.FLOAT32, false);
    }

    /** dL/d(normed) from dL/d(logits) of {@link #logits}, for an FP32 compute type. */
    NDArray logitsInputGradient(NDManager call, NDArray gradLogits) {
        String head = config.tieWordEmbeddings() ? ParamNames.EMBED : ParamNames.LM_HEAD;
        if (half != null) {
            return half.headInputGradient(call, gradLogits, head);
        }
        return gradLogits.matMul(weight(call, head));
    }

    /** Concatenated projection weights (or biases) of one layer, owned by {@code m}: see {@link FusedProjections}. */
    NDArray concat(NDManager m, int layer, String suffix, String... projections) {
        NDList parts = new NDList();
        for (String proj : projections) {
            parts.add(weight(m, ParamNames.projection(layer, proj) + suffix));
        }
        // The result would land on the first part's manager (the model's for FP32): move it to the cache's.
        NDArray fused = NDArrays.concat(parts, 0);
        fused.attach(m);
        return fused;
    }
}
