package org.prime4j.client.protocol;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The protocol contract against replies written by hand after vLLM's documented API and response models
 * (src/test/resources/vllm, README.txt there: shapes follow vLLM, numbers are illustrative). Not recorded from a
 * running server: it checks that the client parses vLLM's documented shapes, not that a live vLLM agrees.
 */
class HandWrittenVllmRepliesTest extends VllmProtocolContract {

    private static WireMockServer server;

    @BeforeAll
    static void start() {
        server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        server.stubFor(get("/health").willReturn(aResponse().withStatus(200)));
        server.stubFor(get("/v1/models").willReturn(json("models.json")));
        server.stubFor(post("/tokenize").atPriority(5).willReturn(json("tokenize.json")));
        int[] scored = Fixtures.concat(Fixtures.PROMPT, Fixtures.RESPONSE);
        server.stubFor(post("/tokenize").atPriority(1).withRequestBody(containing("answer"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"count\":" + scored.length + ",\"max_model_len\":4096,\"tokens\":"
                                + java.util.Arrays.toString(scored) + ",\"token_strs\":null}")));
        // Which hand-written reply fits is decided by the request fields, as vLLM's reply shape is.
        server.stubFor(post("/v1/completions").atPriority(5).willReturn(json("completions_return_token_ids.json")));
        server.stubFor(post("/v1/completions").atPriority(4)
                .withRequestBody(matchingJsonPath("$.return_tokens_as_token_ids"))
                .willReturn(json("completions_tokens_as_token_ids.json")));
        server.stubFor(post("/v1/completions").atPriority(3)
                .withRequestBody(matchingJsonPath("$.prompt_logprobs"))
                .willReturn(json("completions_prompt_logprobs.json")));
        server.stubFor(post("/v1/completions").atPriority(2)
                .withRequestBody(matchingJsonPath("$.echo"))
                .willReturn(json("completions_echo_token_ids.json")));
        server.stubFor(post("/v1/completions").atPriority(1)
                .withRequestBody(matchingJsonPath("$[?(@.temperature < 0)]"))
                .willReturn(json("error_flat.json").withStatus(400)));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String fixture) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(Fixtures.text(fixture));
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Override
    protected String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }
}
