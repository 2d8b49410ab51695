package org.prime4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, item 7: the edge cases where ported vLLM API tests failed, each answered as current vLLM answers
 * it. The vLLM source each follows is named in the test (and in docs/design.md).
 */
class VllmEdgeCasesTest {

    @TempDir static Path dir;
    static FakeServingModel model;
    static EmbeddedServer server;
    static HttpJson http;

    @BeforeAll
    static void start() throws IOException {
        model = new FakeServingModel(dir, 0, 256);
        server = EmbeddedServer.start(model, ServerOptions.loopback("m").withLora(true).withMaxLoraRank(16));
        http = new HttpJson(server.baseUrl());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static JsonNode choice(String body) {
        return http.ok("/v1/completions", body).get("choices").get(0);
    }

    /** completion/protocol.py validate_stream_options. */
    @Test
    void streamOptionsWithoutStreamIsA400() {
        HttpJson.Response r = http.post("/v1/completions",
                "{\"prompt\":\"a\",\"stream_options\":{\"include_usage\":true}}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").get("message").asText())
                .isEqualTo("Stream options can only be defined when `stream=True`.");
        assertThat(r.json().get("error").get("param").asText()).isEqualTo("stream_options");
        // an empty object is falsy in vLLM's check, and stream:false with null options is fine
        assertThat(http.post("/v1/completions", "{\"prompt\":\"a\",\"max_tokens\":1,\"stream_options\":{}}")
                .status()).isEqualTo(200);
        assertThat(http.post("/v1/completions", "{\"prompt\":\"a\",\"max_tokens\":1,\"stream\":false,"
                + "\"stream_options\":null}").status()).isEqualTo(200);
    }

    /** completion/protocol.py to_sampling_params: prompt_logprobs defaults to logprobs when echo is set. */
    @Test
    void echoWithLogprobsFillsPromptLogprobs() {
        JsonNode c = choice("{\"prompt\":\"abcd\",\"max_tokens\":2,\"logprobs\":2,\"echo\":true,\"ignore_eos\":true}");
        JsonNode pl = c.get("prompt_logprobs");
        assertThat(pl).hasSize(5); // BOS + 4 characters
        assertThat(pl.get(0).isNull()).isTrue();
        for (int j = 1; j < 5; j++) {
            assertThat(pl.get(j).size()).isBetween(1, 3); // the token itself and up to 2 more
        }
        JsonNode explicit = choice("{\"prompt\":\"abcd\",\"max_tokens\":2,\"prompt_logprobs\":2,\"ignore_eos\":true}")
                .get("prompt_logprobs");
        assertThat(pl).isEqualTo(explicit);
        // without echo nothing is filled
        assertThat(choice("{\"prompt\":\"abcd\",\"max_tokens\":2,\"logprobs\":2}").get("prompt_logprobs").isNull())
                .isTrue();
    }

    /** completion/serving.py request_output_to_completion_response: echo + return_token_ids echoes no text. */
    @Test
    void echoWithReturnTokenIdsReturnsOnlyTheGeneratedText() {
        String base = "\"prompt\":\"abcd\",\"max_tokens\":5,\"seed\":4,\"ignore_eos\":true,\"return_token_ids\":true";
        JsonNode echoed = choice("{" + base + ",\"echo\":true}");
        JsonNode plain = choice("{" + base + "}");
        assertThat(echoed.get("text").asText()).isEqualTo(plain.get("text").asText()).hasSize(5);
        assertThat(echoed.get("token_ids")).isEqualTo(plain.get("token_ids"));
        assertThat(echoed.get("prompt_token_ids")).hasSize(5);
        // without return_token_ids the prompt is echoed
        assertThat(choice("{\"prompt\":\"abcd\",\"max_tokens\":5,\"seed\":4,\"ignore_eos\":true,\"echo\":true}")
                .get("text").asText()).isEqualTo("abcd" + plain.get("text").asText());
    }

