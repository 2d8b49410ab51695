package org.prime4j.model.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.prime4j.model.config.ModelConfig.Architecture;

/**
 * Reads Hugging Face's {@code config.json} into a {@link ModelConfig} and writes one back that
 * transformers and vLLM load. Anything prime4j's model would not compute exactly (rope scaling other than
 * Llama 3.1's, sliding windows, another activation, quantization, mixture of experts) is an
 * IllegalArgumentException naming the field and file, never silently ignored. Defaults are transformers' own
 * (Qwen2Config / Qwen3Config / LlamaConfig).
 */
public final class HfConfigReader {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private HfConfigReader() {}

    /** Reads {@code configJson} (a config.json file). */
    public static ModelConfig read(Path configJson) throws IOException {
        return parse(Files.readString(configJson, StandardCharsets.UTF_8), configJson.toString());
    }

    /** Parses config.json text; {@code source} names it in error messages. */
    public static ModelConfig parse(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": malformed JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(source + ": not a JSON object");
        }
        Fields f = new Fields(root, source);
        Architecture arch = architecture(f);

        String act = f.string("hidden_act", "silu");
        if (!act.equals("silu")) {
            throw f.bad("hidden_act", "\"" + act + "\" is not supported (prime4j implements silu)");
        }
        if (f.has("quantization_config")) {
            throw f.bad("quantization_config", "quantized checkpoints are not supported");
        }
        if (f.bool("use_sliding_window", false)) {
            throw f.bad("use_sliding_window", "true is not supported (prime4j attends over the full context)");
        }
        JsonNode layerTypes = f.root.get("layer_types");
        if (layerTypes != null && layerTypes.isArray()) {
            for (JsonNode t : layerTypes) {
                if (!"full_attention".equals(t.asText())) {
                    throw f.bad("layer_types", "\"" + t.asText() + "\" layers are not supported (prime4j "
                            + "implements full_attention only)");
                }
            }
        }
        double ropeTheta = ropeTheta(f);
        Llama3RopeScaling ropeScaling = ropeScaling(f);

