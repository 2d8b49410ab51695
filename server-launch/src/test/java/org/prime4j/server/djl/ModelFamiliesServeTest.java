package org.prime4j.server.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.prime4j.model.config.Llama3RopeScaling;
import org.prime4j.model.config.ModelConfig;
import org.prime4j.model.config.ModelConfig.Architecture;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.score.Scorer;
import org.prime4j.model.score.SequenceScores;
import org.prime4j.server.EmbeddedServer;
import org.prime4j.server.ServerOptions;

/**
 * What {@code prime4j serve} does (load a checkpoint directory, start the embedded server) on tiny saved Qwen3
 * and Llama 3.1 checkpoints: a completion with logprobs comes back, and its token log-probs are the model
 * module's teacher-forced scores of prompt + completion.
 */
class ModelFamiliesServeTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    static ModelConfig config(String family) {
        return switch (family) {
            // head_dim 32 while hidden / heads is 16, as Qwen3's real configs have it
            case "qwen3" -> new ModelConfig(Architecture.QWEN3, 64, 160, 2, 4, 2, 32, 1e-6, 1e6, 259, 512, true,
                    false, false, -1, List.of(), "float32");
            case "llama3.1" -> ModelConfig.tiny(Architecture.LLAMA, 64, 2, 4, 2, 259)
                    .withRopeScaling(new Llama3RopeScaling(8.0, 1.0, 4.0, 64));
            default -> throw new IllegalArgumentException(family);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen3", "llama3.1"})
    void aSavedCheckpointServesACompletionWithLogprobs(String family) throws Exception {
        Path ckpt = TinyCheckpoints.write(dir.resolve(family), 11, config(family));
        JsonNode written = JSON.readTree(Files.readString(ckpt.resolve("config.json")));
        if (family.equals("qwen3")) {
            assertThat(written.get("model_type").asText()).isEqualTo("qwen3");
        } else {
            assertThat(written.get("rope_scaling").get("rope_type").asText()).isEqualTo("llama3");
        }
        try (DjlServingModel served = DjlServingModel.load(ckpt, 256);
             EmbeddedServer server = EmbeddedServer.start(served, ServerOptions.loopback(family))) {
            String body = "{\"model\":\"" + family + "\",\"prompt\":\"Once upon\",\"max_tokens\":8,"
                    + "\"temperature\":0,\"ignore_eos\":true,\"logprobs\":1,\"return_token_ids\":true}";
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(server.baseUrl() + "/v1/completions")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode choice = JSON.readTree(r.body()).get("choices").get(0);
            int[] completion = JSON.treeToValue(choice.get("token_ids"), int[].class);
            assertThat(completion).hasSize(8);
            JsonNode lps = choice.get("logprobs");
            assertThat(lps.get("top_logprobs")).hasSize(8);

            int[] prompt = served.tokenize("Once upon", true);
            int[] whole = new int[prompt.length + completion.length];
            System.arraycopy(prompt, 0, whole, 0, prompt.length);
            System.arraycopy(completion, 0, whole, prompt.length, completion.length);
            SequenceScores expected;
            try (CausalLM copy = CausalLM.load(ckpt)) {
                expected = Scorer.score(copy, List.of(whole), 1).get(0);
            }
            for (int t = 0; t < completion.length; t++) {
                int at = prompt.length - 1 + t;
                assertThat(lps.get("token_logprobs").get(t).asDouble()).as("token %d", t)
                        .isCloseTo(expected.logprobs()[at], within(1e-4));
                // greedy: each token is the model's top choice
                assertThat(completion[t]).isEqualTo(expected.topIds()[at][0]);
            }
        }
    }
}
