package org.prime4j.server.djl;

import java.io.IOException;
import java.nio.file.Path;
import org.prime4j.model.config.ModelConfig;
import org.prime4j.model.io.DType;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.tokenizer.ByteLevelTokenizerFiles;

/** Tiny Qwen2 checkpoints with a byte-level ChatML tokenizer, written the way prime4j writes real ones. */
final class TinyCheckpoints {

    static final ModelConfig CONFIG = ModelConfig.tiny(ModelConfig.Architecture.QWEN2, 64, 2, 4, 2, 259);

    private TinyCheckpoints() {}

    /** Random weights from {@code seed} (std 0.3, so distributions are far from uniform). */
    static Path write(Path dir, long seed) throws IOException {
        try (CausalLM m = CausalLM.random(CONFIG, seed, 0.3)) {
            m.save(dir, DType.F32, 0);
        }
        ByteLevelTokenizerFiles.write(dir, ByteLevelTokenizerFiles.CHATML_SPECIALS);
        return dir;
    }
}
