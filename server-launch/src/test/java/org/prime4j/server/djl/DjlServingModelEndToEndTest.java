package org.prime4j.server.djl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.model.generate.Completion;
import org.prime4j.model.generate.Generator;
import org.prime4j.model.generate.SamplingParams;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.score.Scorer;
import org.prime4j.model.score.SequenceScores;
import org.prime4j.model.tokenizer.ChatMessage;
import org.prime4j.model.tokenizer.TextTokenizer;
import org.prime4j.server.EmbeddedServer;
import org.prime4j.server.ServerOptions;

/**
 * The embedded server on a real (tiny) DJL model: its prompt_logprobs equal the model module's scoring
 * exactly, its samples equal the model's generator for the same seeds, and a weight reload serves the new
 * checkpoint. The expectations come from a second, independently loaded copy of the checkpoint.
 */
class DjlServingModelEndToEndTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir static Path dir;
    static Path base;
    static DjlServingModel served;
    static EmbeddedServer server;

    @BeforeAll
    static void start() throws Exception {
        base = TinyCheckpoints.write(dir.resolve("base"), 7);
        served = DjlServingModel.load(base, 256);
        server = EmbeddedServer.start(served, ServerOptions.loopback("tiny"));
    }

    @AfterAll
    static void stop() {
        server.close();
        served.close();
    }

    static JsonNode post(String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void promptLogprobsEqualTheModelModulesScoring() throws Exception {
        int[] prompt = {256, 72, 101, 108, 108, 111, 32, 119, 111, 114, 108, 100};
        JsonNode c = post("/v1/completions", "{\"prompt\":" + JSON.writeValueAsString(prompt)
                + ",\"max_tokens\":1,\"prompt_logprobs\":2}").get("choices").get(0);
        SequenceScores expected;
        try (CausalLM copy = CausalLM.load(base)) {
            expected = Scorer.score(copy, List.of(prompt), 2).get(0);
        }
        JsonNode pl = c.get("prompt_logprobs");
        assertThat(pl.get(0).isNull()).isTrue();
        for (int j = 1; j < prompt.length; j++) {
            JsonNode actual = pl.get(j).get(Integer.toString(prompt[j]));
            assertThat(actual.get("logprob").asDouble()).isEqualTo((double) expected.logprobs()[j - 1]);
            assertThat(actual.get("rank").asInt()).isEqualTo(expected.ranks()[j - 1]);
            JsonNode best = pl.get(j).get(Integer.toString(expected.topIds()[j - 1][0]));
            assertThat(best.get("logprob").asDouble()).isEqualTo((double) expected.topLogprobs()[j - 1][0]);
            assertThat(best.get("rank").asInt()).isEqualTo(1);
        }
    }

    @Test
    void theSameSeedGivesTheSameCompletionAndEqualsTheModelsGenerator() throws Exception {
        String body = "{\"prompt\":\"Hi\",\"max_tokens\":12,\"n\":2,\"seed\":42,\"logprobs\":0,"
                + "\"return_token_ids\":true}";
        JsonNode a = post("/v1/completions", body).get("choices");
        JsonNode b = post("/v1/completions", body).get("choices");
        assertThat(a).isEqualTo(b.deepCopy()).hasSize(2);
        assertThat(a.get(0).get("token_ids")).isNotEqualTo(a.get(1).get("token_ids"));

        int[] prompt = served.tokenize("Hi", true);
        try (CausalLM copy = CausalLM.load(base)) {
            // The two samples shared one batched model call in the server; so do they here (float sums depend
            // on the batch shape, tokens do not).
            List<Generator.Request> requests = new java.util.ArrayList<>();
            for (int i = 0; i < 2; i++) {
                requests.add(new Generator.Request(prompt,
                        new SamplingParams(1.0, 1.0, 0, 42L + i, 12, Set.of(258), List.of(), 0, false)));
            }
            List<Completion> expected = Generator.generate(copy, requests, null);
            for (int i = 0; i < 2; i++) {
                JsonNode choice = a.get(i);
                int[] ids = JSON.treeToValue(choice.get("token_ids"), int[].class);
                assertThat(ids).containsExactly(expected.get(i).tokenIds());
                for (int t = 0; t < ids.length; t++) {
                    assertThat(choice.get("logprobs").get("token_logprobs").get(t).asDouble())
                            .isEqualTo((double) expected.get(i).logprobs()[t]);
                }
            }
        }
    }

    @Test
    void aStopStringEndsGenerationInTheModelAndCutsTheText() throws Exception {
        String greedy = "{\"prompt\":\"Once\",\"max_tokens\":24,\"temperature\":0,\"ignore_eos\":true,"
                + "\"return_token_ids\":true%s}";
        JsonNode full = post("/v1/completions", String.format(greedy, "")).get("choices").get(0);
        String text = full.get("text").asText();
        int[] ids = JSON.treeToValue(full.get("token_ids"), int[].class);
        // the text of the first 6 tokens, then its last character as the stop string
        String prefix = served.detokenize(java.util.Arrays.copyOf(ids, 6), true);
        String stop = prefix.substring(prefix.length() - 1);
        int at = text.indexOf(stop);
        JsonNode cut = post("/v1/completions", String.format(greedy, ",\"stop\":" + JSON.writeValueAsString(stop)))
                .get("choices").get(0);
        assertThat(cut.get("finish_reason").asText()).isEqualTo("stop");
        assertThat(cut.get("stop_reason").asText()).isEqualTo(stop);
        assertThat(cut.get("text").asText()).isEqualTo(text.substring(0, at));
        assertThat(cut.get("token_ids").size()).isLessThanOrEqualTo(6);
    }

    @Test
    void idsPastTheTokenizersVocabularyAreServedWithoutText() throws Exception {
        // As Qwen2.5: the embedding has more rows (300) than the tokenizer has ids (259).
        Path padded = TinyCheckpoints.write(dir.resolve("padded"), 9,
                org.prime4j.model.config.ModelConfig.tiny(org.prime4j.model.config.ModelConfig.Architecture.QWEN2,
                        64, 2, 4, 2, 300));
        try (DjlServingModel m = DjlServingModel.load(padded, 128);
                EmbeddedServer s = EmbeddedServer.start(m, ServerOptions.loopback("padded"))) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/v1/completions"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"ab\",\"max_tokens\":24,\"n\":2,"
                            + "\"temperature\":3,\"seed\":1,\"ignore_eos\":true,\"logprobs\":0,"
                            + "\"return_token_ids\":true}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            int padding = 0;
            for (JsonNode c : JSON.readTree(r.body()).get("choices")) {
                for (int t = 0; t < c.get("token_ids").size(); t++) {
                    if (c.get("token_ids").get(t).asInt() >= 259) {
                        padding++;
                        assertThat(c.get("logprobs").get("tokens").get(t).asText()).isEmpty();
                    }
                }
            }
            assertThat(padding).as("temperature 3 reaches the padding ids").isPositive();
            assertThat(m.vocabSize()).isEqualTo(259);
        }
    }

    @Test
    void chatTokenizationUsesTheCheckpointsTemplate() throws Exception {
        JsonNode r = post("/tokenize", "{\"messages\":[{\"role\":\"user\",\"content\":\"2+2?\"}]}");
        try (TextTokenizer t = TextTokenizer.load(base)) {
            int[] expected = t.encodeChat(List.of(ChatMessage.user("2+2?")), true);
            assertThat(JSON.treeToValue(r.get("tokens"), int[].class)).containsExactly(expected);
        }
        JsonNode text = post("/detokenize", "{\"tokens\":" + r.get("tokens") + "}");
        assertThat(text.get("prompt").asText()).contains("<|im_start|>user\n2+2?<|im_end|>");
    }

    @Test
    void reloadServesTheNewCheckpoint() throws Exception {
        Path next = TinyCheckpoints.write(dir.resolve("next"), 8);
        int[] prompt = {256, 50, 51, 52, 53};
        String body = "{\"prompt\":" + JSON.writeValueAsString(prompt) + ",\"max_tokens\":1,\"prompt_logprobs\":0}";
        post("/collective_rpc", "{\"method\":\"reload_weights\",\"kwargs\":{\"weights_path\":"
                + JSON.writeValueAsString(next.toString()) + "}}");
        try {
            JsonNode pl = post("/v1/completions", body).get("choices").get(0).get("prompt_logprobs");
            SequenceScores expected;
            try (CausalLM copy = CausalLM.load(next)) {
                expected = Scorer.score(copy, List.of(prompt), 0).get(0);
            }
            for (int j = 1; j < prompt.length; j++) {
                assertThat(pl.get(j).get(Integer.toString(prompt[j])).get("logprob").asDouble())
                        .isEqualTo((double) expected.logprobs()[j - 1]);
            }
        } finally {
            post("/collective_rpc", "{\"method\":\"reload_weights\"}"); // back to the base weights for other tests
        }
    }
}
