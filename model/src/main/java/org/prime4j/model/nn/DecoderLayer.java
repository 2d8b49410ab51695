package org.prime4j.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import java.util.function.Supplier;
import org.prime4j.model.config.ModelConfig;

/**
 * One pre-norm decoder layer of HF's modeling_qwen2 / qwen3 / llama, for any layer index: RMSNorm, q/k/v
 * projections (optional biases), Qwen3's {@link QkNorm}, rotary embeddings, grouped-query attention with an
 * additive causal + padding bias, output projection, residual; RMSNorm, SwiGLU MLP, residual.
 *
 * <p>It holds no arrays of its own: weights come from the {@link WeightStore} per call, and the adapter is read
 * per call too, because a LoRA adapter is installed on and removed from a live model.
 */
final class DecoderLayer {

    private final ModelConfig config;
    private final WeightStore weights;
    private final Supplier<ProjectionAdapter> adapter;

    DecoderLayer(ModelConfig config, WeightStore weights, Supplier<ProjectionAdapter> adapter) {
        this.config = config;
        this.weights = weights;
        this.adapter = adapter;
    }

    /**
     * Layer i over hidden states h (rows, cols, hidden).
     *
     * @param bias  the additive causal + padding mask ({@link AttentionMask})
     * @param cache extended with this call's keys and values; null for a cache-free pass
     * @param fused the cache's fused projections, or null to run them separately (needed by adapters)
     */
    NDArray apply(NDManager call, int i, NDArray h, NDArray cos, NDArray sin, NDArray bias, KvCache cache,
                  FusedProjections fused) {
        String p = ParamNames.layer(i);
        NDArray x = rmsNorm(h, weights.weight(call, p + "input_layernorm.weight"));
        h = h.add(attention(call, i, x, cos, sin, bias, cache, fused));
        x = rmsNorm(h, weights.weight(call, p + "post_attention_layernorm.weight"));
        return h.add(mlp(call, i, x, fused));
    }

    private NDArray attention(NDManager call, int i, NDArray x, NDArray cos, NDArray sin, NDArray bias,
                              KvCache cache, FusedProjections fused) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        int heads = config.numAttentionHeads();
        int kvHeads = config.numKeyValueHeads();
        int d = config.headDim();
        NDArray q;
        NDArray k;
        NDArray v;
        if (fused != null) {
            NDList qkv = CausalLM.linear(x, fused.qkvWeight()[i], fused.qkvBias()[i])
                    .split(new long[] {(long) (heads + kvHeads) * d}, 2);
            NDArray qkHeads = qkv.get(0).reshape(b, t, heads + kvHeads, d);
            if (config.qkNorm()) {
                qkHeads = rmsNorm(qkHeads, QkNorm.fusedWeight(call, heads, kvHeads, weights.compute(),
                        weights.weight(call, ParamNames.qkNorm(i, "q_norm")),
                        weights.weight(call, ParamNames.qkNorm(i, "k_norm"))));
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
                q = rmsNorm(q, weights.weight(call, ParamNames.qkNorm(i, "q_norm")));
                k = rmsNorm(k, weights.weight(call, ParamNames.qkNorm(i, "k_norm")));
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
        return project(call, i, "o_proj", attn);
    }

    private NDArray mlp(NDManager call, int i, NDArray x, FusedProjections fused) {
        NDArray gate;
        NDArray up;
        if (fused != null) {
            NDList gateUp = CausalLM.linear(x, fused.gateUpWeight()[i], fused.gateUpBias()[i])
                    .split(new long[] {config.intermediateSize()}, 2);
            gate = gateUp.get(0);
            up = gateUp.get(1);
        } else {
            gate = project(call, i, "gate_proj", x);
            up = project(call, i, "up_proj", x);
        }
        return project(call, i, "down_proj", gate.mul(Activation.sigmoid(gate)).mul(up));
    }

    private NDArray project(NDManager call, int layer, String proj, NDArray x) {
        String module = ParamNames.projection(layer, proj);
        NDArray b = weights.has(module + ".bias") ? weights.weight(call, module + ".bias") : null;
        NDArray y = CausalLM.linear(x, weights.weight(call, module + ".weight"), b);
        ProjectionAdapter a = adapter.get();
        if (a != null) {
            NDArray delta = a.delta(module, x);
            if (delta != null) {
                y = y.add(delta);
            }
        }
        return y;
    }

    NDArray rmsNorm(NDArray x, NDArray w) {
        NDArray rms = x.square().mean(new int[] {-1}, true).add(config.rmsNormEps()).sqrt();
        return x.div(rms).mul(w);
    }
}
