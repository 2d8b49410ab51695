package org.prime4j.model.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prime4j.model.config.ModelConfig;
import org.prime4j.model.io.HostTensor;

/** Hugging Face tensor names and shapes of a Qwen2 / Qwen3 / Llama checkpoint; the one place that spells them. */
public final class ParamNames {

    public static final String EMBED = "model.embed_tokens.weight";
    public static final String FINAL_NORM = "model.norm.weight";
    public static final String LM_HEAD = "lm_head.weight";

    /** Projections of one decoder layer, named as in HF's modules (and as PEFT's target_modules). */
    public static final List<String> ATTENTION_PROJECTIONS = List.of("q_proj", "k_proj", "v_proj", "o_proj");
    public static final List<String> MLP_PROJECTIONS = List.of("gate_proj", "up_proj", "down_proj");

    private ParamNames() {}

    public static String layer(int i) {
        return "model.layers." + i + ".";
    }

    /** The module path of a projection, e.g. {@code model.layers.3.self_attn.q_proj}. */
    public static String projection(int layer, String proj) {
        return layer(layer) + (MLP_PROJECTIONS.contains(proj) ? "mlp." : "self_attn.") + proj;
    }

    /** Qwen3's per-head RMSNorm weight of the queries or keys ({@code "q_norm"} or {@code "k_norm"}). */
    public static String qkNorm(int layer, String which) {
        return layer(layer) + "self_attn." + which + ".weight";
    }

    /** Every parameter the config implies, in checkpoint order, with its shape. */
    public static Map<String, long[]> shapes(ModelConfig c) {
        Map<String, long[]> s = new LinkedHashMap<>();
        long d = c.hiddenSize();
        long ff = c.intermediateSize();
        long q = (long) c.numAttentionHeads() * c.headDim();
        long kv = (long) c.numKeyValueHeads() * c.headDim();
        s.put(EMBED, new long[] {c.vocabSize(), d});
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = layer(i);
            s.put(p + "input_layernorm.weight", new long[] {d});
            long[][] qkv = {{q, d}, {kv, d}, {kv, d}};
            for (int m = 0; m < 3; m++) {
                String name = projection(i, ATTENTION_PROJECTIONS.get(m));
                s.put(name + ".weight", qkv[m]);
                if (c.attentionBias()) {
                    s.put(name + ".bias", new long[] {qkv[m][0]});
                }
            }
            s.put(projection(i, "o_proj") + ".weight", new long[] {d, q});
            if (c.qkNorm()) {
                s.put(qkNorm(i, "q_norm"), new long[] {c.headDim()});
                s.put(qkNorm(i, "k_norm"), new long[] {c.headDim()});
            }
            s.put(p + "post_attention_layernorm.weight", new long[] {d});
            long[][] mlp = {{ff, d}, {ff, d}, {d, ff}};
            for (int m = 0; m < 3; m++) {
                String name = projection(i, MLP_PROJECTIONS.get(m));
                s.put(name + ".weight", mlp[m]);
                if (c.mlpBias()) {
                    s.put(name + ".bias", new long[] {mlp[m][0]});
                }
            }
        }
        s.put(FINAL_NORM, new long[] {d});
        if (!c.tieWordEmbeddings()) {
            s.put(LM_HEAD, new long[] {c.vocabSize(), d});
        }
        return s;
    }

    public static List<String> names(ModelConfig c) {
        return new ArrayList<>(shapes(c).keySet());
    }

    /** Parameters (embeddings and the head included) of a config. */
    public static long count(ModelConfig c) {
        long n = 0;
        for (long[] shape : shapes(c).values()) {
            long k = 1;
            for (long x : shape) {
                k *= x;
            }
            n += k;
        }
        return n;
    }

    /**
     * Checks that {@code tensors} are exactly the parameters of {@code config} with their shapes, before anything
     * is loaded, so a bad checkpoint changes nothing. Returns the shapes by name.
     */
    public static Map<String, long[]> requireExactly(ModelConfig config, Map<String, HostTensor> tensors) {
        Map<String, long[]> shapes = shapes(config);
        for (String name : tensors.keySet()) {
            if (!shapes.containsKey(name)) {
                throw new IllegalArgumentException("tensor " + name + " is not a parameter of this "
                        + config.architecture().hfName + " config (expected e.g. " + EMBED + ")");
            }
        }
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            HostTensor t = tensors.get(e.getKey());
            if (t == null) {
                throw new IllegalArgumentException("checkpoint lacks tensor " + e.getKey());
            }
            if (!Arrays.equals(t.shape(), e.getValue())) {
                throw new IllegalArgumentException("tensor " + e.getKey() + " has shape "
                        + Arrays.toString(t.shape()) + ", config implies " + Arrays.toString(e.getValue()));
            }
        }
        return shapes;
    }
}
