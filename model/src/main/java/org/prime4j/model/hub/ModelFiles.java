package org.prime4j.model.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which files of a Hub repository a prime4j model needs, and whether a snapshot directory has them: the
 * config, the generation config, the tokenizer files, and the safetensors weights with their index. Pickles
 * ({@code *.bin}, {@code *.pth}), ONNX, GGUF, TF/Flax weights and subfolders are skipped: prime4j and vLLM
 * read safetensors.
 */
public final class ModelFiles {

    private static final Set<String> NAMED = Set.of(
            "config.json", "generation_config.json",
            "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json",
            "vocab.json", "merges.txt", "tokenizer.model", "chat_template.json", "chat_template.jinja",
            "adapter_config.json");

    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelFiles() {}

    /** Whether a repository file (its {@code rfilename}) is one to download. */
    public static boolean wanted(String rfilename) {
        if (rfilename.contains("/")) {
            return false;
        }
        return NAMED.contains(rfilename) || rfilename.endsWith(".safetensors")
                || rfilename.endsWith(".safetensors.index.json");
    }

    /**
     * The first file a model directory lacks, or empty when it is complete: config.json (or adapter_config.json),
     * tokenizer.json (unless it is an adapter), the weights (every shard an index names, else some
     * {@code *.safetensors}), and no snapshot link whose blob is gone.
     */
    public static Optional<String> firstMissing(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Optional.of("config.json");
        }
        boolean adapter = Files.exists(dir.resolve("adapter_config.json"));
        if (!adapter && !Files.exists(dir.resolve("config.json"))) {
            return Optional.of("config.json");
        }
        if (!adapter && !Files.exists(dir.resolve("tokenizer.json"))) {
            return Optional.of("tokenizer.json");
        }
        Set<String> present = new TreeSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (!Files.exists(f)) { // a snapshot link to a blob that is not there
                    return Optional.of(name);
                }
                present.add(name);
            }
        } catch (IOException e) {
            return Optional.of("config.json");
        }
        for (String name : present) {
            if (name.endsWith(".safetensors.index.json")) {
                Set<String> shards = new TreeSet<>();
                try {
                    JsonNode map = JSON.readTree(dir.resolve(name).toFile()).path("weight_map");
                    for (Iterator<JsonNode> it = map.elements(); it.hasNext(); ) {
                        shards.add(it.next().asText());
                    }
                } catch (IOException e) {
                    return Optional.of(name);
                }
                for (String shard : shards) {
                    if (!present.contains(shard)) {
                        return Optional.of(shard);
                    }
                }
                return Optional.empty();
            }
        }
        if (present.stream().noneMatch(n -> n.endsWith(".safetensors"))) {
            return Optional.of(adapter ? "adapter_model.safetensors" : "model.safetensors");
        }
        return Optional.empty();
    }
}
