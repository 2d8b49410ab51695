package org.prime4j.orchestrator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.model.hub.HubSettings;
import org.prime4j.model.hub.ModelLocator;

/** model.* may name Hub ids: they become snapshot directories of the HF cache; errors name the field and line. */
class TrainConfigHubIdsTest {

    static final String SHA = "89abcdef0123456789abcdef0123456789abcdef";

    /** A complete cached model, as huggingface_hub leaves it (plain files stand in for the blob links). */
    static Path cached(Path cache, String folder) throws Exception {
        Path repo = cache.resolve(folder);
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), SHA);
        Path snap = Files.createDirectories(repo.resolve("snapshots").resolve(SHA));
        for (String f : new String[] {"config.json", "tokenizer.json", "model.safetensors"}) {
            Files.writeString(snap.resolve(f), "{}");
        }
        return snap;
    }

    @Test
    void hubIdsBecomeCacheSnapshotsAndLocalPathsStayLocal(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("hf/hub");
        Path snap = cached(cache, "models--Qwen--Qwen2.5-Math-1.5B");
        Files.createDirectories(dir.resolve("prm-init"));
        Files.writeString(dir.resolve("train.jsonl"), "");
        Path file = dir.resolve("run.yaml");
        Files.writeString(file, """
                model: {policy: Qwen/Qwen2.5-Math-1.5B, prm: prm-init}
                data: {train: train.jsonl}
                """);
        // offline and pointed at a dead port: nothing may touch the network
        ModelLocator offline = new ModelLocator(new HubSettings("http://127.0.0.1:1", null, cache, true, false));
        TrainConfig c = TrainConfigReader.read(file, offline);
        assertEquals(snap, c.model().policy());
        assertEquals(snap, c.model().reference());
        assertEquals(dir.toAbsolutePath().resolve("prm-init"), c.model().prm());
    }

    @Test
    void aModelThatCannotBeHadIsAnErrorOnItsFieldsLine(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("hf/hub");
        cached(cache, "models--Qwen--Qwen2.5-Math-1.5B");
        Path file = dir.resolve("run.yaml");
        Files.writeString(file, """
                model:
                  policy: Qwen/Qwen2.5-Math-1.5B
                  reference: Qwen/Qwen2.5-Math-7B@main
                data: {train: train.jsonl}
                """);
        ModelLocator offline = new ModelLocator(new HubSettings("http://127.0.0.1:1", null, cache, true, false));
        ConfigException e = assertThrows(ConfigException.class, () -> TrainConfigReader.read(file, offline));
        assertEquals("model.reference", e.field());
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("HF_HUB_OFFLINE is set and Qwen/Qwen2.5-Math-7B is not in the cache"),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