        int hidden = f.requiredInt("hidden_size");
        int heads = f.requiredInt("num_attention_heads");
        int kvHeads = f.optionalInt("num_key_value_heads", heads);
        // Qwen3Config's head_dim defaults to 128 whatever hidden / heads is; the others derive it.
        int headDim = f.optionalInt("head_dim", arch == Architecture.QWEN3 ? 128 : heads > 0 ? hidden / heads : 0);
        boolean attentionBias;
        boolean mlpBias;
        if (arch == Architecture.QWEN2) {
            attentionBias = true; // Qwen2's q/k/v projections always carry a bias; no config field turns it off
            mlpBias = false;
        } else if (arch == Architecture.QWEN3) {
            attentionBias = f.bool("attention_bias", false);
            mlpBias = false; // Qwen3's MLP has no bias and no field for one
        } else {
            attentionBias = f.bool("attention_bias", false);
            mlpBias = f.bool("mlp_bias", false);
        }
        int defaultMaxPos = arch == Architecture.LLAMA ? 2048 : 32768;
        String dtype = f.has("torch_dtype") ? f.string("torch_dtype", null)
                : f.has("dtype") ? f.string("dtype", null) : "float32";
        if (dtype.startsWith("torch.")) {
            dtype = dtype.substring("torch.".length());
        }
        try {
            return new ModelConfig(arch, hidden,
                    f.requiredInt("intermediate_size"),
                    f.requiredInt("num_hidden_layers"),
                    heads, kvHeads, headDim,
                    f.number("rms_norm_eps", 1e-6),
                    ropeTheta,
                    f.requiredInt("vocab_size"),
                    f.optionalInt("max_position_embeddings", defaultMaxPos),
                    f.bool("tie_word_embeddings", false),
                    attentionBias, mlpBias,
                    f.optionalInt("bos_token_id", -1),
                    eosIds(f),
                    dtype, ropeScaling);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    private static Architecture architecture(Fields f) {
        String type = f.string("model_type", null);
        Architecture byType = null;
        if (type != null) {
            if (type.equals("qwen3_moe")) {
                throw f.bad("model_type", "\"qwen3_moe\" (mixture of experts) is not supported (prime4j "
                        + "implements the dense " + Architecture.QWEN3.modelType + ")");
            }
            for (Architecture a : Architecture.values()) {
                if (a.modelType.equals(type)) {
                    byType = a;
                }
            }
            if (byType == null) {
                throw f.bad("model_type", "\"" + type + "\" is not supported (prime4j implements "
                        + supported(a -> a.modelType) + ")");
            }
        }
        JsonNode archs = f.root.get("architectures");
        if (archs == null || archs.isNull()) {
            if (byType == null) {
                throw f.bad("architectures", "missing, and so is model_type");
            }
            return byType;
        }
        if (!archs.isArray() || archs.size() != 1 || !archs.get(0).isTextual()) {
            throw f.bad("architectures", "expected one architecture name, got " + archs);
        }
        String name = archs.get(0).asText();
        for (Architecture a : Architecture.values()) {
            if (a.hfName.equals(name)) {
                if (byType != null && byType != a) {
                    throw f.bad("architectures", "\"" + name + "\" contradicts model_type \"" + type + "\"");
                }
                return a;
            }
        }
        throw f.bad("architectures", "\"" + name + "\" is not supported (prime4j implements "
                + supported(a -> a.hfName) + ")");
    }

    private static String supported(java.util.function.Function<Architecture, String> name) {
        List<String> names = new ArrayList<>();
        for (Architecture a : Architecture.values()) {
            names.add(name.apply(a));
        }
        return String.join(", ", names);
    }

    private static final List<String> ROPE_FIELDS = List.of("rope_scaling", "rope_parameters");

    /** rope_theta, which newer transformers may nest in {@code rope_parameters}. */
    private static double ropeTheta(Fields f) {
        JsonNode params = f.root.get("rope_parameters");
        if (params != null && params.isObject() && params.has("rope_theta") && !f.has("rope_theta")) {
            JsonNode theta = params.get("rope_theta");
            if (!theta.isNumber()) {
                throw f.bad("rope_parameters", "rope_theta: expected a number, got " + theta);
            }
            return theta.asDouble();
        }
        return f.number("rope_theta", 10000.0);
    }

    /**
     * Plain rotary embeddings ({@code rope_scaling} null or rope_type "default") or Llama 3.1's "llama3"
     * rewrite; every other rope_type (linear, dynamic, yarn, longrope...) changes the math and is refused.
     * transformers 5 calls the field {@code rope_parameters}; the same rule applies to it.
     */
    private static Llama3RopeScaling ropeScaling(Fields f) {
        Llama3RopeScaling found = null;
        for (String field : ROPE_FIELDS) {
            JsonNode node = f.root.get(field);
            if (node == null || node.isNull()) {
                continue;
            }
            if (!node.isObject()) {
                throw f.bad(field, "expected an object or null, got " + node);
            }
            JsonNode typeNode = node.has("rope_type") ? node.get("rope_type") : node.get("type");
            String type = typeNode == null ? null : typeNode.asText();
            if ("default".equals(type)) {
                continue;
            }
            if (!Llama3RopeScaling.ROPE_TYPE.equals(type)) {
                throw f.bad(field, (type == null ? "no rope_type" : "rope_type \"" + type + "\"")
                        + " is not supported (prime4j implements \"default\" and \"llama3\" rotary embeddings)");
            }
            try {
                found = new Llama3RopeScaling(ropeNumber(f, field, node, "factor"),
                        ropeNumber(f, field, node, "low_freq_factor"), ropeNumber(f, field, node, "high_freq_factor"),
                        (int) ropeNumber(f, field, node, "original_max_position_embeddings"));
            } catch (IllegalArgumentException e) {
                if (e.getMessage().startsWith(f.source())) {
                    throw e;
                }
                throw f.bad(field, e.getMessage());
            }
        }
        return found;
    }

    private static double ropeNumber(Fields f, String field, JsonNode node, String key) {
        JsonNode n = node.get(key);
        if (n == null || n.isNull()) {
            throw f.bad(field, "rope_type \"llama3\" requires " + key + ", which is missing");
        }
        if (!n.isNumber() || (key.startsWith("original") && !n.isIntegralNumber())) {
            throw f.bad(field, key + ": expected a number, got " + n);
        }
        return n.asDouble();
    }

    private static List<Integer> eosIds(Fields f) {
        JsonNode node = f.root.get("eos_token_id");
        List<Integer> ids = new ArrayList<>();
        if (node == null || node.isNull()) {
            return ids;
        }
        if (node.isIntegralNumber()) {
            ids.add(node.asInt());
        } else if (node.isArray()) {
            for (JsonNode id : node) {
                if (!id.isIntegralNumber()) {
                    throw f.bad("eos_token_id", "expected an integer or a list of integers, got " + node);
                }
                ids.add(id.asInt());
            }
        } else {
            throw f.bad("eos_token_id", "expected an integer or a list of integers, got " + node);
        }
        return ids;
    }

    /** Writes {@code config} as config.json to {@code file}. */
    public static void write(ModelConfig config, Path file) throws IOException {
        Files.writeString(file, toJson(config), StandardCharsets.UTF_8);
    }

    /** config.json text for {@code config}: every field explicit, so no reader's defaults matter. */
    public static String toJson(ModelConfig c) {
        boolean qwen = c.architecture() != Architecture.LLAMA;
        if (c.architecture() == Architecture.QWEN2 && (!c.attentionBias() || c.mlpBias())) {
            throw new IllegalArgumentException("a Qwen2 config.json cannot express attention_bias="
                    + c.attentionBias() + ", mlp_bias=" + c.mlpBias() + " (Qwen2 always has q/k/v bias and no "
                    + "MLP bias); use the Llama architecture");
        }
        if (c.architecture() == Architecture.QWEN3 && c.mlpBias()) {
            throw new IllegalArgumentException("a Qwen3 config.json cannot express mlp_bias=true (Qwen3's MLP "
                    + "has no bias)");
        }
        ObjectNode o = JSON.createObjectNode();
        o.putArray("architectures").add(c.architecture().hfName);
        o.put("model_type", c.architecture().modelType);
        o.put("hidden_size", c.hiddenSize());
        o.put("intermediate_size", c.intermediateSize());
        o.put("num_hidden_layers", c.numHiddenLayers());
        o.put("num_attention_heads", c.numAttentionHeads());
        o.put("num_key_value_heads", c.numKeyValueHeads());
        o.put("head_dim", c.headDim());
        o.put("hidden_act", "silu");
        o.put("rms_norm_eps", c.rmsNormEps());
        o.put("rope_theta", c.ropeTheta());
        Llama3RopeScaling rs = c.ropeScaling();
        if (rs == null) {
            o.putNull("rope_scaling");
        } else {
            o.putObject("rope_scaling").put("rope_type", Llama3RopeScaling.ROPE_TYPE).put("factor", rs.factor())
                    .put("low_freq_factor", rs.lowFreqFactor()).put("high_freq_factor", rs.highFreqFactor())
                    .put("original_max_position_embeddings", rs.originalMaxPositionEmbeddings());
        }
        o.put("vocab_size", c.vocabSize());
        o.put("max_position_embeddings", c.maxPositionEmbeddings());
        o.put("tie_word_embeddings", c.tieWordEmbeddings());
        if (qwen) {
            o.put("use_sliding_window", false);
            o.put("sliding_window", c.maxPositionEmbeddings());
            o.put("max_window_layers", c.numHiddenLayers());
            if (c.architecture() == Architecture.QWEN3) {
                o.put("attention_bias", c.attentionBias());
            }
        } else {
            o.put("attention_bias", c.attentionBias());
            o.put("mlp_bias", c.mlpBias());
            o.put("pretraining_tp", 1);
        }
        o.put("attention_dropout", 0.0);
        o.put("initializer_range", 0.02);
        o.put("use_cache", true);
        if (c.bosTokenId() >= 0) {
            o.put("bos_token_id", c.bosTokenId());
        }
        if (c.eosTokenIds().size() == 1) {
            o.put("eos_token_id", c.eosTokenIds().get(0));
        } else if (!c.eosTokenIds().isEmpty()) {
            c.eosTokenIds().forEach(o.putArray("eos_token_id")::add);
        }
        o.put("torch_dtype", c.torchDtype());
        try {
            return JSON.writeValueAsString(o) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Typed access to config.json fields with errors that name the field and the file. */
    private record Fields(JsonNode root, String source) {

        boolean has(String field) {
            JsonNode n = root.get(field);
            return n != null && !n.isNull();
        }

        IllegalArgumentException bad(String field, String why) {
            return new IllegalArgumentException(source + ": field \"" + field + "\": " + why);
        }

        int requiredInt(String field) {
            if (!has(field)) {
                throw bad(field, "required but missing");
            }
            return optionalInt(field, 0);
        }

        int optionalInt(String field, int dflt) {
            if (!has(field)) {
                return dflt;
            }
            JsonNode n = root.get(field);
            if (!n.isIntegralNumber() || !n.canConvertToInt()) {
                throw bad(field, "expected an integer, got " + n);
            }
            return n.asInt();
        }

        double number(String field, double dflt) {
            if (!has(field)) {
                return dflt;
            }
            JsonNode n = root.get(field);
            if (!n.isNumber()) {
                throw bad(field, "expected a number, got " + n);
            }
            return n.asDouble();
        }

        boolean bool(String field, boolean dflt) {
            if (!has(field)) {
                return dflt;
            }
            JsonNode n = root.get(field);
            if (!n.isBoolean()) {
                throw bad(field, "expected true or false, got " + n);
            }
            return n.asBoolean();
        }

        String string(String field, String dflt) {
            if (!has(field)) {
                return dflt;
            }
            JsonNode n = root.get(field);
            if (!n.isTextual()) {
                throw bad(field, "expected a string, got " + n);
            }
            return n.asText();
        }
    }
}