    /** completion/protocol.py (max_tokens=1 when echo and max_tokens 0) and serving.py (prompt only, usage counts it). */
    @Test
    void echoWithZeroMaxTokensSamplesOneTokenShowsThePromptAndCountsIt() {
        JsonNode r = http.ok("/v1/completions", "{\"prompt\":\"abcd\",\"max_tokens\":0,\"echo\":true,\"logprobs\":1,"
                + "\"return_token_ids\":false,\"ignore_eos\":true}");
        JsonNode c = r.get("choices").get(0);
        assertThat(c.get("text").asText()).isEqualTo("abcd");
        assertThat(c.get("logprobs").get("tokens")).hasSize(5); // the prompt's tokens only
        assertThat(c.get("finish_reason").asText()).isEqualTo("length");
        assertThat(r.get("usage").get("completion_tokens").asInt()).isEqualTo(1);
        JsonNode ids = choice("{\"prompt\":\"abcd\",\"max_tokens\":0,\"echo\":true,\"return_token_ids\":true,"
                + "\"ignore_eos\":true}");
        assertThat(ids.get("token_ids")).hasSize(1);
        assertThat(ids.get("text").asText()).isEmpty();
        // without echo, max_tokens 0 stays an error
        assertThat(http.post("/v1/completions", "{\"prompt\":\"abcd\",\"max_tokens\":0}").status()).isEqualTo(400);
    }

    /** completion/protocol.py normalize_null_max_tokens: null is the field's default, 16. */
    @Test
    void nullMaxTokensIsSixteen() {
        JsonNode r = http.ok("/v1/completions", "{\"prompt\":\"ab\",\"max_tokens\":null,\"ignore_eos\":true}");
        assertThat(r.get("usage").get("completion_tokens").asInt()).isEqualTo(16);
    }

