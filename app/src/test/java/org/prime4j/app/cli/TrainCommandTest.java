package org.prime4j.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {



    @Test
    void aConfigErrorNamesFileLineAndFieldWithExitCode2(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("run.yaml");
        Files.writeString(cfg, "model:\n  policy: sft\ndata:\n  train: t.jsonl\npolicy:\n  learning_rate: 0.1\n");
        CliRun r = CliRun.of("train", "--config", cfg.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains(cfg + " line 6, policy.learning_rate: unknown field 'learning_rate'");

        CliRun missing = CliRun.of("train", "--config", dir.resolve("nope.yaml").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.yaml: the config file does not exist");
    }

    @Test
    void aMissingDataFileIsAConfigErrorOnItsLineWithExitCode2(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("run.yaml");
        Files.writeString(cfg, "model:\n  policy: sft\ndata:\n  train: t.jsonl\n");
        CliRun r = CliRun.of("train", "--config", cfg.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("prime4j train: " + cfg + " line 4, data.train: "
                + dir.toAbsolutePath().resolve("t.jsonl") + ": no such file" + System.lineSeparator());
    }

    @Test
    void badDataLinesStopTheRunBeforeAnythingStarts(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("run.yaml"), "model:\n  policy: sft\ndata:\n  train: t.jsonl\n");
        Files.writeString(dir.resolve("t.jsonl"), "{\"prompt\": \"1+1\", \"answer\": 2}\n{\"prompt\": \"2+2\"}\n");
        CliRun r = CliRun.of("train", "--config", dir.resolve("run.yaml").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("1 bad line in").contains("t.jsonl:2: reward_model.ground_truth");
        assertThat(dir.resolve("runs")).doesNotExist();
    }
}
