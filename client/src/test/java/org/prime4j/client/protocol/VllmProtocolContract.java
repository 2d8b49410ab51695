package org.prime4j.client.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What any server speaking prime4j's subset of vLLM's protocol must satisfy, checked through the client
 * that the PRIME step uses. Subclass it with a base URL: against hand-written vLLM-shaped replies (WireMock), against
 * the embedded server, or against a live vLLM. Assertions are about shapes and invariants, never about
 * particular sampled tokens, so they hold for any model.
 */
public abstract class VllmProtocolContract {

    /** Server root, e.g. {@code http://127.0.0.1:8000}. */
    protected abstract String baseUrl();

    /** A short plain-text prompt the server's tokenizer can encode. */
    protected String promptText() {
        return "What is 2+3?";
    }

    /** A prompt with a worked answer, scored with teacher forcing. */
    protected String scoredText() {
        return "What is 2+3? The answer is 5";
    }

    protected ApiKey apiKey() {
        return ApiKey.none();
    }

    private OkHttpClient http;
    protected VllmServerClient client;

    @BeforeEach
    void connect() {
        http = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(60)).build();
        client = new VllmServerClient(baseUrl(), http, apiKey(), new ObjectMapper());
    }

    @AfterEach
    void disconnect() {
        http.connectionPool().evictAll();
    }

    private int[] prompt() throws ServerException {
        int[] ids = client.tokenize(promptText(), false);
        assertThat(ids).as("/tokenize tokens").isNotEmpty();
        return ids;
    }

    @Test
    void healthAnswers200() {
        assertThat(client.health()).isTrue();
    }

    @Test
    void modelsListsAtLeastTheBaseModel() throws ServerException {
        assertThat(client.models()).isNotEmpty().allSatisfy(id -> assertThat(id).isNotBlank());
    }

    @Test
    void samplingReturnsTokenIdsWithOneLogprobEach() throws ServerException {
        int[] prompt = prompt();
        CompletionRequest req = new CompletionRequest(List.of(prompt), null, 2, 1.0, 1.0, null, 8, 1, null, false,
                1234L, null, null, false, true, false);
        CompletionReply reply = client.complete(req);
        assertThat(reply.choices()).hasSize(2);
        for (CompletionChoice c : reply.choices()) {
            assertThat(c.tokenIds()).as("choices[%d].token_ids", c.index()).isNotNull().isNotEmpty();
            assertThat(c.tokenIds().length).isLessThanOrEqualTo(8);
            assertThat(c.tokenLogprobs()).as("choices[%d].logprobs.token_logprobs", c.index())
                    .hasSameSizeAs(c.tokenIds());
            for (float lp : c.tokenLogprobs()) {
                assertThat(lp).isLessThanOrEqualTo(0f);
            }
            assertThat(c.finishReason()).isIn("stop", "length");
            if (c.promptTokenIds() != null) {
                assertThat(c.promptTokenIds()).containsExactly(prompt);
            }
        }
    }

    @Test
    void tokensAsTokenIdsRenderIdsInTokens() throws ServerException {
        int[] prompt = prompt();
        CompletionRequest req = new CompletionRequest(List.of(prompt), null, 1, 1.0, 1.0, null, 8, 1, null, false,
                7L, null, null, false, false, true);
        CompletionChoice c = client.complete(req).choices().get(0);
        assertThat(c.tokenIds()).as("ids parsed from \"token_id:<id>\" tokens").isNotNull().isNotEmpty();
        assertThat(c.tokenLogprobs()).hasSameSizeAs(c.tokenIds());
    }

    @Test
    void promptLogprobsHaveANullFirstEntryAndTheActualTokenEverywhereElse() throws ServerException {
        int[] prompt = client.tokenize(scoredText(), false);
        CompletionRequest req = new CompletionRequest(List.of(prompt), null, 1, 1.0, 1.0, null, 1, null, 1, false,
                0L, null, null, false, true, false);
        // the parser throws if any position lacks the actual token's entry or the length differs
        float[] lp = client.complete(req).choices().get(0).promptLogprobs();
        assertThat(lp).as("prompt_logprobs").hasSize(prompt.length);
        assertThat(lp[0]).isNaN();
        for (int j = 1; j < lp.length; j++) {
            assertThat(lp[j]).as("prompt_logprobs[%d]", j).isLessThanOrEqualTo(0f);
        }
    }

    @Test
    void echoWithZeroMaxTokensScoresThePromptLikePromptLogprobs() throws ServerException {
        int[] prompt = client.tokenize(scoredText(), false);
        CompletionRequest echo = new CompletionRequest(List.of(prompt), null, 1, 1.0, 1.0, null, 0, 0, null, true,
                0L, null, null, false, false, true);
        CompletionChoice e = client.complete(echo).choices().get(0);
        assertThat(e.tokenLogprobs()).as("echo token_logprobs").hasSizeGreaterThanOrEqualTo(prompt.length);
        assertThat(e.tokenLogprobs()[0]).isNaN();
        CompletionRequest pl = new CompletionRequest(List.of(prompt), null, 1, 1.0, 1.0, null, 1, null, 1, false,
                0L, null, null, false, true, false);
        float[] viaPromptLogprobs = client.complete(pl).choices().get(0).promptLogprobs();
        float[] viaEcho = Arrays.copyOf(e.tokenLogprobs(), prompt.length);
        for (int j = 1; j < prompt.length; j++) {
            assertThat(viaEcho[j]).as("position %d", j).isCloseTo(viaPromptLogprobs[j], org.assertj.core.data.Offset.offset(1e-3f));
        }
    }

    @Test
    void badParametersAnswer400WithAnOpenAiError() {
        CompletionRequest bad = new CompletionRequest(List.of(new int[] {1, 2, 3}), null, 1, -1.0, 1.0, null, 4,
                1, null, false, null, null, null, false, true, false);
        assertThatThrownBy(() -> client.complete(bad))
                .isInstanceOfSatisfying(ServerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ServerException.Kind.BAD_REQUEST);
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.server()).isEqualTo(client.baseUrl());
                    assertThat(e.getMessage()).contains("temperature");
                });
    }
}
