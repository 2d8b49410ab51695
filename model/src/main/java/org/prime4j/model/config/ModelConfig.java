package org.prime4j.model.config;

import java.util.List;

/**
 * The architecture of a decoder-only causal LM of the Qwen2 / Qwen3 / Llama family, as Hugging Face's
 * {@code config.json} describes it. Validated at construction: a config that loads is one the model can
 * run exactly (unsupported features are rejected by {@link HfConfigReader}, never silently ignored).
 *
 * @param architecture      which family; decides the default of {@code attentionBias} and whether q and k
 *                          are RMS-normalized per head before rotary embeddings (Qwen3's q_norm / k_norm)
 * @param hiddenSize        d_model
 * @param intermediateSize  SwiGLU inner width
 * @param numHiddenLayers   decoder blocks
 * @param numAttentionHeads query heads
 * @param numKeyValueHeads  key/value heads (grouped-query attention when fewer than query heads)
 * @param headDim           per-head width ({@code head_dim} where given, else hidden / heads)
 * @param rmsNormEps        RMSNorm epsilon
 * @param ropeTheta         rotary base
 * @param vocabSize         embedding rows
 * @param maxPositionEmbeddings longest sequence the rotary table is built for
 * @param tieWordEmbeddings lm_head shares the embedding matrix
 * @param attentionBias     q/k/v projections carry a bias (Qwen2: always; Llama, Qwen3: {@code attention_bias})
 * @param mlpBias           gate/up/down projections carry a bias (Llama's {@code mlp_bias})
 * @param bosTokenId        -1 when absent
 * @param eosTokenIds       may hold several ids (Llama 3 lists some); empty when absent
 * @param torchDtype        the checkpoint's declared dtype ("float32", "float16", "bfloat16")
 * @param ropeScaling       Llama 3.1's frequency rewrite; null for plain rotary embeddings
 */
public record ModelConfig(
        Architecture architecture,
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int headDim,
        double rmsNormEps,
        double ropeTheta,
        int vocabSize,
        int maxPositionEmbeddings,
        boolean tieWordEmbeddings,
        boolean attentionBias,
        boolean mlpBias,
        int bosTokenId,
        List<Integer> eosTokenIds,
        String torchDtype,
        Llama3RopeScaling ropeScaling) {

    /** The families prime4j implements; names are the HF {@code architectures} entries. */
    public enum Architecture {
        QWEN2("Qwen2ForCausalLM", "qwen2"),
        QWEN3("Qwen3ForCausalLM", "qwen3"),
        LLAMA("LlamaForCausalLM", "llama");

        public final String hfName;
        public final String modelType;

        Architecture(String hfName, String modelType) {
            this.hfName = hfName;
            this.modelType = modelType;
        }
    }

    public ModelConfig {
        requirePositive("hidden_size", hiddenSize);
        requirePositive("intermediate_size", intermediateSize);
        requirePositive("num_hidden_layers", numHiddenLayers);
        requirePositive("num_attention_heads", numAttentionHeads);
        requirePositive("num_key_value_heads", numKeyValueHeads);
        requirePositive("head_dim", headDim);
        requirePositive("vocab_size", vocabSize);
        requirePositive("max_position_embeddings", maxPositionEmbeddings);
        if (numAttentionHeads % numKeyValueHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads (" + numAttentionHeads
                    + ") must be a multiple of num_key_value_heads (" + numKeyValueHeads + ")");
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("head_dim must be even for rotary embeddings, got " + headDim);
        }
        if (!(rmsNormEps > 0)) {
            throw new IllegalArgumentException("rms_norm_eps must be > 0, got " + rmsNormEps);
        }
        if (!(ropeTheta > 0)) {
            throw new IllegalArgumentException("rope_theta must be > 0, got " + ropeTheta);
        }
        eosTokenIds = List.copyOf(eosTokenIds);
        torchDtype = torchDtype == null ? "float32" : torchDtype;
    }

    /** A config with plain rotary embeddings (no {@code rope_scaling}). */
    public ModelConfig(Architecture architecture, int hiddenSize, int intermediateSize, int numHiddenLayers,
                       int numAttentionHeads, int numKeyValueHeads, int headDim, double rmsNormEps,
                       double ropeTheta, int vocabSize, int maxPositionEmbeddings, boolean tieWordEmbeddings,
                       boolean attentionBias, boolean mlpBias, int bosTokenId, List<Integer> eosTokenIds,
                       String torchDtype) {
        this(architecture, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads,
                headDim, rmsNormEps, ropeTheta, vocabSize, maxPositionEmbeddings, tieWordEmbeddings,
                attentionBias, mlpBias, bosTokenId, eosTokenIds, torchDtype, null);
    }

    /** Qwen3 RMS-normalizes each query and key head (q_norm, k_norm, width head_dim) before the rotation. */
    public boolean qkNorm() {
        return architecture == Architecture.QWEN3;
    }

    /** This config with another declared checkpoint dtype. */
    public ModelConfig withTorchDtype(String dtype) {
        return new ModelConfig(architecture, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                numKeyValueHeads, headDim, rmsNormEps, ropeTheta, vocabSize, maxPositionEmbeddings,
                tieWordEmbeddings, attentionBias, mlpBias, bosTokenId, eosTokenIds, dtype, ropeScaling);
    }

    /** This config with Llama 3.1's rope scaling (null: plain rotary embeddings). */
    public ModelConfig withRopeScaling(Llama3RopeScaling scaling) {
        return new ModelConfig(architecture, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                numKeyValueHeads, headDim, rmsNormEps, ropeTheta, vocabSize, maxPositionEmbeddings,
                tieWordEmbeddings, attentionBias, mlpBias, bosTokenId, eosTokenIds, torchDtype, scaling);
    }

    /** Query heads that share one key/value head. */
    public int groupSize() {
        return numAttentionHeads / numKeyValueHeads;
    }

    /** A tiny config for tests and the demo; every field explicit so the call site reads like config.json. */
    public static ModelConfig tiny(Architecture arch, int hidden, int layers, int heads, int kvHeads, int vocab) {
        return new ModelConfig(arch, hidden, hidden * 2 + hidden / 2, layers, heads, kvHeads, hidden / heads,
                1e-6, 10000.0, vocab, 2048, true, arch == Architecture.QWEN2, false, -1, List.of(), "float32");
    }

    private static void requirePositive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + " must be > 0, got " + value);
        }
    }
}
