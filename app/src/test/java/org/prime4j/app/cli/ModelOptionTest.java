package org.prime4j.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.model.hub.HubSettings;
import org.prime4j.model.hub.ModelLocator;

/** {@code --model} takes Hub ids; one that cannot be had is a one-line error (offline here: no network). */
class ModelOptionTest {

    @TempDir Path dir;

    @AfterEach
    void restore() {
        ModelOption.locator = ModelLocator::fromEnvironment;
    }

    void offlineCache() {
        HubSettings s = new HubSettings("http://127.0.0.1:1", null, dir.resolve("hub"), true, false);
        ModelOption.locator = () -> new ModelLocator(s);
    }

    @Test
    void serveWithAnUncachedHubIdOfflineIsOneLine() {
        offlineCache();
        CliRun r = CliRun.of("serve", "--model", "Qwen/Qwen2.5-Math-1.5B");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n")
                .contains("HF_HUB_OFFLINE is set and Qwen/Qwen2.5-Math-1.5B is not in the cache")
                .contains(dir.resolve("hub").toString());
    }

    @Test
    void evalAndSftConvertTheirModelOptionTheSameWay() throws Exception {
        offlineCache();
        Path data = Files.writeString(dir.resolve("d.jsonl"), "{\"prompt\": \"1+1\", \"ground_truth\": \"2\"}\n");
        for (String[] args : new String[][] {
                {"eval", "--model", "org/missing@v1", "--data", data.toString()},
                {"sft", "--model", "org/missing@v1", "--data", data.toString(), "--out", dir.resolve("o").toString()}}) {
            CliRun r = CliRun.of(args);
            assertThat(r.exit()).as(args[0]).isEqualTo(2);
            assertThat(r.err().strip()).as(args[0]).doesNotContain("\n")
                    .contains("Invalid value for option '--model'")
                    .contains("org/missing@v1 is not in the cache");
        }
    }

    @Test
    void aCachedHubIdIsItsSnapshotDirectory() throws Exception {
        offlineCache();
        String sha = "0123456789abcdef0123456789abcdef01234567";
        Path repo = dir.resolve("hub/models--org--tiny");
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), sha);
        Path snap = Files.createDirectories(repo.resolve("snapshots").resolve(sha));
        assertThatThrownBy(() -> new ModelOption().convert("org/tiny"))
                .isInstanceOf(picocli.CommandLine.TypeConversionException.class)
                .hasMessage("HF_HUB_OFFLINE is set and org/tiny is incomplete in the cache: config.json is missing from "
                        + snap);
        for (String f : new String[] {"config.json", "tokenizer.json", "model.safetensors"}) {
            Files.writeString(snap.resolve(f), "{}");
        }
        assertThat(new ModelOption().convert("org/tiny")).isEqualTo(snap);
        // an existing local directory of the same shape wins
        Path local = Files.createDirectories(dir.resolve("org/tiny"));
        assertThat(new ModelOption().convert(local.toString())).isEqualTo(local);
    }
}
