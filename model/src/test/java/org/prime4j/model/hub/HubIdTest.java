package org.prime4j.model.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What counts as a Hub id, and the settings the environment gives. */
class HubIdTest {

    @Test
    void namespacedIdsWithAnOptionalRevisionAreHubIds() {
        assertEquals(new HubId("Qwen/Qwen2.5-Math-1.5B", "main"), HubId.parse("Qwen/Qwen2.5-Math-1.5B").orElseThrow());
        assertEquals(new HubId("meta-llama/Llama-3.2-1B", "v1.0"),
                HubId.parse("meta-llama/Llama-3.2-1B@v1.0").orElseThrow());
        assertEquals("refs/pr/3", HubId.parse("a/b@refs/pr/3").orElseThrow().revision());
        assertTrue(HubId.parse("a/b@0123456789abcdef0123456789abcdef01234567").orElseThrow().pinned());
        assertEquals("models--Qwen--Qwen2.5-Math-1.5B", HubId.parse("Qwen/Qwen2.5-Math-1.5B").orElseThrow().cacheFolder());
    }

    @Test
    void pathsAndBareNamesAreNot() {
        for (String s : new String[] {"sft", "./sft", "../models/x", "/abs/org/name", "a/b/c", "a--b/c", "a/b..c",
                "org/name.", "-org/name", "org/name@", "org/name@../x", "out/", "org/ name"}) {
            assertFalse(HubId.parse(s).isPresent(), s);
        }
    }

    @Test
    void anExistingLocalPathWinsOverAnIdOfTheSameShape(@TempDir Path base) throws Exception {
        Files.createDirectories(base.resolve("Qwen/Qwen2.5-Math-1.5B"));
        HubSettings s = new HubSettings("http://127.0.0.1:1", null, base.resolve("cache"), true, false);
        assertEquals(base.resolve("Qwen/Qwen2.5-Math-1.5B"), new ModelLocator(s).locate("Qwen/Qwen2.5-Math-1.5B", base));
        assertFalse(ModelLocator.isHubId("Qwen/Qwen2.5-Math-1.5B", base));
        assertTrue(ModelLocator.isHubId("Qwen/Qwen2.5-Math-7B", base));
        // not an id and not there: the local path comes back for the caller's own error
        assertEquals(base.resolve("missing"), new ModelLocator(s).locate("missing", base));
    }

    @Test
    void settingsComeFromTheVariablesHuggingfaceHubReads(@TempDir Path home) throws Exception {
        HubSettings d = HubSettings.from(Map.of(), home);
        assertEquals("https://huggingface.co", d.endpoint());
        assertEquals(home.resolve(".cache/huggingface/hub"), d.cache());
        assertFalse(d.offline());

        HubSettings h = HubSettings.from(Map.of("HF_HOME", "/data/hf", "HF_ENDPOINT", "http://mirror:8080/",
                "HF_HUB_OFFLINE", "1", "HF_TOKEN", "hf_secret"), home);
        assertEquals(Path.of("/data/hf/hub"), h.cache());
        assertEquals("http://mirror:8080", h.endpoint());
        assertTrue(h.offline());
        assertEquals("hf_secret", h.token());
        assertFalse(h.toString().contains("hf_secret"), h.toString());

        assertEquals(Path.of("/c"), HubSettings.from(Map.of("HF_HOME", "/data/hf", "HF_HUB_CACHE", "/c"), home).cache());

        // the token `hf auth login` saved, when HF_TOKEN is unset
        Files.createDirectories(home.resolve(".cache/huggingface"));
        Files.writeString(home.resolve(".cache/huggingface/token"), "hf_saved\n");
        assertEquals("hf_saved", HubSettings.from(Map.of(), home).token());
    }
}
