package org.prime4j.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.model.config.ModelConfig;
import org.prime4j.model.config.ModelConfig.Architecture;

class HfCheckpointTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static final ModelConfig CONFIG = ModelConfig.tiny(Architecture.QWEN2, 16, 2, 4, 2, 40);

    /** Every tensor of the tiny Qwen2 config, with HF names and shapes. */
    private static Map<String, HostTensor> tensors() {
        Map<String, HostTensor> m = new TreeMap<>();
        int h = CONFIG.hiddenSize();
        int kv = CONFIG.numKeyValueHeads() * CONFIG.headDim();
        int inter = CONFIG.intermediateSize();
        put(m, "model.embed_tokens.weight", CONFIG.vocabSize(), h);
        put(m, "model.norm.weight", h);
        for (int i = 0; i < CONFIG.numHiddenLayers(); i++) {
            String p = "model.layers." + i + ".";
            put(m, p + "input_layernorm.weight", h);
            put(m, p + "post_attention_layernorm.weight", h);
            put(m, p + "self_attn.q_proj.weight", h, h);
            put(m, p + "self_attn.q_proj.bias", h);
            put(m, p + "self_attn.k_proj.weight", kv, h);
            put(m, p + "self_attn.k_proj.bias", kv);
            put(m, p + "self_attn.v_proj.weight", kv, h);
            put(m, p + "self_attn.v_proj.bias", kv);
            put(m, p + "self_attn.o_proj.weight", h, h);
            put(m, p + "mlp.gate_proj.weight", inter, h);
            put(m, p + "mlp.up_proj.weight", inter, h);
            put(m, p + "mlp.down_proj.weight", h, inter);
        }
        return m;
    }

    private static void put(Map<String, HostTensor> m, String name, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        m.put(name, HostTensor.ofFloats(name, shape, Fixtures.floats((int) n, name.hashCode())));
    }

    private static void assertSameTensors(HfCheckpoint ck, Map<String, HostTensor> expected) {
        assertThat(ck.tensorNames()).containsExactlyElementsOf(expected.keySet());
        for (HostTensor e : expected.values()) {
            HostTensor t = ck.tensor(e.name());
            assertThat(t.shape()).containsExactly(e.shape());
            assertThat(t.toFloatArray()).as(e.name()).containsExactly(e.toFloatArray());
        }
    }

    @Test
    void singleFileRoundTrip() throws IOException {
        Path dir = tmp.resolve("policy");
        HfCheckpoint.write(dir, CONFIG, tensors(), DType.F32, 0);
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("config.json",
                    "model.safetensors");
        }
        try (HfCheckpoint ck = HfCheckpoint.open(dir)) {
            assertThat(ck.config()).isEqualTo(CONFIG);
            assertSameTensors(ck, tensors());
        }
    }

    @Test
    void shardedRoundTripWritesHfIndexLayout() throws IOException {
        Path dir = tmp.resolve("policy");
        HfCheckpoint.write(dir, CONFIG, tensors(), DType.F32, 3000);
        JsonNode index = JSON.readTree(dir.resolve("model.safetensors.index.json").toFile());
        long total = tensors().values().stream().mapToLong(t -> t.numel() * 4).sum();
        assertThat(index.get("metadata").get("total_size").asLong()).isEqualTo(total);
        JsonNode map = index.get("weight_map");
        assertThat(map.size()).isEqualTo(tensors().size());
        long shards = Stream.of(dir.toFile().list()).filter(n -> n.matches("model-\\d{5}-of-\\d{5}\\.safetensors"))
                .count();
        assertThat(shards).isGreaterThan(2);
        String last = String.format("model-%05d-of-%05d.safetensors", shards, shards);
        assertThat(dir.resolve(last)).exists();
        assertThat(dir.resolve("model.safetensors")).doesNotExist();
        for (String name : tensors().keySet()) {
            long size = Files.size(dir.resolve(map.get(name).asText()));
            assertThat(size).isPositive();
        }
        try (HfCheckpoint ck = HfCheckpoint.open(dir)) {
            assertSameTensors(ck, tensors());
        }
    }

    @Test
    void bf16CheckpointDeclaresItsDtypeAndRoundsLikeTorch() throws IOException {
        Path dir = tmp.resolve("policy");
        HfCheckpoint.write(dir, CONFIG, tensors(), DType.BF16, 0);
        try (HfCheckpoint ck = HfCheckpoint.open(dir)) {
            assertThat(ck.config().torchDtype()).isEqualTo("bfloat16");
            HostTensor t = ck.tensor("model.norm.weight");
            assertThat(t.dtype()).isEqualTo(DType.BF16);
            float[] src = tensors().get("model.norm.weight").toFloatArray();
            short[] bits = Fixtures.halfBits(t);
            for (int i = 0; i < src.length; i++) {
                assertThat(bits[i]).isEqualTo(HalfFloats.floatToBf16(src[i]));
            }
        }
    }

    @Test
    void replacingAnExistingCheckpointLeavesOnlyTheNewOneAndNoTempDirs() throws IOException {
        Path dir = tmp.resolve("policy");
        HfCheckpoint.write(dir, CONFIG, tensors(), DType.F32, 3000); // sharded
        Map<String, HostTensor> changed = new TreeMap<>(tensors());
        changed.put("model.norm.weight", HostTensor.ofFloats("model.norm.weight", new long[] {16}, new float[16]));
        HfCheckpoint.write(dir, CONFIG, changed, DType.F16, 0); // now one file
        assertThat(dir.resolve("model.safetensors.index.json")).doesNotExist();
        try (HfCheckpoint ck = HfCheckpoint.open(dir)) {
            assertThat(ck.tensor("model.norm.weight").toFloatArray()).containsOnly(0f);
            assertThat(ck.config().torchDtype()).isEqualTo("float16");
        }
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("policy");
        }
    }

    @Test
    void aFailedWriteKeepsTheOldCheckpointAndCleansUp() throws IOException {
        Path dir = tmp.resolve("policy");
        HfCheckpoint.write(dir, CONFIG, tensors(), DType.F32, 0);
        Map<String, HostTensor> bad = new TreeMap<>(tensors());
        bad.put("mismatched.key", HostTensor.ofFloats("other.name", new long[] {1}, new float[1]));
        assertThatThrownBy(() -> HfCheckpoint.write(dir, CONFIG, bad, DType.F32, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("other.name");
        try (HfCheckpoint ck = HfCheckpoint.open(dir)) {
            assertSameTensors(ck, tensors());
        }
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("policy");
        }
    }

    @Test
    void copiesTokenizerFilesFromASourceDir() throws IOException {
        Path src = tmp.resolve("src");
        Files.createDirectories(src);
        Files.writeString(src.resolve("tokenizer.json"), "{\"model\":{}}");
        Files.writeString(src.resolve("tokenizer_config.json"), "{}");
        Files.writeString(src.resolve("unrelated.txt"), "x");
        Path dir = tmp.resolve("out");
        HfCheckpoint.write(dir, CONFIG, tensors(), DType.F32, 0, src);
        assertThat(dir.resolve("tokenizer.json")).hasContent("{\"model\":{}}");
        assertThat(dir.resolve("tokenizer_config.json")).exists();
        assertThat(dir.resolve("unrelated.txt")).doesNotExist();
    }

    @Test
    void openErrorsNameTheDirectoryAndTheProblem() throws IOException {
        Path empty = tmp.resolve("empty");
        Files.createDirectories(empty);
        assertThatThrownBy(() -> HfCheckpoint.open(empty)).isInstanceOf(IOException.class)
                .hasMessageContaining(empty.toString()).hasMessageContaining("config.json");

        Path noWeights = tmp.resolve("noweights");
        Files.createDirectories(noWeights);
        org.prime4j.model.config.HfConfigReader.write(CONFIG, noWeights.resolve("config.json"));
        assertThatThrownBy(() -> HfCheckpoint.open(noWeights)).isInstanceOf(IOException.class)
                .hasMessageContaining("model.safetensors");

        Path dir = tmp.resolve("sharded");
        HfCheckpoint.write(dir, CONFIG, tensors(), DType.F32, 3000);
        JsonNode index = JSON.readTree(dir.resolve("model.safetensors.index.json").toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) index.get("weight_map")).put("model.norm.weight",
                "model-00009-of-00009.safetensors");
        JSON.writeValue(dir.resolve("model.safetensors.index.json").toFile(), index);
        assertThatThrownBy(() -> HfCheckpoint.open(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("model-00009-of-00009.safetensors");

        try (HfCheckpoint ck = HfCheckpoint.open(tmp.resolve("sharded").resolveSibling("ok"))) {
            throw new AssertionError("opened a missing dir " + ck.dir());
        } catch (IOException expected) {
            assertThat(expected).hasMessageContaining("config.json");
        }
    }

    @Test
    void indexThatMapsATensorToTheWrongShardIsAnError() throws IOException {
        Path dir = tmp.resolve("sharded");
        HfCheckpoint.write(dir, CONFIG, tensors(), DType.F32, 3000);
        JsonNode index = JSON.readTree(dir.resolve("model.safetensors.index.json").toFile());
        String embedShard = index.get("weight_map").get("model.embed_tokens.weight").asText();
        String normShard = index.get("weight_map").get("model.norm.weight").asText();
        assertThat(embedShard).isNotEqualTo(normShard);
        ((com.fasterxml.jackson.databind.node.ObjectNode) index.get("weight_map")).put("model.norm.weight",
                embedShard);
        JSON.writeValue(dir.resolve("model.safetensors.index.json").toFile(), index);
        assertThatThrownBy(() -> HfCheckpoint.open(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("model.norm.weight").hasMessageContaining(embedShard);
    }

    @Test
    void unknownTensorNameIsAClearError() throws IOException {
        Path dir = tmp.resolve("policy");
        HfCheckpoint.write(dir, CONFIG, tensors(), DType.F32, 0);
        try (HfCheckpoint ck = HfCheckpoint.open(dir)) {
            assertThatThrownBy(() -> ck.tensor("lm_head.weight")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("lm_head.weight");
        }
    }
}
