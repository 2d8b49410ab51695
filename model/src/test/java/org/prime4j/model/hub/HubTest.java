package org.prime4j.model.hub;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ModelLocator} against a stand-in Hub (WireMock on loopback) that answers as huggingface.co does: the
 * revision API, {@code resolve} URLs whose HEAD carries {@code X-Linked-Etag} and redirects LFS files to a
 * CDN path, 401 with {@code X-Error-Code: GatedRepo}, 404, and range requests.
 */
class HubTest {

    static final String REPO = "org/tiny";
    static final String SHA = "0123456789abcdef0123456789abcdef01234567";

    WireMockServer hub;
    @TempDir Path cache;

    /** rfilename -> contents of the stand-in repository. */
    final Map<String, byte[]> files = new LinkedHashMap<>();

    @BeforeEach
    void start() {
        hub = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        hub.start();
        files.put("config.json", "{\"model_type\": \"qwen2\"}".getBytes(StandardCharsets.UTF_8));
        files.put("tokenizer.json", "{\"model\": {\"vocab\": {}}}".getBytes(StandardCharsets.UTF_8));
        files.put("generation_config.json", "{}".getBytes(StandardCharsets.UTF_8));
        byte[] weights = new byte[300_000];
        new Random(7).nextBytes(weights);
        files.put("model.safetensors", weights);
    }

    @AfterEach
    void stop() {
        hub.stop();
    }

    HubSettings settings(String token) {
        return new HubSettings("http://127.0.0.1:" + hub.port(), token, cache, false, true);
    }

    ModelLocator locator(HubSettings s) {
        return new ModelLocator(s, new OkHttpClient(), Duration.ofMillis(10));
    }

