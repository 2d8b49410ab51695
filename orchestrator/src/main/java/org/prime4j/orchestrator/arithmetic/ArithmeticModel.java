package org.prime4j.orchestrator.arithmetic;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.prime4j.model.config.ModelConfig;
import org.prime4j.model.io.DType;
import org.prime4j.model.io.Directories;
import org.prime4j.model.io.HfCheckpoint;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.tokenizer.ByteLevelTokenizerFiles;

/**
 * The demo's model before SFT (docs/design.md "Demo sizing"): Qwen2 layout, 2 layers, width 64, 4 heads (~0.12M
 * parameters with tied embeddings), the byte-level tokenizer (256 bytes + ChatML's three specials, eos
 * {@code <|im_end|>}). Its chat template is bare (the message contents, no role markers): prompts stay ~18
 * tokens, and a chat prompt tokenizes exactly like the same text sent as a plain prompt.
 */
public final class ArithmeticModel {

    public static final List<String> SPECIALS = ByteLevelTokenizerFiles.CHATML_SPECIALS;
    public static final int EOS = ByteLevelTokenizerFiles.specialTokenId(SPECIALS, "<|im_end|>");
    public static final String BARE_TEMPLATE = "{%- for message in messages %}{{- message['content'] }}{%- endfor %}";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ArithmeticModel() {}

    /** A config of the demo's shape, with {@code layers} x {@code hidden} x {@code heads} (tests shrink it). */
    public static ModelConfig config(int layers, int hidden, int heads) {
        return new ModelConfig(ModelConfig.Architecture.QWEN2, hidden, hidden * 5 / 2, layers, heads, heads,
                hidden / heads, 1e-6, 10000.0, 256 + SPECIALS.size(), 512, true, true, false, -1, List.of(EOS),
                "float32");
    }

    /** The demo's size: 2 layers, width 64, 4 heads. */
    public static ModelConfig config() {
        return config(2, 64, 4);
    }

    /** Writes a freshly initialized model (Gaussian std 0.02 from {@code seed}) with its tokenizer to {@code dir}. */
    public static void createRandom(Path dir, ModelConfig config, long seed) throws IOException {
        Path tok = Files.createTempDirectory("prime4j-tokenizer");
        try (CausalLM model = CausalLM.random(config, seed, 0.02)) {
            writeTokenizer(tok);
            HfCheckpoint.write(dir, config, model.toHost(), DType.F32, 0, tok);
        } finally {
            Directories.deleteTree(tok);
        }
    }

    /** The byte-level tokenizer files with the bare chat template. */
    public static void writeTokenizer(Path dir) throws IOException {
        ByteLevelTokenizerFiles.write(dir, SPECIALS);
        Path cfg = dir.resolve("tokenizer_config.json");
        ObjectNode o = (ObjectNode) JSON.readTree(cfg.toFile());
        o.put("chat_template", BARE_TEMPLATE);
        Files.writeString(cfg, JSON.writeValueAsString(o));
    }
}