    /** serve/utils/api_utils.py validate_json_request, a dependency of the completion, tokenize and LoRA routes. */
    @Test
    void formEncodedAndUntypedBodiesAreRefused() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        for (String path : new String[] {"/v1/completions", "/tokenize", "/detokenize", "/v1/load_lora_adapter"}) {
            for (String type : new String[] {"application/x-www-form-urlencoded", "text/plain", null}) {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                        .POST(HttpRequest.BodyPublishers.ofString("prompt=abc&max_tokens=2"));
                if (type != null) {
                    b.header("Content-Type", type);
                }
                HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(path + " " + type).isEqualTo(400);
                assertThat(HttpJson.JSON.readTree(r.body()).get("error").get("message").asText())
                        .isEqualTo("Unsupported Media Type: Only 'application/json' is allowed");
            }
        }
        HttpResponse<String> ok = client.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/completions"))
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"a\",\"max_tokens\":1}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
    }

    static Path adapter(String name, String config, int bias) throws IOException {
        Path a = Files.createDirectories(dir.resolve(name));
        Files.writeString(a.resolve("adapter_config.json"), config);
        Files.writeString(a.resolve("bias_token"), Integer.toString(bias));
        return a;
    }

    static String load(String name, Path path, String extra) {
        return "{\"lora_name\":\"" + name + "\",\"lora_path\":" + HttpJson.JSON.valueToTree(path.toString()) + extra
                + "}";
    }

    /** models/serving.py load_lora_adapter: LoRAAdapterNotFoundError is a 404; missing fields a 400. */
    @Test
    void aLoraPathWithoutAnAdapterIsA404() {
        HttpJson.Response r = http.post("/v1/load_lora_adapter", load("ghost", dir.resolve("nowhere"), ""));
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("error").get("type").asText()).isEqualTo("NotFoundError");
        assertThat(r.json().get("error").get("message").asText())
                .isEqualTo("Loading lora ghost failed: No adapter found for " + dir.resolve("nowhere"));
        HttpJson.Response missing = http.post("/v1/load_lora_adapter", "{\"lora_name\":\"ghost\"}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().get("error").get("message").asText())
                .isEqualTo("Both 'lora_name' and 'lora_path' must be provided.");
    }

    /** lora/peft_helper.py validate_legal; current vLLM answers these 500 (tests/entrypoints/openai/test_lora_adapters.py). */
    @Test
    void adaptersVllmCannotServeAreRefusedWithItsMessages() throws Exception {
        HttpJson.Response rank = http.post("/v1/load_lora_adapter",
                load("big", adapter("big", "{\"r\":32}", 40), ""));
        assertThat(rank.status()).isEqualTo(500);
        assertThat(rank.json().get("error").get("message").asText())
                .isEqualTo("LoRA rank 32 is greater than max_lora_rank 16.");
        HttpJson.Response save = http.post("/v1/load_lora_adapter",
                load("head", adapter("head", "{\"r\":8,\"modules_to_save\":[\"lm_head\"]}", 40), ""));
        assertThat(save.status()).isEqualTo(500);
        assertThat(save.json().get("error").get("message").asText())
                .isEqualTo("vLLM only supports modules_to_save being None.");
        assertThat(http.get("/v1/models").json().get("data")).hasSize(1); // neither was loaded

        try (EmbeddedServer wide = EmbeddedServer.start(new FakeServingModel(dir, 0, 256),
                ServerOptions.loopback("m").withLora(true).withMaxLoraRank(64))) {
            assertThat(new HttpJson(wide.baseUrl()).post("/v1/load_lora_adapter",
                    load("big", dir.resolve("big"), "")).status()).isEqualTo(200);
        }
    }

    /** models/serving.py _check_load_lora_adapter_request: a loaded name needs load_inplace to be replaced. */
    @Test
    void loadInplaceReplacesAnAdapterUnderItsName() throws Exception {
        String greedy = "{\"model\":\"swap\",\"prompt\":\"abc\",\"max_tokens\":8,\"temperature\":0,"
                + "\"ignore_eos\":true,\"return_token_ids\":true}";
        Path first = adapter("swap1", "{\"r\":8}", 40);
        Path second = adapter("swap2", "{\"r\":8}", 60);
        assertThat(http.post("/v1/load_lora_adapter", load("swap", first, "")).status()).isEqualTo(200);
        JsonNode before = choice(greedy).get("token_ids");

        HttpJson.Response again = http.post("/v1/load_lora_adapter", load("swap", second, ""));
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.json().get("error").get("message").asText()).isEqualTo("The lora adapter 'swap' has "
                + "already been loaded. If you want to load the adapter in place, set 'load_inplace' to True.");
        assertThat(choice(greedy).get("token_ids")).isEqualTo(before);

        assertThat(http.post("/v1/load_lora_adapter", load("swap", second, ",\"load_inplace\":true")).status())
                .isEqualTo(200);
        JsonNode after = choice(greedy).get("token_ids");
        assertThat(after).isNotEqualTo(before);
        JsonNode models = http.get("/v1/models").json().get("data");
        assertThat(models.findValuesAsText("root")).contains(second.toString());
        assertThat(http.post("/v1/unload_lora_adapter", "{\"lora_name\":\"swap\"}").status()).isEqualTo(200);
    }

    /** v1/executor/abstract.py sleep / wake_up: is_sleeping stays true until every tag is awake. */
    @Test
    void partialWakeUpKeepsTheServerAsleepUntilEveryTagIsAwake() {
        assertThat(http.post("/sleep?level=1", "").status()).isEqualTo(200);
        assertThat(sleeping()).isTrue();
        assertThat(http.post("/wake_up?tags=weights", "").status()).isEqualTo(200);
        assertThat(sleeping()).isTrue();
        // a tag that is not asleep: vLLM logs and wakes nothing
        assertThat(http.post("/wake_up?tags=weights&tags=kv_cache", "").status()).isEqualTo(200);
        assertThat(sleeping()).isTrue();
        assertThat(http.post("/wake_up?tags=kv_cache", "").status()).isEqualTo(200);
        assertThat(sleeping()).isFalse();

        http.post("/sleep", "");
        assertThat(http.post("/wake_up?tags=weights&tags=kv_cache", "").status()).isEqualTo(200);
        assertThat(sleeping()).isFalse();
        http.post("/sleep", "");
        http.post("/wake_up", "");
        assertThat(sleeping()).isFalse();
    }

    static boolean sleeping() {
        return http.get("/is_sleeping").json().get("is_sleeping").asBoolean();
    }

    /** dev/cache/api_router.py reset_prefix_cache: {"success": bool}. */
    @Test
    void resetPrefixCacheRepliesWithSuccess() {
        HttpJson.Response r = http.post("/reset_prefix_cache", "");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json()).isEqualTo(HttpJson.JSON.createObjectNode().put("success", true));
    }
}
