package org.prime4j.model.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.model.config.ModelConfig.Architecture;

class HfConfigReaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static Path resource(String name) {
        try {
            return Path.of(HfConfigReaderTest.class.getResource("/config/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void qwen25HalfBillionInstruct() throws IOException {
        ModelConfig c = HfConfigReader.read(resource("qwen2.5-0.5b-instruct.json"));
        assertThat(c).isEqualTo(new ModelConfig(Architecture.QWEN2, 896, 4864, 24, 14, 2, 64, 1e-6, 1e6,
                151936, 32768, true, true, false, 151643, List.of(151645), "bfloat16"));
    }

    @Test
    void qwen2SevenBillion() throws IOException {
        ModelConfig c = HfConfigReader.read(resource("qwen2-7b-instruct.json"));
        assertThat(c).isEqualTo(new ModelConfig(Architecture.QWEN2, 3584, 18944, 28, 28, 4, 128, 1e-6, 1e6,
                152064, 32768, false, true, false, 151643, List.of(151645), "bfloat16"));
        assertThat(c.groupSize()).isEqualTo(7);
    }

    @Test
    void transformers5LayoutWithDtypeAndRopeParameters() throws IOException {
        ModelConfig c = HfConfigReader.read(resource("qwen2.5-1.5b-instruct.transformers5.json"));
        assertThat(c).isEqualTo(new ModelConfig(Architecture.QWEN2, 1536, 8960, 28, 12, 2, 128, 1e-6, 1e6,
                151936, 32768, true, true, false, 151643, List.of(151645), "bfloat16"));
    }

    @Test
    void llama3EightBillion() throws IOException {
        ModelConfig c = HfConfigReader.read(resource("llama-3-8b.json"));
        assertThat(c).isEqualTo(new ModelConfig(Architecture.LLAMA, 4096, 14336, 32, 32, 8, 128, 1e-5, 5e5,
                128256, 8192, false, false, false, 128000, List.of(128001), "float32"));
    }

    @Test
    void llama31WithLlama3RopeScaling() throws IOException {
        ModelConfig c = HfConfigReader.read(resource("llama-3.1-70b.json"));
        assertThat(c).isEqualTo(new ModelConfig(Architecture.LLAMA, 8192, 28672, 80, 64, 8, 128, 1e-5, 5e5,
                128256, 131072, false, false, false, 128000, List.of(128001, 128008, 128009), "bfloat16",
                new Llama3RopeScaling(8.0, 1.0, 4.0, 8192)));
        assertThat(c.qkNorm()).isFalse();
    }

    @Test
    void qwen3WithAHeadDimThatIsNotHiddenOverHeads() throws IOException {
        ModelConfig c = HfConfigReader.read(resource("qwen3-0.6b.json"));
        assertThat(c).isEqualTo(new ModelConfig(Architecture.QWEN3, 1024, 3072, 28, 16, 8, 128, 1e-6, 1e6,
                151936, 40960, true, false, false, 151643, List.of(151645), "bfloat16"));
        assertThat(c.qkNorm()).isTrue();
    }

    @Test
    void qwen3DefaultsAreQwen3Configs() {
        ModelConfig c = parse(o -> {
            o.remove("architectures");
            o.put("model_type", "qwen3");
            o.remove("head_dim");
            o.remove("max_position_embeddings");
            o.put("attention_bias", true);
            o.put("mlp_bias", true); // not a Qwen3 field: ignored, as transformers does
        });
        assertThat(c.architecture()).isEqualTo(Architecture.QWEN3);
        assertThat(c.headDim()).isEqualTo(128);
        assertThat(c.maxPositionEmbeddings()).isEqualTo(32768);
        assertThat(c.attentionBias()).isTrue();
        assertThat(c.mlpBias()).isFalse();
    }

    @Test
    void transformers5RopeParametersCarryTheLlama3Scaling() {
        ModelConfig c = parse(o -> {
            o.remove("rope_theta");
            o.putObject("rope_parameters").put("rope_type", "llama3").put("rope_theta", 5e5).put("factor", 32.0)
                    .put("low_freq_factor", 1.0).put("high_freq_factor", 4.0)
                    .put("original_max_position_embeddings", 8192);
        });
        assertThat(c.ropeTheta()).isEqualTo(5e5);
        assertThat(c.ropeScaling()).isEqualTo(new Llama3RopeScaling(32.0, 1.0, 4.0, 8192));
    }

    @Test
    void otherRopeTypesAndMixtureOfExpertsAreOneLineErrorsNamingFieldAndValue() {
        for (String type : List.of("yarn", "dynamic", "linear", "longrope")) {
            assertOneLine(o -> o.putObject("rope_scaling").put("rope_type", type).put("factor", 4.0),
                    "field \"rope_scaling\": rope_type \"" + type + "\" is not supported");
        }
        assertOneLine(o -> o.putObject("rope_scaling").put("type", "dynamic").put("factor", 2.0),
                "field \"rope_scaling\": rope_type \"dynamic\" is not supported");
        assertOneLine(o -> o.putObject("rope_parameters").put("rope_type", "yarn"),
                "field \"rope_parameters\": rope_type \"yarn\" is not supported");
        assertOneLine(o -> {
            o.putArray("architectures").add("Qwen3MoeForCausalLM");
            o.put("model_type", "qwen3_moe");
            o.put("num_experts", 128);
        }, "field \"model_type\": \"qwen3_moe\" (mixture of experts) is not supported");
        assertOneLine(o -> {
            o.remove("model_type");
            o.putArray("architectures").add("Qwen3MoeForCausalLM");
        }, "field \"architectures\": \"Qwen3MoeForCausalLM\" is not supported");
        assertOneLine(o -> o.putObject("rope_scaling").put("rope_type", "llama3").put("factor", 8.0),
                "field \"rope_scaling\": rope_type \"llama3\" requires low_freq_factor");
        assertOneLine(o -> o.putObject("rope_scaling").put("rope_type", "llama3").put("factor", 8.0)
                        .put("low_freq_factor", 4.0).put("high_freq_factor", 1.0)
                        .put("original_max_position_embeddings", 8192),
                "field \"rope_scaling\": high_freq_factor (1.0) must be greater than low_freq_factor (4.0)");
        assertOneLine(o -> o.put("model_type", "qwen3"), "\"LlamaForCausalLM\" contradicts model_type \"qwen3\"");
    }

    @Test
    void eosListAndLlamaBiasesAndModelTypeFallback() {
        ModelConfig c = parse(o -> {
            o.remove("architectures");
            o.put("model_type", "llama");
            o.put("attention_bias", true);
            o.put("mlp_bias", true);
            o.putArray("eos_token_id").add(128001).add(128009);
            o.remove("num_key_value_heads");
            o.put("head_dim", 96);
        });
        assertThat(c.architecture()).isEqualTo(Architecture.LLAMA);
        assertThat(c.attentionBias()).isTrue();
        assertThat(c.mlpBias()).isTrue();
        assertThat(c.eosTokenIds()).containsExactly(128001, 128009);
        assertThat(c.numKeyValueHeads()).isEqualTo(c.numAttentionHeads());
        assertThat(c.headDim()).isEqualTo(96);
    }

    @Test
    void ropeScalingOfTypeDefaultIsPlainRope() {
        ModelConfig c = parse(o -> o.putObject("rope_scaling").put("rope_type", "default"));
        assertThat(c.ropeTheta()).isEqualTo(5e5);
    }

    @Test
    void badFieldsNameTheFieldAndTheFile() {
        assertBad(o -> o.remove("hidden_size"), "\"hidden_size\"", "required");
        assertBad(o -> o.remove("vocab_size"), "\"vocab_size\"", "required");
        assertBad(o -> o.putArray("architectures").add("MistralForCausalLM"), "\"architectures\"",
                "MistralForCausalLM");
        assertBad(o -> {
            o.remove("architectures");
            o.put("model_type", "gemma");
        }, "\"model_type\"", "gemma");
        assertBad(o -> {
            o.remove("architectures");
            o.remove("model_type");
        }, "\"architectures\"", "missing");
        assertBad(o -> o.put("hidden_act", "gelu"), "\"hidden_act\"", "gelu");
        assertBad(o -> o.put("use_sliding_window", true), "\"use_sliding_window\"");
        assertBad(o -> o.putObject("rope_scaling").put("type", "linear").put("factor", 2.0), "\"rope_scaling\"");
        assertBad(o -> o.putObject("rope_parameters").put("rope_type", "yarn"), "\"rope_parameters\"");
        assertBad(o -> o.putArray("layer_types").add("full_attention").add("sliding_attention"),
                "\"layer_types\"");
        assertBad(o -> o.putObject("quantization_config").put("bits", 4), "\"quantization_config\"");
        assertBad(o -> o.put("hidden_size", "4096"), "\"hidden_size\"", "integer");
        assertBad(o -> o.put("eos_token_id", "x"), "\"eos_token_id\"");
        assertBad(o -> o.put("tie_word_embeddings", 1), "\"tie_word_embeddings\"");
        assertBad(o -> o.put("num_key_value_heads", 5), "num_key_value_heads");
        assertBad(o -> o.put("hidden_size", 0), "hidden_size must be > 0");
    }

    @Test
    void malformedJsonNamesTheFile() throws IOException {
        Path f = tmp.resolve("config.json");
        Files.writeString(f, "{\"hidden_size\": 4,");
        assertThatThrownBy(() -> HfConfigReader.read(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("malformed JSON");
    }

    @Test
    void writtenConfigReadsBackEqualForEveryFamily() throws IOException {
        List<ModelConfig> configs = List.of(
                HfConfigReader.read(resource("qwen2.5-0.5b-instruct.json")),
                HfConfigReader.read(resource("llama-3-8b.json")),
                HfConfigReader.read(resource("llama-3.1-70b.json")),
                HfConfigReader.read(resource("qwen3-0.6b.json")),
                ModelConfig.tiny(Architecture.QWEN3, 64, 2, 4, 2, 300).withRopeScaling(
                        new Llama3RopeScaling(4.0, 1.0, 2.0, 128)),
                new ModelConfig(Architecture.LLAMA, 64, 160, 2, 4, 2, 16, 1e-5, 10000, 300, 256, true, true,
                        true, -1, List.of(1, 2), "float32"),
                ModelConfig.tiny(Architecture.QWEN2, 64, 2, 4, 4, 300));
        for (ModelConfig c : configs) {
            Path f = tmp.resolve("config.json");
            HfConfigReader.write(c, f);
            assertThat(HfConfigReader.read(f)).isEqualTo(c);
        }
    }

    @Test
    void writtenConfigCarriesWhatTransformersAndVllmRead() throws IOException {
        ModelConfig c = HfConfigReader.read(resource("qwen2.5-0.5b-instruct.json"));
        var node = JSON.readTree(HfConfigReader.toJson(c));
        assertThat(node.get("architectures").get(0).asText()).isEqualTo("Qwen2ForCausalLM");
        assertThat(node.get("model_type").asText()).isEqualTo("qwen2");
        assertThat(node.get("torch_dtype").asText()).isEqualTo("bfloat16");
        assertThat(node.get("hidden_act").asText()).isEqualTo("silu");
        assertThat(node.get("rope_scaling").isNull()).isTrue();
        assertThat(node.get("use_sliding_window").asBoolean()).isFalse();
        assertThat(node.get("eos_token_id").asInt()).isEqualTo(151645);
        for (String field : List.of("hidden_size", "intermediate_size", "num_hidden_layers",
                "num_attention_heads", "num_key_value_heads", "head_dim", "rms_norm_eps", "rope_theta",
                "vocab_size", "max_position_embeddings", "tie_word_embeddings", "bos_token_id")) {
            assertThat(node.has(field)).as(field).isTrue();
        }
    }

    @Test
    void qwenConfigWithoutQkvBiasCannotBeWritten() {
        ModelConfig c = new ModelConfig(Architecture.QWEN2, 64, 160, 2, 4, 2, 16, 1e-6, 1e4, 300, 256, true,
                false, false, -1, List.of(), "float32");
        assertThatThrownBy(() -> HfConfigReader.toJson(c)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Qwen2");
    }

    @Test
    void writtenLlama31ConfigCarriesTheRopeScalingAsTransformersSpellsIt() throws IOException {
        var node = JSON.readTree(HfConfigReader.toJson(HfConfigReader.read(resource("llama-3.1-70b.json"))));
        var rs = node.get("rope_scaling");
        assertThat(rs.get("rope_type").asText()).isEqualTo("llama3");
        assertThat(rs.get("factor").asDouble()).isEqualTo(8.0);
        assertThat(rs.get("low_freq_factor").asDouble()).isEqualTo(1.0);
        assertThat(rs.get("high_freq_factor").asDouble()).isEqualTo(4.0);
        assertThat(rs.get("original_max_position_embeddings").asInt()).isEqualTo(8192);
        var qwen3 = JSON.readTree(HfConfigReader.toJson(HfConfigReader.read(resource("qwen3-0.6b.json"))));
        assertThat(qwen3.get("architectures").get(0).asText()).isEqualTo("Qwen3ForCausalLM");
        assertThat(qwen3.get("model_type").asText()).isEqualTo("qwen3");
        assertThat(qwen3.get("attention_bias").asBoolean()).isFalse();
        assertThat(qwen3.get("head_dim").asInt()).isEqualTo(128);
    }

    /** The Llama-3-8B config with one edit, parsed under the name "edited.json". */
    private static ModelConfig parse(Consumer<ObjectNode> edit) {
        try {
            ObjectNode o = (ObjectNode) JSON.readTree(Files.readString(resource("llama-3-8b.json")));
            edit.accept(o);
            return HfConfigReader.parse(JSON.writeValueAsString(o), "edited.json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertOneLine(Consumer<ObjectNode> edit, String fragment) {
        assertThatThrownBy(() -> parse(edit)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("edited.json: ").hasMessageContaining(fragment)
                .hasMessageNotContaining("\n");
    }

    private static void assertBad(Consumer<ObjectNode> edit, String... fragments) {
        var a = assertThatThrownBy(() -> parse(edit)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("edited.json");
        for (String s : fragments) {
            a.hasMessageContaining(s);
        }
    }
}
