package org.prime4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Weight reload, prefix-cache reset and LoRA load/unload through the dev endpoints. */
class AdminEndpointsTest {

    @TempDir Path dir;

    static final String GREEDY = "{\"prompt\":\"abc\",\"max_tokens\":8,\"temperature\":0,\"ignore_eos\":true,"
            + "\"return_token_ids\":true%s}";

    Path weights(String name, int version) throws IOException {
        Path d = Files.createDirectories(dir.resolve(name));
        Files.writeString(d.resolve("version"), Integer.toString(version));
        return d;
    }

    static JsonNode greedyIds(HttpJson http, String extra) {
        return http.ok("/v1/completions", String.format(GREEDY, extra)).get("choices").get(0).get("token_ids");
    }

    @Test
    void reloadWeightsFromAPathSwitchesTheModel() throws Exception {
        Path base = weights("base", 0);
        Path next = weights("step-1", 3);
        FakeServingModel model = new FakeServingModel(base, 0, 128);
        try (EmbeddedServer server = EmbeddedServer.start(model, ServerOptions.loopback("m"))) {
            HttpJson http = new HttpJson(server.baseUrl());
            JsonNode before = greedyIds(http, "");

            JsonNode ack = http.ok("/collective_rpc", "{\"method\":\"reload_weights\",\"kwargs\":{\"weights_path\":"
                    + HttpJson.JSON.valueToTree(next.toString()) + "}}");
            assertThat(ack.get("results")).hasSize(1);
            assertThat(model.version()).isEqualTo(3);
            JsonNode after = greedyIds(http, "");
            assertThat(after).isNotEqualTo(before);
            JsonNode fresh;
            try (EmbeddedServer other = EmbeddedServer.start(new FakeServingModel(next, 3, 128),
                    ServerOptions.loopback("m"))) {
                fresh = greedyIds(new HttpJson(other.baseUrl()), "");
            }
            assertThat(after).isEqualTo(fresh);

            // Without a path vLLM reloads from where the model came from.
            http.ok("/collective_rpc", "{\"method\":\"reload_weights\"}");
            assertThat(greedyIds(http, "")).isEqualTo(before);

            assertThat(http.post("/reset_prefix_cache", "").status()).isEqualTo(200);
            assertThat(http.post("/sleep?level=1", "").status()).isEqualTo(200);
            assertThat(http.get("/is_sleeping").json().get("is_sleeping").asBoolean()).isTrue();
            assertThat(http.post("/wake_up", "").status()).isEqualTo(200);
            assertThat(http.get("/is_sleeping").json().get("is_sleeping").asBoolean()).isFalse();
        }
    }

    @Test
    void aFailedReloadKeepsTheOldWeightsAndSaysWhy() throws Exception {
        Path base = weights("base", 0);
        Path broken = Files.createDirectories(dir.resolve("broken")); // no weights in it
        FakeServingModel model = new FakeServingModel(base, 0, 128);
        try (EmbeddedServer server = EmbeddedServer.start(model, ServerOptions.loopback("m"))) {
            HttpJson http = new HttpJson(server.baseUrl());
            JsonNode before = greedyIds(http, "");
            HttpJson.Response r = http.post("/collective_rpc", "{\"method\":\"reload_weights\",\"kwargs\":"
                    + "{\"weights_path\":" + HttpJson.JSON.valueToTree(broken.toString()) + "}}");
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.json().get("error").get("message").asText()).contains("version");
            assertThat(greedyIds(http, "")).isEqualTo(before);

            HttpJson.Response missing = http.post("/collective_rpc", "{\"method\":\"reload_weights\",\"kwargs\":"
                    + "{\"weights_path\":\"/no/such/dir\"}}");
            assertThat(missing.status()).isEqualTo(400);
            assertThat(missing.json().get("error").get("param").asText()).isEqualTo("kwargs.weights_path");
            HttpJson.Response method = http.post("/collective_rpc", "{\"method\":\"sleep\"}");
            assertThat(method.status()).isEqualTo(400);
            assertThat(method.json().get("error").get("param").asText()).isEqualTo("method");
        }
    }

    @Test
    void loraAdaptersLoadServeListAndUnload() throws Exception {
        Path base = weights("base", 0);
        Path adapter = Files.createDirectories(dir.resolve("adapter"));
        Files.writeString(adapter.resolve("bias_token"), "40");
        Files.writeString(adapter.resolve("adapter_config.json"), "{\"r\":8,\"modules_to_save\":null}");
        FakeServingModel model = new FakeServingModel(base, 0, 128);
        try (EmbeddedServer server = EmbeddedServer.start(model, ServerOptions.loopback("base").withLora(true))) {
            HttpJson http = new HttpJson(server.baseUrl());
            JsonNode plain = greedyIds(http, "");
            String load = "{\"lora_name\":\"math\",\"lora_path\":" + HttpJson.JSON.valueToTree(adapter.toString()) + "}";

            HttpJson.Response loaded = http.post("/v1/load_lora_adapter", load);
            assertThat(loaded.status()).isEqualTo(200);
            assertThat(loaded.body()).isEqualTo("Success: LoRA adapter 'math' added successfully.");
            JsonNode models = http.get("/v1/models").json().get("data");
            assertThat(models).hasSize(2);
            assertThat(models.get(1).get("id").asText()).isEqualTo("math");
            assertThat(models.get(1).get("parent").asText()).isEqualTo("base");
            assertThat(models.get(1).get("root").asText()).isEqualTo(adapter.toString());

            JsonNode withLora = http.ok("/v1/completions", String.format(GREEDY, ",\"model\":\"math\""));
            assertThat(withLora.get("model").asText()).isEqualTo("math");
            assertThat(withLora.get("choices").get(0).get("token_ids")).isNotEqualTo(plain);
            assertThat(greedyIds(http, ",\"model\":\"base\"")).isEqualTo(plain);

            HttpJson.Response again = http.post("/v1/load_lora_adapter", load);
            assertThat(again.status()).isEqualTo(400);
            assertThat(again.json().get("error").get("message").asText()).contains("already been loaded");

            HttpJson.Response unloaded = http.post("/v1/unload_lora_adapter", "{\"lora_name\":\"math\"}");
            assertThat(unloaded.status()).isEqualTo(200);
            assertThat(http.post("/v1/completions", String.format(GREEDY, ",\"model\":\"math\"")).status())
                    .isEqualTo(404);
            HttpJson.Response gone = http.post("/v1/unload_lora_adapter", "{\"lora_name\":\"math\"}");
            assertThat(gone.status()).isEqualTo(404);
            assertThat(gone.json().get("error").get("type").asText()).isEqualTo("NotFoundError");
        }
    }

    @Test
    void withoutEnableLoraTheLoraRoutesDoNotExistAsInVllm() throws Exception {
        try (EmbeddedServer server = EmbeddedServer.start(new FakeServingModel(weights("b", 0), 0, 128),
                ServerOptions.loopback("base"))) {
            HttpJson http = new HttpJson(server.baseUrl());
            for (String route : new String[] {"/v1/load_lora_adapter", "/v1/unload_lora_adapter"}) {
                HttpJson.Response r = http.post(route, "{\"lora_name\":\"x\",\"lora_path\":\"/tmp\"}");
                assertThat(r.status()).isEqualTo(404);
                assertThat(r.json().get("detail").asText()).isEqualTo("Not Found");
            }
        }
    }
}
