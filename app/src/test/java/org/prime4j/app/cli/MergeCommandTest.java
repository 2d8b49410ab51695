package org.prime4j.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.model.config.ModelConfig;
import org.prime4j.model.io.DType;
import org.prime4j.model.lora.LoraAdapter;
import org.prime4j.model.lora.LoraConfig;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.nn.OwnedArrays;
import org.prime4j.model.nn.PaddedBatch;
import org.prime4j.model.tokenizer.ByteLevelTokenizerFiles;

class MergeCommandTest {

    private static final List<int[]> BATCH = List.of(new int[] {3, 70, 71, 72, 9, 200, 11}, new int[] {40, 41, 42});

    private static float[] logits(CausalLM model) {
        try (NDManager call = model.manager().newSubManager()) {
            return model.logits(call, PaddedBatch.leftPad(BATCH, 0)).toFloatArray();
        }
    }

    @Test
    void theMergedCheckpointGivesTheLogitsOfBasePlusAdapter(@TempDir Path tmp) throws Exception {
        Path base = tmp.resolve("base");
        Path adapterDir = tmp.resolve("adapter");
        // Llama: no q/k/v biases, so every projection's merge is W + scale * B A alone.
        ModelConfig config = ModelConfig.tiny(ModelConfig.Architecture.LLAMA, 32, 2, 4, 2, 259);
        float[] expected;
        float[] baseLogits;
        try (CausalLM m = CausalLM.random(config, 7, 0.2)) {
            m.save(base, DType.F32, 0);
            ByteLevelTokenizerFiles.write(base, ByteLevelTokenizerFiles.CHATML_SPECIALS);
            baseLogits = logits(m);
            LoraConfig lc = new LoraConfig(4, 12, List.of("q_proj", "v_proj", "o_proj", "gate_proj", "down_proj"),
                    0, base.toString());
            try (LoraAdapter a = LoraAdapter.create(m, lc, 1)) {
                Random rng = new Random(2);
                for (Map.Entry<String, NDArray> p : a.parameters().entrySet()) {
                    float[] v = new float[Math.toIntExact(p.getValue().size())];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) (rng.nextGaussian() * 0.2);
                    }
                    OwnedArrays.overwrite(p.getValue(), v);
                }
                a.setTrainable(false);
                a.save(adapterDir);
                m.setAdapter(a);
                expected = logits(m);
                m.setAdapter(null);
            }
        }
        CliRun run = CliRun.of("merge", "--base", base.toString(), "--adapter", adapterDir.toString(), "--out",
                tmp.resolve("merged").toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("prime4j merge: wrote");
        assertThat(tmp.resolve("merged/tokenizer.json")).isRegularFile();
        float[] merged;
        try (CausalLM m = CausalLM.load(tmp.resolve("merged"))) {
            assertThat(m.adapter()).isNull();
            merged = logits(m);
        }
        double moved = 0;
        for (int i = 0; i < expected.length; i++) {
            moved = Math.max(moved, Math.abs(expected[i] - baseLogits[i]));
        }
        assertThat(moved).as("the adapter changes the logits, so the comparison can fail").isGreaterThan(1e-2);
        assertThat(merged).usingComparatorWithPrecision(1e-5f).containsExactly(expected);
    }

    @Test
    void badArgumentsAreOneLineUsageErrors(@TempDir Path tmp) throws Exception {
        CliRun noAdapter = CliRun.of("merge", "--base", tmp.toString(), "--adapter", tmp.toString(), "--out",
                tmp.resolve("o").toString());
        assertThat(noAdapter.exit()).isEqualTo(2);
        assertThat(noAdapter.err()).contains("--base " + tmp + " holds no config.json");
        Files.writeString(tmp.resolve("config.json"), "{}");
        CliRun exists = CliRun.of("merge", "--base", tmp.toString(), "--adapter", tmp.toString(), "--out",
                tmp.toString());
        assertThat(exists.exit()).isEqualTo(2);
        assertThat(exists.err()).contains("holds no adapter_config.json");
    }
}
