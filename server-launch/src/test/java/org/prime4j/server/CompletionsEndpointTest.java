package org.prime4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.prime4j.server.model.PromptScores;
import org.prime4j.model.generate.SamplingParams;
import org.prime4j.server.model.ScoreRequest;
import org.prime4j.server.model.SequenceRequest;

/** {@code /v1/completions} against the fake model: vLLM's defaults, fields and shapes, checked on raw JSON. */
class CompletionsEndpointTest {

    static FakeServingModel model;
    static EmbeddedServer server;
    static HttpJson http;

    @BeforeAll
    static void start() throws Exception {
        model = new FakeServingModel(Path.of("/models/fake"), 0, 256);
        server = EmbeddedServer.start(model, ServerOptions.loopback("fake-model"));
        http = new HttpJson(server.baseUrl());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void defaultReplyHasEveryFieldVllmSends() {
        JsonNode r = http.ok("/v1/completions", "{\"model\":\"fake-model\",\"prompt\":\"1+2=\",\"seed\":11,"
                + "\"ignore_eos\":true}");
        SamplingParams defaults = new SamplingParams(1.0, 1.0, 0, 11L, 16, Set.of(), List.of(), 0, true);
        int[] expected = model.generate(List.of(new SequenceRequest(model.tokenize("1+2=", true), defaults, null)))
                .get(0).tokenIds();

        assertThat(r.get("id").asText()).startsWith("cmpl-");
        assertThat(r.get("object").asText()).isEqualTo("text_completion");
        assertThat(r.get("created").isIntegralNumber()).isTrue();
        assertThat(r.get("model").asText()).isEqualTo("fake-model");
        for (String f : List.of("system_fingerprint", "service_tier", "kv_transfer_params")) {
            assertThat(r.has(f)).as(f).isTrue();
        }
        JsonNode c = r.get("choices").get(0);
        assertThat(r.get("choices")).hasSize(1); // n defaults to 1
        assertThat(c.get("index").asInt()).isZero();
        for (String f : List.of("text", "logprobs", "finish_reason", "stop_reason", "prompt_logprobs",
                "prompt_token_ids", "token_ids")) {
            assertThat(c.has(f)).as(f).isTrue();
        }
        assertThat(c.get("logprobs").isNull()).isTrue();
        assertThat(c.get("prompt_logprobs").isNull()).isTrue();
        assertThat(c.get("token_ids").isNull()).isTrue();
        // max_tokens defaults to 16; with ignore_eos every token is spent
        assertThat(c.get("finish_reason").asText()).isEqualTo("length");
        assertThat(c.get("stop_reason").isNull()).isTrue();
        assertThat(c.get("text").asText()).isEqualTo(model.detokenize(expected, true));
        JsonNode usage = r.get("usage");
        assertThat(usage.get("prompt_tokens").asInt()).isEqualTo(5); // BOS + 4 characters
        assertThat(usage.get("completion_tokens").asInt()).isEqualTo(16);
        assertThat(usage.get("total_tokens").asInt()).isEqualTo(21);
        assertThat(usage.has("prompt_tokens_details")).isTrue();
    }

    @Test
    void nullMaxTokensMeansSixteenAsInCurrentVllm() {
        JsonNode r = http.ok("/v1/completions", "{\"prompt\":\"ab\",\"max_tokens\":null,\"ignore_eos\":true}");
        assertThat(r.get("usage").get("completion_tokens").asInt()).isEqualTo(16);
        assertThat(r.get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void temperatureDefaultsToOneAndMatchesTheModelsSampler() {
        int[] prompt = {1, 20, 30, 40};
        JsonNode c = http.ok("/v1/completions", "{\"prompt\":[1,20,30,40],\"max_tokens\":8,\"seed\":5,"
                + "\"return_token_ids\":true}").get("choices").get(0);
        SamplingParams expected = new SamplingParams(1.0, 1.0, 0, 5L, 8, Set.of(), List.of(), 0, false);
        int[] ids = model.generate(List.of(new SequenceRequest(prompt, expected, null))).get(0).tokenIds();
        assertThat(ints(c.get("token_ids"))).containsExactly(ids);
        assertThat(ints(c.get("prompt_token_ids"))).containsExactly(prompt);
    }

    @Test
    void seededRequestWithSeveralSamplesIsReproducibleAndItsSamplesDiffer() {
        String body = "{\"prompt\":\"abc\",\"n\":4,\"seed\":7,\"max_tokens\":12,\"return_token_ids\":true}";
        JsonNode a = http.ok("/v1/completions", body).get("choices");
        JsonNode b = http.ok("/v1/completions", body).get("choices");
        assertThat(a).hasSize(4);
        Set<String> distinct = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            assertThat(a.get(i).get("index").asInt()).isEqualTo(i);
            assertThat(a.get(i).get("token_ids")).isEqualTo(b.get(i).get("token_ids"));
            assertThat(a.get(i).get("text")).isEqualTo(b.get(i).get("text"));
            distinct.add(a.get(i).get("token_ids").toString());
        }
        assertThat(distinct).hasSizeGreaterThan(1);
    }

    @Test
    void promptLogprobsMatchTheModelsScoringWithRanksAndTheActualTokenAlwaysPresent() {
        int[] prompt = {1, 40, 41, 77, 12, 5, 60};
        JsonNode c = http.ok("/v1/completions", "{\"prompt\":[1,40,41,77,12,5,60],\"max_tokens\":1,"
                + "\"prompt_logprobs\":1}").get("choices").get(0);
        PromptScores expected = model.scorePrompts(List.of(new ScoreRequest(prompt, 1, null))).get(0);

        JsonNode pl = c.get("prompt_logprobs");
        assertThat(pl).hasSize(prompt.length);
        assertThat(pl.get(0).isNull()).isTrue();
        boolean sawLowRank = false;
        for (int j = 1; j < prompt.length; j++) {
            JsonNode entry = pl.get(j);
            JsonNode actual = entry.get(Integer.toString(prompt[j]));
            assertThat(actual).as("position %d holds the actual token", j).isNotNull();
            assertThat(actual.get("logprob").asDouble()).isEqualTo((double) expected.logprobs()[j - 1]);
            assertThat(actual.get("rank").asInt()).isEqualTo(expected.ranks()[j - 1]);
            assertThat(actual.get("decoded_token").asText()).isEqualTo(model.tokenText(prompt[j]));
            int best = expected.top().get(j - 1).tokenIds()[0];
            JsonNode top1 = entry.get(Integer.toString(best));
            assertThat(top1.get("rank").asInt()).isEqualTo(1);
            assertThat(entry.size()).isEqualTo(best == prompt[j] ? 1 : 2);
            sawLowRank |= expected.ranks()[j - 1] > 1;
        }
        assertThat(sawLowRank).as("the prompt exercises a token outside the top 1").isTrue();
    }

    @Test
    void sampleLogprobsHoldTheChosenTokenAndTheTopKWithOffsets() {
        JsonNode c = http.ok("/v1/completions", "{\"prompt\":\"hello\",\"max_tokens\":6,\"logprobs\":3,"
                + "\"temperature\":0.7,\"seed\":3,\"ignore_eos\":true,\"return_token_ids\":true}")
                .get("choices").get(0);
        JsonNode lp = c.get("logprobs");
        JsonNode ids = c.get("token_ids");
        assertThat(lp.get("tokens")).hasSize(6);
        assertThat(lp.get("token_logprobs")).hasSize(6);
        assertThat(lp.get("top_logprobs")).hasSize(6);
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            String token = lp.get("tokens").get(i).asText();
            assertThat(token).isEqualTo(model.tokenText(ids.get(i).asInt()));
            assertThat(lp.get("text_offset").get(i).asInt()).isEqualTo(joined.length());
            joined.append(token);
            JsonNode top = lp.get("top_logprobs").get(i);
            assertThat(top.get(token).asDouble()).isEqualTo(lp.get("token_logprobs").get(i).asDouble());
            assertThat(top.size()).isBetween(3, 4);
        }
        assertThat(c.get("text").asText()).isEqualTo(joined.toString());
    }

    @Test
    void echoPrependsThePromptAndItsLogprobsWithLeadingNulls() {
        JsonNode c = http.ok("/v1/completions", "{\"prompt\":\"abcd\",\"max_tokens\":2,\"logprobs\":1,"
                + "\"echo\":true,\"ignore_eos\":true}").get("choices").get(0);
        assertThat(c.get("text").asText()).startsWith("abcd").hasSize(6);
        JsonNode lp = c.get("logprobs");
        assertThat(lp.get("tokens")).hasSize(5 + 2); // BOS, 4 prompt characters, 2 generated
        assertThat(lp.get("token_logprobs").get(0).isNull()).isTrue();
        assertThat(lp.get("top_logprobs").get(0).isNull()).isTrue();
        PromptScores expected = model.scorePrompts(
                List.of(new ScoreRequest(model.tokenize("abcd", true), 1, null))).get(0);
        for (int j = 1; j < 5; j++) {
            assertThat(lp.get("token_logprobs").get(j).asDouble()).isEqualTo((double) expected.logprobs()[j - 1]);
        }
    }

    @Test
    void echoWithZeroMaxTokensOnlyScoresThePrompt() {
        JsonNode c = http.ok("/v1/completions", "{\"prompt\":\"abcd\",\"max_tokens\":0,\"logprobs\":0,"
                + "\"echo\":true}").get("choices").get(0);
        assertThat(c.get("text").asText()).isEqualTo("abcd");
        assertThat(c.get("logprobs").get("tokens")).hasSize(5);
    }

    @Test
    void tokensAsTokenIdsRenderEveryTokenByItsId() {
        JsonNode c = http.ok("/v1/completions", "{\"prompt\":[1,50,51],\"max_tokens\":3,\"logprobs\":2,"
                + "\"prompt_logprobs\":0,\"return_tokens_as_token_ids\":true,\"return_token_ids\":true,"
                + "\"ignore_eos\":true}").get("choices").get(0);
        JsonNode lp = c.get("logprobs");
        for (int i = 0; i < 3; i++) {
            String token = lp.get("tokens").get(i).asText();
            assertThat(token).isEqualTo("token_id:" + c.get("token_ids").get(i).asInt());
            lp.get("top_logprobs").get(i).fieldNames().forEachRemaining(k -> assertThat(k).startsWith("token_id:"));
        }
        assertThat(c.get("prompt_logprobs").get(1).get("50").get("decoded_token").asText()).isEqualTo("token_id:50");
    }

    @Test
    void aListOfPromptsGivesNChoicesPerPromptInOrder() {
        JsonNode r = http.ok("/v1/completions", "{\"prompt\":[\"ab\",\"cd\"],\"n\":2,\"max_tokens\":3,"
                + "\"echo\":true,\"seed\":1}");
        JsonNode choices = r.get("choices");
        assertThat(choices).hasSize(4);
        assertThat(choices.get(1).get("text").asText()).startsWith("ab");
        assertThat(choices.get(2).get("text").asText()).startsWith("cd");
        assertThat(choices.get(3).get("index").asInt()).isEqualTo(3);
        assertThat(r.get("usage").get("prompt_tokens").asInt()).isEqualTo(6); // each prompt counted once
    }

    @Test
    void aStopStringCutsTheTextAndIsReported() {
        String full = http.ok("/v1/completions", "{\"prompt\":\"xyz\",\"max_tokens\":16,\"temperature\":0,"
                + "\"ignore_eos\":true}").get("choices").get(0).get("text").asText();
        String stop = full.substring(5, 7);
        int at = full.indexOf(stop);
        JsonNode c = http.ok("/v1/completions", "{\"prompt\":\"xyz\",\"max_tokens\":16,\"temperature\":0,"
                + "\"ignore_eos\":true,\"return_token_ids\":true,\"stop\":" + HttpJson.JSON.valueToTree(stop) + "}")
                .get("choices").get(0);
        assertThat(c.get("text").asText()).isEqualTo(full.substring(0, at));
        assertThat(c.get("finish_reason").asText()).isEqualTo("stop");
        assertThat(c.get("stop_reason").asText()).isEqualTo(stop);
        assertThat(c.get("token_ids")).hasSize(at + stop.length());

        JsonNode kept = http.ok("/v1/completions", "{\"prompt\":\"xyz\",\"max_tokens\":16,\"temperature\":0,"
                + "\"ignore_eos\":true,\"include_stop_str_in_output\":true,\"stop\":["
                + HttpJson.JSON.valueToTree(stop) + "]}").get("choices").get(0);
        assertThat(kept.get("text").asText()).isEqualTo(full.substring(0, at + stop.length()));
    }

    @Test
    void aStopTokenIdEndsTheSequenceAndIsItsStopReason() {
        JsonNode greedy = http.ok("/v1/completions", "{\"prompt\":\"pq\",\"max_tokens\":10,\"temperature\":0,"
                + "\"ignore_eos\":true,\"return_token_ids\":true}").get("choices").get(0).get("token_ids");
        int stopId = greedy.get(3).asInt();
        int first = 0;
        while (greedy.get(first).asInt() != stopId) {
            first++;
        }
        JsonNode c = http.ok("/v1/completions", "{\"prompt\":\"pq\",\"max_tokens\":10,\"temperature\":0,"
                + "\"ignore_eos\":true,\"return_token_ids\":true,\"stop_token_ids\":[" + stopId + "]}")
                .get("choices").get(0);
        assertThat(c.get("finish_reason").asText()).isEqualTo("stop");
        assertThat(c.get("stop_reason").asInt()).isEqualTo(stopId);
        assertThat(c.get("token_ids")).hasSize(first + 1);
        assertThat(c.get("text").asText()).hasSize(first); // the stop token's text is not output
    }

    @Test
    void eosEndsWithStopAndANullStopReason() {
        // The fake's EOS grows likely with length; greedy decoding reaches it well inside 200 tokens.
        JsonNode c = http.ok("/v1/completions", "{\"prompt\":\"q\",\"max_tokens\":200,\"temperature\":0,"
                + "\"return_token_ids\":true}").get("choices").get(0);
        assertThat(c.get("finish_reason").asText()).isEqualTo("stop");
        assertThat(c.get("stop_reason").isNull()).isTrue();
        JsonNode ids = c.get("token_ids");
        assertThat(ids.get(ids.size() - 1).asInt()).isEqualTo(FakeServingModel.EOS);
        assertThat(c.get("text").asText()).hasSize(ids.size() - 1).doesNotContain("<eos>");
    }

    static int[] ints(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asInt()));
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