    /** The revision API and every file: small files served directly, safetensors via a 302 to /cdn/. */
    void serveRepo(String revision) {
        StringBuilder siblings = new StringBuilder();
        for (String f : files.keySet()) {
            siblings.append("{\"rfilename\":\"").append(f).append("\"},");
        }
        siblings.append("{\"rfilename\":\"pytorch_model.bin\"},{\"rfilename\":\"onnx/model.onnx\"}");
        hub.stubFor(get("/api/models/" + REPO + "/revision/" + revision).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"id\":\"" + REPO + "\",\"sha\":\"" + SHA + "\",\"siblings\":[" + siblings + "]}")));
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            String path = "/" + REPO + "/resolve/" + SHA + "/" + e.getKey();
            if (e.getKey().endsWith(".safetensors")) {
                String cdn = "/cdn/" + sha256(e.getValue());
                hub.stubFor(head(urlEqualTo(path)).willReturn(aResponse().withStatus(302)
                        .withHeader("Location", cdn)
                        .withHeader("X-Linked-Etag", "\"" + sha256(e.getValue()) + "\"")
                        .withHeader("X-Linked-Size", String.valueOf(e.getValue().length))
                        .withHeader("X-Repo-Commit", SHA)));
                hub.stubFor(get(urlEqualTo(path)).willReturn(aResponse().withStatus(302).withHeader("Location", cdn)));
                hub.stubFor(get(urlEqualTo(cdn)).atPriority(5).willReturn(aResponse().withStatus(200)
                        .withBody(e.getValue())));
            } else {
                String etag = "\"" + Integer.toHexString(Arrays.hashCode(e.getValue())) + "\"";
                hub.stubFor(head(urlEqualTo(path)).willReturn(aResponse().withStatus(200)
                        .withHeader("ETag", etag).withHeader("X-Repo-Commit", SHA)));
                hub.stubFor(get(urlEqualTo(path)).willReturn(aResponse().withStatus(200)
                        .withHeader("ETag", etag).withBody(e.getValue())));
            }
        }
    }

    @Test
    void resolvesThroughRedirectsIntoTheHuggingfaceHubLayout() throws Exception {
        serveRepo("main");
        Path dir = locator(settings("hf_test_token")).locate(REPO, null);

        Path repo = cache.resolve("models--org--tiny");
        assertEquals(repo.resolve("snapshots").resolve(SHA), dir);
        assertEquals(SHA, Files.readString(repo.resolve("refs/main")));
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Path f = dir.resolve(e.getKey());
            assertTrue(Files.isSymbolicLink(f), f.toString());
            Path target = Files.readSymbolicLink(f);
            assertFalse(target.isAbsolute(), target.toString());
            assertTrue(target.toString().startsWith("../../blobs/"), target.toString());
            assertArrayEquals(e.getValue(), Files.readAllBytes(f), e.getKey());
        }
        // the LFS blob is named by its sha256, as huggingface_hub names it
        assertEquals(dir.resolve("../../blobs/" + sha256(files.get("model.safetensors"))).normalize(),
                dir.resolve(Files.readSymbolicLink(dir.resolve("model.safetensors"))).normalize());
        assertFalse(Files.exists(dir.resolve("pytorch_model.bin")));
        hub.verify(0, getRequestedFor(urlMatching(".*(pytorch_model\\.bin|onnx).*")));
        hub.verify(getRequestedFor(urlEqualTo("/api/models/" + REPO + "/revision/main"))
                .withHeader("Authorization", equalTo("Bearer hf_test_token")));
        assertTrue(Files.list(repo.resolve("blobs")).noneMatch(p -> p.toString().endsWith(".incomplete")));

        // a second run downloads nothing: it only asks which commit main is at
        hub.resetRequests();
        assertEquals(dir, locator(settings(null)).locate(REPO + "@main", null));
        hub.verify(0, getRequestedFor(urlMatching("/(org|cdn)/.*")));
        hub.verify(getRequestedFor(urlEqualTo("/api/models/" + REPO + "/revision/main"))
                .withHeader("Authorization", absent()));
    }

    @Test
    void aRevisionIsAskedForByName() throws Exception {
        serveRepo("v1.0");
        Path dir = locator(settings(null)).locate(REPO + "@v1.0", null);
        assertEquals(SHA, Files.readString(cache.resolve("models--org--tiny/refs/v1.0")));
        assertTrue(Files.exists(dir.resolve("config.json")));
    }

    @Test
    void aGatedModelSaysToSetHfTokenAndAcceptTheLicence() {
        hub.stubFor(get(urlMatching("/api/models/.*")).willReturn(aResponse().withStatus(401)
                .withHeader("X-Error-Code", "GatedRepo")));
        HubException e = assertThrows(HubException.class, () -> locator(settings(null)).locate("meta-llama/Llama-3.2-1B", null));
        assertTrue(e.getMessage().contains("HTTP 401") && e.getMessage().contains("gated")
                && e.getMessage().contains("set HF_TOKEN") && e.getMessage().contains("licence"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));

        HubException withToken = assertThrows(HubException.class,
                () -> locator(settings("hf_secret_value")).locate("meta-llama/Llama-3.2-1B", null));
        assertTrue(withToken.getMessage().contains("HF_TOKEN is set"), withToken.getMessage());
        assertFalse(withToken.getMessage().contains("hf_secret_value"));
    }

    @Test
    void anUnknownModelIsA404ThatSaysSo() {
        hub.stubFor(get(urlMatching("/api/models/.*")).willReturn(aResponse().withStatus(404)
                .withHeader("X-Error-Code", "RepositoryNotFound")));
        HubException e = assertThrows(HubException.class, () -> locator(settings(null)).locate("nobody/nothing", null));
        assertTrue(e.getMessage().contains("no such model or revision") && e.getMessage().contains("HTTP 404"),
                e.getMessage());
        hub.stubFor(get(urlMatching("/api/models/.*")).willReturn(aResponse().withStatus(404)
                .withHeader("X-Error-Code", "RevisionNotFound")));
        HubException r = assertThrows(HubException.class, () -> locator(settings(null)).locate("org/tiny@nope", null));
        assertTrue(r.getMessage().contains("no revision 'nope'"), r.getMessage());
    }

    @Test
    void aCutDownloadResumesWithARangeRequest() throws Exception {
        serveRepo("main");
        byte[] weights = files.get("model.safetensors");
        String cdn = "/cdn/" + sha256(weights);
        int cut = 100_000;
        // first answer: the headers promise every byte, the body stops at `cut` and the connection closes
        hub.stubFor(get(urlEqualTo(cdn)).inScenario("cut").whenScenarioStateIs(Scenario.STARTED)
                .withHeader("Range", absent()).atPriority(1)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Length", String.valueOf(weights.length))
                        .withBody(Arrays.copyOf(weights, cut)))
                .willSetStateTo("cut"));
        hub.stubFor(get(urlEqualTo(cdn)).withHeader("Range", equalTo("bytes=" + cut + "-")).atPriority(1)
                .willReturn(aResponse().withStatus(206)
                        .withHeader("Content-Range", "bytes " + cut + "-" + (weights.length - 1) + "/" + weights.length)
                        .withBody(Arrays.copyOfRange(weights, cut, weights.length))));

        Path dir = locator(settings(null)).locate(REPO, null);
        assertArrayEquals(weights, Files.readAllBytes(dir.resolve("model.safetensors")));
        hub.verify(getRequestedFor(urlEqualTo(cdn)).withHeader("Range", equalTo("bytes=" + cut + "-")));
    }

    @Test
    void aPartialFileFromAnEarlierRunIsResumedNotRestarted() throws Exception {
        serveRepo("main");
        byte[] weights = files.get("model.safetensors");
        String etag = sha256(weights);
        int have = 123_456;
        Path part = cache.resolve("models--org--tiny/blobs/" + etag + ".incomplete");
        Files.createDirectories(part.getParent());
        Files.write(part, Arrays.copyOf(weights, have));
        hub.stubFor(get(urlEqualTo("/cdn/" + etag)).withHeader("Range", equalTo("bytes=" + have + "-")).atPriority(1)
                .willReturn(aResponse().withStatus(206).withBody(Arrays.copyOfRange(weights, have, weights.length))));

        Path dir = locator(settings(null)).locate(REPO, null);
        assertArrayEquals(weights, Files.readAllBytes(dir.resolve("model.safetensors")));
        assertFalse(Files.exists(part));
        hub.verify(0, getRequestedFor(urlEqualTo("/cdn/" + etag)).withHeader("Range", absent()));
    }

    @Test
    void aCorruptDownloadFailsItsSha256AndIsDeleted() throws Exception {
        serveRepo("main");
        byte[] weights = files.get("model.safetensors");
        byte[] bad = weights.clone();
        bad[1000] ^= 1;
        String etag = sha256(weights);
        hub.stubFor(get(urlEqualTo("/cdn/" + etag)).atPriority(1).willReturn(aResponse().withStatus(200).withBody(bad)));
        HubException e = assertThrows(HubException.class, () -> locator(settings(null)).locate(REPO, null));
        assertTrue(e.getMessage().contains("sha256") && e.getMessage().contains("model.safetensors"), e.getMessage());
        assertFalse(Files.exists(cache.resolve("models--org--tiny/blobs/" + etag + ".incomplete")));
        assertFalse(Files.exists(cache.resolve("models--org--tiny/blobs/" + etag)));
    }

    @Test
    void offlineACompleteCacheNeedsNoNetwork() throws Exception {
        serveRepo("main");
        Path dir = locator(settings(null)).locate(REPO, null);
        HubSettings off = settings(null).withOffline(true);
        hub.stop(); // nothing listens any more: offline must not try
        assertEquals(dir, locator(off).locate(REPO, null));
        // a pinned commit needs no ref
        assertEquals(dir, locator(off).locate(REPO + "@" + SHA, null));
    }

    @Test
    void offlineAMissingFileIsNamedWithTheCachePath() throws Exception {
        serveRepo("main");
        Path dir = locator(settings(null)).locate(REPO, null);
        Path blob = dir.resolve(Files.readSymbolicLink(dir.resolve("model.safetensors"))).normalize();
        Files.delete(blob); // the snapshot link now dangles, as after a partial `rm` of blobs
        HubSettings off = settings(null).withOffline(true);
        hub.stop();
        HubException e = assertThrows(HubException.class, () -> locator(off).locate(REPO, null));
        assertEquals("HF_HUB_OFFLINE is set and org/tiny is incomplete in the cache: model.safetensors is missing from "
                + dir, e.getMessage());

        HubException never = assertThrows(HubException.class, () -> locator(off).locate("org/other", null));
        assertEquals("HF_HUB_OFFLINE is set and org/other is not in the cache: no "
                + cache.resolve("models--org--other/refs/main"), never.getMessage());
    }

    @Test
    void aShardedModelNeedsEveryShardItsIndexNames() throws Exception {
        files.remove("model.safetensors");
        files.put("model.safetensors.index.json", ("{\"weight_map\": {\"a\": \"model-00001-of-00002.safetensors\","
                + " \"b\": \"model-00002-of-00002.safetensors\"}}").getBytes(StandardCharsets.UTF_8));
        files.put("model-00001-of-00002.safetensors", new byte[] {1, 2, 3});
        files.put("model-00002-of-00002.safetensors", new byte[] {4, 5, 6});
        serveRepo("main");
        Path dir = locator(settings(null).withProgress(false)).locate(REPO, null);
        assertTrue(ModelFiles.firstMissing(dir).isEmpty());
        Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
        assertEquals("model-00002-of-00002.safetensors", ModelFiles.firstMissing(dir).orElseThrow());
    }

    @Test
    void unreachableHubFallsBackToACompleteCache() throws Exception {
        serveRepo("main");
        Path dir = locator(settings(null)).locate(REPO, null);
        hub.stubFor(get(urlMatching("/api/models/.*")).willReturn(aResponse()
                .withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER)));
        assertEquals(dir, locator(settings(null)).locate(REPO, null));
    }

    static String sha256(byte[] b) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
