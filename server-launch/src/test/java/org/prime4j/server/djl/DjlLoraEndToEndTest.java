package org.prime4j.server.djl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.model.lora.LoraAdapter;
import org.prime4j.model.lora.LoraConfig;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.score.Scorer;
import org.prime4j.model.score.SequenceScores;
import org.prime4j.server.EmbeddedServer;
import org.prime4j.server.ServerOptions;

/** A PEFT adapter loaded at run time is served under its name and scores exactly as the model module does. */
class DjlLoraEndToEndTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir Path dir;

    static HttpResponse<String> post(EmbeddedServer s, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(s.baseUrl() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static double[] promptLogprobs(EmbeddedServer s, String model, int[] prompt) throws Exception {
        HttpResponse<String> r = post(s, "/v1/completions", "{\"model\":\"" + model + "\",\"prompt\":"
                + JSON.writeValueAsString(prompt) + ",\"max_tokens\":1,\"prompt_logprobs\":0}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode pl = JSON.readTree(r.body()).get("choices").get(0).get("prompt_logprobs");
        double[] out = new double[prompt.length - 1];
        for (int j = 1; j < prompt.length; j++) {
            out[j - 1] = pl.get(j).get(Integer.toString(prompt[j])).get("logprob").asDouble();
        }
        return out;
    }

    @Test
    void aLoadedAdapterIsServedUnderItsNameAndTheBaseStaysAsItWas() throws Exception {
        Path base = TinyCheckpoints.write(dir.resolve("base"), 7);
        Path adapterDir = dir.resolve("adapter");
        try (CausalLM m = CausalLM.load(base);
                LoraAdapter a = LoraAdapter.create(m, new LoraConfig(4, 8, List.of("q_proj", "v_proj"), 0, "tiny"), 3)) {
            Random rng = new Random(5);
            for (Map.Entry<String, NDArray> p : a.parameters().entrySet()) {
                if (p.getKey().contains("lora_B")) { // B starts at zero; give it values so the adapter matters
                    float[] v = new float[Math.toIntExact(p.getValue().size())];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) (rng.nextGaussian() * 0.5);
                    }
                    p.getValue().set(FloatBuffer.wrap(v));
                }
            }
            a.save(adapterDir);
        }
        int[] prompt = {256, 72, 105, 33, 32, 50, 43, 50};
        SequenceScores withAdapter;
        SequenceScores plain;
        try (CausalLM copy = CausalLM.load(base); LoraAdapter a = LoraAdapter.load(copy, adapterDir)) {
            plain = Scorer.score(copy, List.of(prompt), 0).get(0);
            copy.setAdapter(a);
            withAdapter = Scorer.score(copy, List.of(prompt), 0).get(0);
            copy.setAdapter(null);
        }

        try (DjlServingModel served = DjlServingModel.load(base, 128);
                EmbeddedServer server = EmbeddedServer.start(served, ServerOptions.loopback("tiny").withLora(true))) {
            HttpResponse<String> loaded = post(server, "/v1/load_lora_adapter", "{\"lora_name\":\"math\","
                    + "\"lora_path\":" + JSON.writeValueAsString(adapterDir.toString()) + "}");
            assertThat(loaded.statusCode()).as(loaded.body()).isEqualTo(200);

            double[] viaLora = promptLogprobs(server, "math", prompt);
            double[] viaBase = promptLogprobs(server, "tiny", prompt);
            for (int j = 0; j < viaLora.length; j++) {
                assertThat(viaLora[j]).isEqualTo((double) withAdapter.logprobs()[j]);
                assertThat(viaBase[j]).isEqualTo((double) plain.logprobs()[j]);
            }
            assertThat(viaLora).isNotEqualTo(viaBase);

            assertThat(post(server, "/v1/unload_lora_adapter", "{\"lora_name\":\"math\"}").statusCode()).isEqualTo(200);
            assertThat(post(server, "/v1/completions", "{\"model\":\"math\",\"prompt\":\"a\"}").statusCode())
                    .isEqualTo(404);
        }
    }
}
