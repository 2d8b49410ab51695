package org.prime4j.app.bench;

import java.util.List;
import org.prime4j.model.config.ModelConfig;
import org.prime4j.model.nn.ParamNames;

/**
 * Predicted bytes of one PRIME update (PRM step + policy step on one micro-batch), the formula of
 * docs/design.md "Trainer memory". P base parameters, L layers, d hidden, f MLP width, H query heads, V vocab,
 * T tokens of the micro-batch, P_a adapter parameters, P_l the largest layer.
 * <ul>
 *   <li>full FP32, two trained models: {@code 2 * 16 P} (weights, gradients, two AdamW moments) plus the
 *       activations of one recorded pass: {@code L * layer + logits};</li>
 *   <li>LoRA over one 16-bit base, two adapters: {@code 2 P + 2 * 16 P_a} plus the checkpointed pass: the layer
 *       inputs {@code 4 T d L}, one recorded layer, its widened weights {@code 4 P_l}, one widened slice of the
 *       head (at most 256 MiB: the head's backward runs by hand, a slice at a time) and the logits.</li>
 * </ul>
 * A recorded layer keeps about {@code 4 T (12 d + 5 f) + 8 H T^2} bytes (normed inputs, q/k/v, attention
 * scores and probabilities, gate/up/product); logits cost {@code 3 * 4 T V} (logits, log-softmax, gradient).
 * The process itself (JVM, libtorch) is measured in the same run and added.
 */
public record UpdateMemory(long weights, long gradients, long moments, long activations) {

    /** Every projection PEFT can target in these models. */
    public static final List<String> ALL_LINEAR = List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj",
            "up_proj", "down_proj");

    /** The largest widened head slice a frozen base makes (HalfWeights: 64 Mi FP32 elements). */
    static final long HEAD_SLICE_BYTES = 4L << 26;

    public long total() {
        return weights + gradients + moments + activations;
    }

    public static UpdateMemory full(ModelConfig c, int tokens) {
        long p = ParamNames.count(c);
        long acts = (long) c.numHiddenLayers() * recordedLayer(c, tokens) + logits(c, tokens);
        return new UpdateMemory(2 * 4 * p, 2 * 4 * p, 2 * 8 * p, acts);
    }

    public static UpdateMemory lora(ModelConfig c, int tokens, int rank, List<String> targets) {
        long p = ParamNames.count(c);
        long a = adapterParameters(c, rank, targets);
        long d = c.hiddenSize();
        long acts = 4L * tokens * d * c.numHiddenLayers() + recordedLayer(c, tokens) + 4 * largestLayer(c)
                + Math.min(4L * c.vocabSize() * d, HEAD_SLICE_BYTES) + logits(c, tokens);
        return new UpdateMemory(2 * p + 2 * 4 * a, 2 * 4 * a, 2 * 8 * a, acts);
    }

    /** LoRA parameters r * (in + out) over every targeted projection of every layer. */
    public static long adapterParameters(ModelConfig c, int rank, List<String> targets) {
        var shapes = ParamNames.shapes(c);
        long n = 0;
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            for (String t : targets) {
                long[] w = shapes.get(ParamNames.projection(i, t) + ".weight");
                n += (long) rank * (w[0] + w[1]);
            }
        }
        return n;
    }

    static long recordedLayer(ModelConfig c, long tokens) {
        long d = c.hiddenSize();
        long f = c.intermediateSize();
        return 4 * tokens * (12 * d + 5 * f) + 8L * c.numAttentionHeads() * tokens * tokens;
    }

    static long logits(ModelConfig c, long tokens) {
        return 3 * 4 * tokens * c.vocabSize();
    }

    static long largestLayer(ModelConfig c) {
        long n = 0;
        for (var e : ParamNames.shapes(c).entrySet()) {
            if (e.getKey().startsWith(ParamNames.layer(0))) {
                long k = 1;
                for (long x : e.getValue()) {
                    k *= x;
                }
                n += k;
            }
        }
        return n;
    }
}
