package org.prime4j.orchestrator.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.prime4j.model.config.ModelConfig;
import org.prime4j.model.io.DType;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.tokenizer.ByteLevelTokenizerFiles;
import org.prime4j.orchestrator.config.TrainConfig;
import org.prime4j.orchestrator.config.TrainConfigReader;
import org.prime4j.verifiers.Verification;
import org.prime4j.verifiers.VerificationItem;
import org.prime4j.verifiers.Verifier;

/** A tiny random Qwen2 with a byte-level ChatML tokenizer, a prompt file and a config around it. */
final class TinyRun {

    static final ModelConfig CONFIG = ModelConfig.tiny(ModelConfig.Architecture.QWEN2, 64, 2, 4, 2, 259);

    private TinyRun() {}

    static Path model(Path dir, long seed) throws IOException {
        return model(dir, seed, DType.F32);
    }

    /** The tiny model stored in {@code dtype} (BF16: a base the trainer holds in 16 bits). */
    static Path model(Path dir, long seed, DType dtype) throws IOException {
        try (CausalLM m = CausalLM.random(CONFIG, seed, 0.3)) {
            m.save(dir, dtype, 0);
        }
        ByteLevelTokenizerFiles.write(dir, ByteLevelTokenizerFiles.CHATML_SPECIALS);
        return dir;
    }

    /**
     * A run directory as the loop tests use it: {@code sft} links to the shared tiny model (made once per class),
     * {@code train.jsonl} holds 12 parity prompts.
     */
    static Path runDir(Path dir, Path sft) throws IOException {
        Files.createDirectories(dir);
        Files.createSymbolicLink(dir.resolve("sft"), sft);
        prompts(dir.resolve("train.jsonl"), 12, "parity");
        return dir;
    }

    /** Run options of the loop tests: the parity verifier, progress into {@code progress}. */
    static RunOptions options(OutputStream progress) {
        return RunOptions.defaults().withExtraVerifiers(List.of(new Parity()))
                .withProgress(new PrintStream(progress, true, StandardCharsets.UTF_8));
    }

    /** {@link #options(OutputStream)} with the progress thrown away. */
    static RunOptions options() {
        return options(OutputStream.nullOutputStream());
    }

    /** A metrics line without its timings, which differ between runs. */
    static JsonNode withoutTime(JsonNode line) {
        ObjectNode copy = line.deepCopy();
        copy.remove("time");
        return copy;
    }

    static Path prompts(Path file, int n, String ability) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add("{\"prompt\": \"" + (10 + i) + "+" + (3 * i) + "=\", \"ability\": \"" + ability
                    + "\", \"reward_model\": {\"ground_truth\": \"" + (10 + 4 * i) + "\"}, \"data_source\": \"tiny\"}");
        }
        Files.write(file, lines);
        return file;
    }

    /** The config of the tests: 2 prompts x 4 samples per step, short responses, PRM and policy at lr 1e-3. */
    static TrainConfig config(Path dir, String extraYaml) throws IOException {
        Path yaml = dir.resolve("run.yaml");
        Files.writeString(yaml, """
                model:
                  policy: sft
                data:
                  train: train.jsonl
                  eval: train.jsonl
                  eval_limit: 3
                rollout: {k: 4, prompts_per_step: 2, max_tokens: 6, request_batch_size: 16, oversampling: 2.0,
                          max_refills: 4}
                prm: {lr: 1.0e-3, micro_batch: 4}
                policy: {lr: 1.0e-3, mini_batch: 4, micro_batch: 2}
                verifier: {parallelism: 2}
                run: {out: out, steps: 3, seed: 11, checkpoint_every: 2, eval_every: 3}
                """ + extraYaml);
        return TrainConfigReader.read(yaml);
    }

    /**
     * A verifier whose verdict depends only on the response: 1 when its first byte is even. On a random model
     * about half the responses pass, so most groups are mixed and pass PRIME's filter.
     */
    static final class Parity implements Verifier {
        @Override
        public String name() {
            return "parity";
        }

        @Override
        public Verification verify(VerificationItem item) {
            String r = item.response();
            return r.isEmpty() || r.charAt(0) % 2 != 0 ? Verification.wrong("odd") : Verification.correct("even");
        }
    }

    /** A verifier that marks everything wrong: no group passes PRIME's filter. */
    static final class Zero implements Verifier {
        @Override
        public String name() {
            return "zero";
        }

        @Override
        public Verification verify(VerificationItem item) {
            return Verification.wrong("never");
        }
    }

    /** A verifier that always throws. */
    static final class Broken implements Verifier {
        @Override
        public String name() {
            return "broken";
        }

        @Override
        public Verification verify(VerificationItem item) {
            throw new IllegalStateException("verifier bug");
        }
    }
}
