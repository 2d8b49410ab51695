package org.prime4j.model.io;

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
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.prime4j.model.config.HfConfigReader;
import org.prime4j.model.config.ModelConfig;

/**
 * A Hugging Face model directory: {@code config.json} plus either {@code model.safetensors} or shards
 * listed in {@code model.safetensors.index.json} ({@code {"metadata":{"total_size":N},"weight_map":{name:
 * file}}}). Tensors are mapped lazily from their shard.
 */
public final class HfCheckpoint implements AutoCloseable {

    public static final String CONFIG = "config.json";
    public static final String SINGLE = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";

    /** Files that travel with the weights so a written directory is a complete model for vLLM. */
    public static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json",
            "generation_config.json", "special_tokens_map.json", "vocab.json", "merges.txt",
            "added_tokens.json", "tokenizer.model");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    private final ModelConfig config;
    private final Map<String, SafetensorsReader> byTensor;
    private final List<SafetensorsReader> readers;

    private HfCheckpoint(Path dir, ModelConfig config, Map<String, SafetensorsReader> byTensor,
                         List<SafetensorsReader> readers) {
        this.dir = dir;
        this.config = config;
        this.byTensor = byTensor;
        this.readers = readers;
    }

    /** Opens {@code dir}; a missing file, a bad config or an index that disagrees with its shards is an error. */
    public static HfCheckpoint open(Path dir) throws IOException {
        Path configFile = dir.resolve(CONFIG);
        if (!Files.isRegularFile(configFile)) {
            throw new IOException(dir + ": no " + CONFIG + " (not a Hugging Face model directory)");
        }
        ModelConfig config = HfConfigReader.read(configFile);
        List<SafetensorsReader> readers = new ArrayList<>();
        Map<String, SafetensorsReader> byTensor = new TreeMap<>();
        try {
            if (Files.isRegularFile(dir.resolve(SINGLE))) {
                SafetensorsReader r = SafetensorsReader.open(dir.resolve(SINGLE));
                readers.add(r);
                r.names().forEach(n -> byTensor.put(n, r));
            } else if (Files.isRegularFile(dir.resolve(INDEX))) {
                Map<String, String> weightMap = readIndex(dir.resolve(INDEX));
                Map<String, SafetensorsReader> byFile = new LinkedHashMap<>();
                for (Map.Entry<String, String> e : weightMap.entrySet()) {
                    SafetensorsReader r = byFile.get(e.getValue());
                    if (r == null) {
                        Path shard = dir.resolve(e.getValue()).normalize();
                        if (!shard.getParent().equals(dir.normalize())) {
                            throw new IOException(dir.resolve(INDEX) + ": shard " + e.getValue()
                                    + " lies outside the model directory");
                        }
                        r = SafetensorsReader.open(shard);
                        readers.add(r);
                        byFile.put(e.getValue(), r);
                    }
                    if (!r.names().contains(e.getKey())) {
                        throw new IOException(dir.resolve(INDEX) + ": tensor " + e.getKey() + " is mapped to "
                                + e.getValue() + ", which does not hold it");
                    }
                    byTensor.put(e.getKey(), r);
                }
            } else {
                throw new IOException(dir + ": neither " + SINGLE + " nor " + INDEX + " is present");
            }
        } catch (IOException | RuntimeException e) {
            for (SafetensorsReader r : readers) {
                r.close();
            }
            throw e;
        }
        return new HfCheckpoint(dir, config, Collections.unmodifiableMap(byTensor), List.copyOf(readers));
    }

    private static Map<String, String> readIndex(Path index) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(index, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IOException(index + ": malformed JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new IOException(index + ": missing \"weight_map\" object");
        }
        Map<String, String> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new IOException(index + ": weight_map." + e.getKey() + " must be a file name");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    public Path dir() {
        return dir;
    }

    public ModelConfig config() {
        return config;
    }

    /** Every tensor name, sorted. */
    public Set<String> tensorNames() {
        return byTensor.keySet();
    }

    /** The named tensor, mapped from its shard; an unknown name is an IllegalArgumentException. */
    public HostTensor tensor(String name) {
        SafetensorsReader r = byTensor.get(name);
        if (r == null) {
            throw new IllegalArgumentException(dir + ": checkpoint has no tensor named " + name);
        }
        return r.get(name);
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (SafetensorsReader r : readers) {
            try {
                r.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * Writes a checkpoint to {@code dir} atomically: into a temp dir beside it, fsynced, then renamed into
     * place; an existing {@code dir} is replaced only once the new one is complete. {@code maxShardBytes <= 0}
     * writes one file, otherwise shards of at most that many bytes (a tensor larger than that gets a shard
     * of its own). config.json's torch_dtype is set to {@code dtype}.
     */
    public static void write(Path dir, ModelConfig config, Map<String, HostTensor> tensors, DType dtype,
                             long maxShardBytes) throws IOException {
        write(dir, config, tensors, dtype, maxShardBytes, null);
    }

    /** As above, also copying the {@link #TOKENIZER_FILES} present in {@code tokenizerSource} (may be null). */
    public static void write(Path dir, ModelConfig config, Map<String, HostTensor> tensors, DType dtype,
                             long maxShardBytes, Path tokenizerSource) throws IOException {
        ModelConfig stored = config.withTorchDtype(dtype.torchName());
        AtomicDirectory.replace(dir, tmp -> {
            HfConfigReader.write(stored, tmp.resolve(CONFIG));
            writeWeights(tmp, new TreeMap<>(tensors), dtype, maxShardBytes);
            if (tokenizerSource != null) {
                for (String name : TOKENIZER_FILES) {
                    Path src = tokenizerSource.resolve(name);
                    if (Files.isRegularFile(src)) {
                        Files.copy(src, tmp.resolve(name));
                    }
                }
            }
        });
    }

    private static void writeWeights(Path tmp, TreeMap<String, HostTensor> tensors, DType dtype,
                                     long maxShardBytes) throws IOException {
        List<Map<String, HostTensor>> shards = new ArrayList<>();
        Map<String, HostTensor> current = new TreeMap<>();
        long currentBytes = 0;
        long total = 0;
        for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
            long bytes = SafetensorsWriter.byteSize(e.getValue(), dtype);
            total += bytes;
            if (maxShardBytes > 0 && !current.isEmpty() && currentBytes + bytes > maxShardBytes) {
                shards.add(current);
                current = new TreeMap<>();
                currentBytes = 0;
            }
            current.put(e.getKey(), e.getValue());
            currentBytes += bytes;
        }
        shards.add(current);
        if (maxShardBytes <= 0 || shards.size() == 1) {
            SafetensorsWriter.write(tmp.resolve(SINGLE), tensors, dtype);
            return;
        }
        ObjectNode index = JSON.createObjectNode();
        index.putObject("metadata").put("total_size", total);
        ObjectNode weightMap = index.putObject("weight_map");
        for (int i = 0; i < shards.size(); i++) {
            String file = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
            SafetensorsWriter.write(tmp.resolve(file), shards.get(i), dtype);
            shards.get(i).keySet().forEach(name -> weightMap.put(name, file));
        }
        Files.writeString(tmp.resolve(INDEX), JSON.writeValueAsString(index) + "\n", StandardCharsets.UTF_8);
    }
}
