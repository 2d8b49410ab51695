package org.prime4j.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.testkit.RepoFiles;

/** {@code prime4j serve} on checkpoints of model families it does not implement: one line, exit 2. */
class ServeModelFamiliesTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    /** The shipped arithmetic checkpoint with its config.json edited. */
    Path edited(String name, Consumer<ObjectNode> edit) throws IOException {
        Path src = RepoFiles.example("arithmetic/sft");
        Path out = Files.createDirectories(dir.resolve(name));
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, out.resolve(f.getFileName()));
            }
        }
        ObjectNode config = (ObjectNode) JSON.readTree(out.resolve("config.json").toFile());
        edit.accept(config);
        JSON.writeValue(out.resolve("config.json").toFile(), config);
        return out;
    }

    @Test
    void anUnsupportedRopeTypeOrQwen3MoeIsOneLineNamingTheFieldAndValue() throws IOException {
        Path yarn = edited("yarn", c -> c.putObject("rope_scaling").put("rope_type", "yarn").put("factor", 4.0)
                .put("original_max_position_embeddings", 512));
        CliRun r = CliRun.of("serve", "--model", yarn.toString(), "--port", "0");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n")
                .contains("field \"rope_scaling\": rope_type \"yarn\" is not supported");

        Path moe = edited("moe", c -> {
            c.putArray("architectures").add("Qwen3MoeForCausalLM");
            c.put("model_type", "qwen3_moe");
        });
        r = CliRun.of("serve", "--model", moe.toString(), "--port", "0");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n")
                .contains("field \"model_type\": \"qwen3_moe\" (mixture of experts) is not supported");
    }
}
