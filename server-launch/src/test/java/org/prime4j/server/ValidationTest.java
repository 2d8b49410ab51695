package org.prime4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad requests get vLLM's error JSON with HTTP 400 and the offending field in {@code param}. */
class ValidationTest {

    static EmbeddedServer server;
    static HttpJson http;

    @BeforeAll
    static void start() throws Exception {
        server = EmbeddedServer.start(new FakeServingModel(Path.of("/models/fake"), 0, 64),
                ServerOptions.loopback("fake-model"));
        http = new HttpJson(server.baseUrl());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static JsonNode error(int status, String body) {
        HttpJson.Response r = http.post("/v1/completions", body);
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/json");
        JsonNode e = r.json().get("error");
        assertThat(e).as(r.body()).isNotNull();
        assertThat(e.get("code").asInt()).isEqualTo(status);
        assertThat(e.has("param")).isTrue();
        return e;
    }

    @Test
    void vllmsOwnMessagesForTemperatureAndLogprobs() {
        JsonNode t = error(400, "{\"prompt\":\"a\",\"temperature\":-1}");
        assertThat(t.get("message").asText()).isEqualTo("temperature must be non-negative, got -1.0.");
        assertThat(t.get("type").asText()).isEqualTo("BadRequestError");
        assertThat(t.get("param").asText()).isEqualTo("temperature");

        JsonNode l = error(400, "{\"prompt\":\"a\",\"logprobs\":25}");
        assertThat(l.get("message").asText())
                .isEqualTo("Requested sample logprobs of 25, which is greater than max allowed: 20");
        assertThat(l.get("param").asText()).isEqualTo("logprobs");

        JsonNode p = error(400, "{\"prompt\":\"a\",\"prompt_logprobs\":21}");
        assertThat(p.get("message").asText())
                .isEqualTo("Requested prompt logprobs of 21, which is greater than max allowed: 20");
        assertThat(p.get("param").asText()).isEqualTo("prompt_logprobs");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"prompt\":\"a\",\"n\":0}                      | n",
        "{\"prompt\":\"a\",\"n\":1.5}                    | n",
        "{\"prompt\":\"a\",\"n\":\"two\"}                | n",
        "{\"prompt\":\"a\",\"top_p\":0}                  | top_p",
        "{\"prompt\":\"a\",\"top_p\":1.5}                | top_p",
        "{\"prompt\":\"a\",\"top_k\":-2}                 | top_k",
        "{\"prompt\":\"a\",\"max_tokens\":0}             | max_tokens",
        "{\"prompt\":\"a\",\"max_tokens\":63}            | max_tokens",
        "{\"prompt\":\"a\",\"logprobs\":-1}              | logprobs",
        "{\"prompt\":\"a\",\"stop\":5}                   | stop",
        "{\"prompt\":\"a\",\"stop_token_ids\":[500]}     | stop_token_ids",
        "{\"prompt\":\"a\",\"seed\":\"x\"}               | seed",
        "{\"prompt\":\"a\",\"stream\":true}              | stream",
        "{\"prompt\":[1,2,500]}                          | prompt",
        "{\"prompt\":[1,-3]}                             | prompt",
        "{\"prompt\":[]}                                 | prompt",
        "{\"prompt\":{\"text\":\"a\"}}                   | prompt",
        "{\"prompt\":[\"a\",7]}                          | prompt",
        "{\"max_tokens\":3}                              | prompt",
        "{\"prompt\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"} | prompt",
    })
    void badFieldsAreNamed(String body, String param) {
        JsonNode e = error(400, body);
        assertThat(e.get("param").asText()).as(e.toString()).isEqualTo(param);
        assertThat(e.get("type").asText()).isEqualTo("BadRequestError");
        assertThat(e.get("message").asText()).isNotBlank();
    }

    @Test
    void malformedJsonIsA400() {
        JsonNode e = error(400, "{\"prompt\": \"a\",");
        assertThat(e.get("message").asText()).startsWith("Invalid JSON");
        assertThat(error(400, "").get("message").asText()).contains("empty");
    }

    @Test
    void unknownModelIsA404() {
        JsonNode e = error(404, "{\"model\":\"gpt-5\",\"prompt\":\"a\"}");
        assertThat(e.get("message").asText()).isEqualTo("The model `gpt-5` does not exist.");
        assertThat(e.get("type").asText()).isEqualTo("NotFoundError");
        assertThat(e.get("param").asText()).isEqualTo("model");
    }

    @Test
    void unknownFieldsAreIgnoredAsVllmDoes() {
        assertThat(http.post("/v1/completions", "{\"prompt\":\"a\",\"max_tokens\":1,\"frobnicate\":3}").status())
                .isEqualTo(200);
    }
}
