package org.prime4j.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.testkit.RepoFiles;

/** {@code prime4j train} on parquet data: one PRIME step of the shipped arithmetic SFT model on the embedded servers. */
class TrainParquetTest {

    @Test
    void oneStepOnAParquetShardDirectory(@TempDir Path dir) throws Exception {
        Path fixture = RepoFiles.root().resolve("orchestrator/src/test/resources/fixtures/parquet/arithmetic.parquet");
        Path shards = Files.createDirectories(dir.resolve("data"));
        Files.copy(fixture, shards.resolve("train-00000-of-00001.parquet"));
        Path sft = RepoFiles.example("arithmetic/sft");
        Files.writeString(dir.resolve("run.yaml"), """
                model: {policy: %s}
                data: {train: data, eval: data/train-*.parquet, eval_limit: 2}
                rollout: {k: 2, prompts_per_step: 2, max_tokens: 16, request_batch_size: 4}
                filter: {accuracy: false}
                prm: {lr: 1.0e-3, micro_batch: 4}
                policy: {lr: 1.0e-3, mini_batch: 4, micro_batch: 4}
                run: {out: out, steps: 1, checkpoint_every: 0, eval_every: 1}
                """.formatted(sft));
        CliRun r = CliRun.of("train", "--config", dir.resolve("run.yaml").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = Files.readAllLines(dir.resolve("out/metrics.jsonl"));
        assertThat(lines).hasSize(1);
        JsonNode m = new ObjectMapper().readTree(lines.get(0));
        assertThat(m.get("step").asInt()).isEqualTo(1);
        assertThat(m.get("sampled_prompts").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(m.get("eval_accuracy").isNumber()).as(lines.get(0)).isTrue();
        assertThat(m.get("verify_errors").asInt()).isZero();
        assertThat(dir.resolve("out/weights/step-1/model.safetensors")).exists();
    }

    @Test
    void badParquetRowsStopTheRunBeforeAnythingStarts(@TempDir Path dir) throws Exception {
        Path bad = RepoFiles.root().resolve("orchestrator/src/test/resources/fixtures/parquet/bad.parquet");
        Files.writeString(dir.resolve("run.yaml"), "model:\n  policy: sft\ndata:\n  train: " + bad + "\n");
        CliRun r = CliRun.of("train", "--config", dir.resolve("run.yaml").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("5 bad lines in " + bad).contains(bad + ":2: prompt: missing")
                .contains(bad + ":4: prompt[0].content: missing or not a string");
        assertThat(dir.resolve("runs")).doesNotExist();
    }
}
