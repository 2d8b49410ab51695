package org.prime4j.client;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.prime4j.client.pool.BroadcastOutcome;
import org.prime4j.client.pool.PoolConfig;
import org.prime4j.client.pool.RetrySettings;
import org.prime4j.client.pool.ServerPool;
import org.prime4j.client.protocol.ApiKey;
import org.prime4j.client.protocol.ChatMessage;
import org.prime4j.client.protocol.Fixtures;
import org.prime4j.client.protocol.ServerException;
import org.prime4j.client.protocol.TokenIdsMode;

/** The PRIME-facing API against one server that answers with recorded-shape vLLM replies. */
@Timeout(30)
class RolloutClientTest {

    private static WireMockServer server;
    private RolloutClient client;

    @BeforeAll
    static void start() {
        server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @BeforeEach
    void connect() {
        server.resetAll();
        server.stubFor(get("/health").willReturn(aResponse().withStatus(200)));
        PoolConfig config = PoolConfig.of("policy", List.of("http://127.0.0.1:" + server.port()))
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5))
                .withConcurrency(4, 2)
                .withProgress(false)
                .withRetry(new RetrySettings(3, Duration.ofMillis(10), 2.0, 0.5, Duration.ofMillis(50),
                        Duration.ofSeconds(1)));
        client = new RolloutClient(new ServerPool(config, ApiKey.of("sk-test-secret")));
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    private static ResponseDefinitionBuilder fixture(String name) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(Fixtures.text(name));
    }

    @Test
    void severalPromptsPerRequestComeBackPerPromptInOrder() throws ServerException {
        server.stubFor(post("/v1/completions").willReturn(fixture("completions_two_prompts_n2.json")));
        List<Rollouts> r = client.sample(List.of(Fixtures.PROMPT, Fixtures.PROMPT_2), SamplingOptions.prime(2, 8), 5L);
        assertThat(r).hasSize(2);
        assertThat(r.get(0).samples()).extracting(s -> s.tokenIds().length).containsExactly(2, 2);
        assertThat(r.get(1).promptIndex()).isEqualTo(1);
        assertThat(r.get(1).samples().get(1).tokenIds()).containsExactly(18, 13, 151643);
        assertThat(r.get(1).samples().get(1).finishReason()).isEqualTo("stop");
        assertThat(r.get(1).samples().get(0).truncated()).isTrue();
        assertThat(r.get(0).seed()).isEqualTo(Seeds.derive(5L, 0)).isEqualTo(r.get(1).seed());
        server.verify(1, postRequestedFor(urlEqualTo("/v1/completions"))
                .withHeader("Authorization", equalTo("Bearer sk-test-secret"))
                .withRequestBody(equalToJson("{\"prompt\":[[3838,374,220,17,10,18,30],[3838,374,220,19,9,16,30]],"
                        + "\"n\":2,\"max_tokens\":8,\"temperature\":1.0,\"top_p\":1.0,\"logprobs\":1,"
                        + "\"seed\":" + Seeds.derive(5L, 0) + ",\"return_token_ids\":true,\"stream\":false}")));
    }

    @Test
    void promptTokenIdsThatDifferFromThePromptSentAreRejected() {
        server.stubFor(post("/v1/completions").willReturn(fixture("completions_two_prompts_n2.json")));
        assertThatThrownBy(() -> client.sample(List.of(Fixtures.PROMPT_2, Fixtures.PROMPT), SamplingOptions.prime(2, 8), 5L))
                .isInstanceOf(ServerException.class)
                .hasMessageContaining("prompt_token_ids differ from prompt 0");
    }

    @Test
    void tokensAsTokenIdsModeReadsIdsFromTokens() throws ServerException {
        server.stubFor(post("/v1/completions").willReturn(fixture("completions_tokens_as_token_ids.json")));
        SamplingOptions o = SamplingOptions.prime(1, 16).withTokenIds(TokenIdsMode.TOKENS_AS_TOKEN_IDS)
                .withModel("policy-step-12");
        Sample s = client.sample(List.of(Fixtures.PROMPT), o, 1L).get(0).samples().get(0);
        assertThat(s.tokenIds()).containsExactly(576, 4226, 374, 220, 20, 13, 151643);
        assertThat(s.logprobs()[6]).isEqualTo(-0.0302734375f);
        server.verify(postRequestedFor(urlEqualTo("/v1/completions"))
                .withRequestBody(matchingJsonPath("$.return_tokens_as_token_ids", equalTo("true")))
                .withRequestBody(matchingJsonPath("$.model", equalTo("policy-step-12"))));
    }

    @Test
    void echoScoringReadsTheResponsePositions() throws ServerException {
        server.stubFor(post("/v1/completions").willReturn(fixture("completions_echo_token_ids.json")));
        List<float[]> lp = client.score(List.of(Fixtures.PROMPT), List.of(Fixtures.RESPONSE), ScoreMode.ECHO, null);
        assertThat(lp.get(0)).containsExactly(Fixtures.RESPONSE_LOGPROBS);
        server.verify(postRequestedFor(urlEqualTo("/v1/completions"))
                .withRequestBody(matchingJsonPath("$.echo", equalTo("true")))
                .withRequestBody(matchingJsonPath("$.max_tokens", equalTo("0"))));
    }

    @Test
    void echoedTokensThatDifferFromTheSequenceAreRejected() {
        server.stubFor(post("/v1/completions").willReturn(fixture("completions_echo_token_ids.json")));
        int[] other = Fixtures.RESPONSE.clone();
        other[2] = 1;
        assertThatThrownBy(() -> client.score(List.of(Fixtures.PROMPT), List.of(other), ScoreMode.ECHO, null))
                .hasMessageContaining("echoed token ids differ");
    }

    @Test
    void tokenizeChatSendsMessagesForTheServersTemplate() throws ServerException {
        server.stubFor(post("/tokenize").willReturn(fixture("tokenize.json")));
        int[] ids = client.tokenizeChat(List.of(new ChatMessage("system", "Reason step by step."),
                new ChatMessage("user", "What is 2+3?")));
        assertThat(ids).containsExactly(Fixtures.PROMPT);
        server.verify(postRequestedFor(urlEqualTo("/tokenize")).withRequestBody(equalToJson(
                "{\"messages\":[{\"role\":\"system\",\"content\":\"Reason step by step.\"},"
                        + "{\"role\":\"user\",\"content\":\"What is 2+3?\"}],\"add_generation_prompt\":true,"
                        + "\"add_special_tokens\":false}")));
    }

    @Test
    void sequentialRequestsReuseOneKeptAliveConnection() throws ServerException {
        server.stubFor(post("/tokenize").willReturn(fixture("tokenize.json")));
        for (int i = 0; i < 5; i++) {
            client.tokenize("What is 2+3?");
        }
        assertThat(client.pool().openConnections()).isEqualTo(1);
    }

    @Test
    void modelsListBaseAndAdapters() throws ServerException {
        server.stubFor(get("/v1/models").willReturn(fixture("models.json")));
        assertThat(client.models()).containsExactly("Qwen/Qwen2.5-Math-7B", "policy-step-12");
    }

    @Test
    void aLoraPublishLoadsTheNewAdapterThenUnloadsTheOlderOnesAGoneOneIsFine() throws ServerException {
        server.stubFor(get("/v1/models").willReturn(fixture("models.json"))); // base + policy-step-12
        server.stubFor(post("/v1/load_lora_adapter").willReturn(aResponse().withStatus(200)
                .withBody("Success: LoRA adapter 'policy-step-13' added successfully.")));
        // As after a restart or a concurrent unload: vLLM's 404 for a name it does not hold.
        server.stubFor(post("/v1/unload_lora_adapter").willReturn(aResponse().withStatus(404).withBody(
                "{\"object\":\"error\",\"message\":\"The lora adapter 'policy-step-12' cannot be found.\","
                        + "\"type\":\"NotFoundError\",\"param\":null,\"code\":404}")));
        List<BroadcastOutcome> out = client.publishLora("policy-step-13", Path.of("/adapters/step-13"),
                m -> m.startsWith("policy-step-"), null);
        assertThat(out).allMatch(BroadcastOutcome::ok);
        assertThat(client.pool().held(RolloutClient.LORA)).containsValue("policy-step-13");
        server.verify(postRequestedFor(urlEqualTo("/v1/load_lora_adapter")).withRequestBody(equalToJson(
                "{\"lora_name\":\"policy-step-13\",\"lora_path\":\"/adapters/step-13\"}")));
        server.verify(1, postRequestedFor(urlEqualTo("/v1/unload_lora_adapter")));
        server.verify(postRequestedFor(urlEqualTo("/v1/unload_lora_adapter")).withRequestBody(equalToJson(
                "{\"lora_name\":\"policy-step-12\"}")));
    }

    @Test
    void aLoraPublishThatReachesNoServerFailsNamingIt() {
        server.stubFor(get("/v1/models").willReturn(fixture("models.json")));
        server.stubFor(post("/v1/load_lora_adapter").willReturn(aResponse().withStatus(400).withBody(
                "{\"object\":\"error\",\"message\":\"Invalid path: no adapter_config.json\","
                        + "\"type\":\"InvalidUserInput\",\"param\":null,\"code\":400}")));
        PoolConfig quick = client.pool().config().toBuilder().reloadTimeout(Duration.ofMillis(300)).build();
        try (RolloutClient c = new RolloutClient(new ServerPool(quick, ApiKey.of("sk-test-secret")))) {
            assertThatThrownBy(() -> c.publishLora("x", Path.of("/adapters/x"), m -> false, null))
                    .isInstanceOfSatisfying(ServerException.class, e -> {
                        assertThat(e.server()).isEqualTo("http://127.0.0.1:" + server.port());
                        assertThat(e.getMessage()).contains("load_lora_adapter x").contains("reached none of the 1")
                                .contains("no adapter_config.json");
                    });
        }
    }

    @Test
    void badArgumentsFailBeforeAnyRequest() {
        assertThatThrownBy(() -> client.sample(List.of(new int[0]), SamplingOptions.prime(1, 8), 1L))
                .hasMessageContaining("prompts[0] has no tokens");
        assertThatThrownBy(() -> client.score(List.of(Fixtures.PROMPT), List.of()))
                .hasMessageContaining("1 prompts but 0 responses");
        assertThat(server.getAllServeEvents()).isEmpty();
    }
}
