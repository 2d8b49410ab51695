package org.prime4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Health, version, models, tokenization, routing errors and the API key, as vLLM answers them. */
class ServerEndpointsTest {

    static FakeServingModel model;
    static EmbeddedServer server;
    static HttpJson http;

    @BeforeAll
    static void start() throws Exception {
        model = new FakeServingModel(Path.of("/models/fake"), 0, 128);
        server = EmbeddedServer.start(model, ServerOptions.loopback("fake-model"));
        http = new HttpJson(server.baseUrl());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void healthIsAnEmpty200AndVersionAnswers() {
        HttpJson.Response h = http.get("/health");
        assertThat(h.status()).isEqualTo(200);
        assertThat(h.body()).isEmpty();
        assertThat(http.get("/version").json().get("version").asText()).isNotBlank();
    }

    @Test
    void bindsToLoopbackByDefault() {
        assertThat(server.baseUrl().getHost()).isEqualTo("127.0.0.1");
        assertThat(ServerOptions.loopback("x").host()).isEqualTo(ServerOptions.DEFAULT_HOST);
    }

    @Test
    void modelsListsTheServedName() {
        JsonNode r = http.get("/v1/models").json();
        assertThat(r.get("object").asText()).isEqualTo("list");
        JsonNode m = r.get("data").get(0);
        assertThat(m.get("id").asText()).isEqualTo("fake-model");
        assertThat(m.get("object").asText()).isEqualTo("model");
        assertThat(m.get("owned_by").asText()).isEqualTo("vllm");
        assertThat(m.get("root").asText()).isEqualTo(Path.of("/models/fake").toString());
        assertThat(m.get("parent").isNull()).isTrue();
        assertThat(m.get("max_model_len").asInt()).isEqualTo(128);
        assertThat(m.get("permission").isArray()).isTrue();
    }

    @Test
    void tokenizeAPromptWithSpecialTokensByDefault() {
        JsonNode r = http.ok("/tokenize", "{\"prompt\":\"hi\"}");
        assertThat(CompletionsEndpointTest.ints(r.get("tokens"))).containsExactly(model.tokenize("hi", true));
        assertThat(r.get("count").asInt()).isEqualTo(3);
        assertThat(r.get("max_model_len").asInt()).isEqualTo(128);
        assertThat(r.get("token_strs").isNull()).isTrue();

        JsonNode plain = http.ok("/tokenize", "{\"prompt\":\"hi\",\"add_special_tokens\":false,"
                + "\"return_token_strs\":true}");
        assertThat(plain.get("count").asInt()).isEqualTo(2);
        assertThat(plain.get("token_strs").get(0).asText()).isEqualTo("h");
    }

    @Test
    void tokenizeChatMessagesWithTheTemplateAndTheGenerationPrompt() {
        JsonNode r = http.ok("/tokenize", "{\"messages\":[{\"role\":\"user\",\"content\":\"2+2?\"}]}");
        int[] expected = model.tokenize("user: 2+2?\nassistant: ", false);
        assertThat(CompletionsEndpointTest.ints(r.get("tokens"))).containsExactly(expected);

        JsonNode noGen = http.ok("/tokenize", "{\"messages\":[{\"role\":\"user\",\"content\":\"2+2?\"}],"
                + "\"add_generation_prompt\":false}");
        assertThat(noGen.get("count").asInt()).isEqualTo(expected.length - "assistant: ".length());
    }

    @Test
    void tokenizeRefusesBothOrNeitherForm() {
        HttpJson.Response r = http.post("/tokenize", "{\"model\":\"fake-model\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").get("param").asText()).isEqualTo("prompt");
        HttpJson.Response bad = http.post("/tokenize", "{\"messages\":[{\"role\":\"user\"}]}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").get("param").asText()).startsWith("messages");
    }

    @Test
    void detokenizeRoundTrips() {
        JsonNode ids = http.ok("/tokenize", "{\"prompt\":\"x = 4\",\"add_special_tokens\":false}").get("tokens");
        assertThat(http.ok("/detokenize", "{\"tokens\":" + ids + "}").get("prompt").asText()).isEqualTo("x = 4");
        HttpJson.Response r = http.post("/detokenize", "{\"tokens\":[1000]}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").get("param").asText()).isEqualTo("tokens");
    }

    @Test
    void unknownPathsAndMethodsAnswerAsFastApiDoes() {
        HttpJson.Response missing = http.get("/v1/chat/nothing");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("detail").asText()).isEqualTo("Not Found");
        HttpJson.Response wrong = http.get("/v1/completions");
        assertThat(wrong.status()).isEqualTo(405);
        assertThat(wrong.json().get("detail").asText()).isEqualTo("Method Not Allowed");
    }

    @Test
    void theApiKeyGuardsV1Only() throws Exception {
        try (EmbeddedServer keyed = EmbeddedServer.start(model,
                ServerOptions.loopback("fake-model").withApiKey("s3cret"))) {
            HttpJson anonymous = new HttpJson(keyed.baseUrl());
            HttpJson wrong = new HttpJson(keyed.baseUrl(), "guess");
            HttpJson right = new HttpJson(keyed.baseUrl(), "s3cret");

            HttpJson.Response denied = anonymous.get("/v1/models");
            assertThat(denied.status()).isEqualTo(401);
            assertThat(denied.json().get("error").asText()).isEqualTo("Unauthorized");
            assertThat(wrong.post("/v1/completions", "{\"prompt\":\"a\"}").status()).isEqualTo(401);
            assertThat(right.get("/v1/models").status()).isEqualTo(200);
            assertThat(right.post("/v1/completions", "{\"prompt\":\"a\",\"max_tokens\":1}").status()).isEqualTo(200);
            // vLLM leaves these open: health checks and tokenization need no key
            assertThat(anonymous.get("/health").status()).isEqualTo(200);
            assertThat(anonymous.post("/tokenize", "{\"prompt\":\"a\"}").status()).isEqualTo(200);
            assertThat(ServerOptions.loopback("m").withApiKey("s3cret").toString()).doesNotContain("s3cret");
        }
    }
}
