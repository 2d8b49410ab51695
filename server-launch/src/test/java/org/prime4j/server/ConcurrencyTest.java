package org.prime4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.model.generate.SamplingParams;
import org.prime4j.server.model.SequenceRequest;

/** Concurrent requests are batched through the model, and a reload never splits a request across weights. */
class ConcurrencyTest {

    @TempDir Path dir;

    @Test
    void concurrentRequestsAreBatchedAndAnswerAsIfAlone() throws Exception {
        FakeServingModel model = new FakeServingModel(dir, 0, 128);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try (EmbeddedServer server = EmbeddedServer.start(model, ServerOptions.loopback("m"))) {
            HttpJson http = new HttpJson(server.baseUrl());
            List<Future<JsonNode>> replies = new ArrayList<>();
            for (int i = 0; i < 48; i++) {
                String body = "{\"prompt\":\"q" + i + "\",\"max_tokens\":20,\"seed\":" + i
                        + ",\"n\":2,\"return_token_ids\":true}";
                replies.add(pool.submit(() -> http.ok("/v1/completions", body)));
            }
            for (int i = 0; i < replies.size(); i++) {
                JsonNode choices = replies.get(i).get().get("choices");
                for (int s = 0; s < 2; s++) {
                    SamplingParams p = new SamplingParams(1.0, 1.0, 0, (long) (i + s), 20, Set.of(), List.of(), 0, false);
                    int[] alone = model.generate(List.of(new SequenceRequest(model.tokenize("q" + i, true), p, null)))
                            .get(0).tokenIds();
                    assertThat(CompletionsEndpointTest.ints(choices.get(s).get("token_ids"))).containsExactly(alone);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(model.generateBatchSizes.stream().mapToInt(Integer::intValue).max().orElse(0))
                .as("some model calls carried several requests' sequences")
                .isGreaterThan(2);
    }

    @Test
    void requestsDuringAReloadRunEntirelyOnTheOldOrEntirelyOnTheNewWeights() throws Exception {
        Path next = Files.createDirectories(dir.resolve("next"));
        Files.writeString(next.resolve("version"), "5");
        FakeServingModel model = new FakeServingModel(dir, 0, 128);
        String body = "{\"prompt\":\"zz\",\"max_tokens\":10,\"n\":4,\"temperature\":0,\"ignore_eos\":true,"
                + "\"prompt_logprobs\":0,\"return_token_ids\":true}";
        JsonNode oldIds;
        JsonNode newIds;
        try (EmbeddedServer other = EmbeddedServer.start(new FakeServingModel(dir, 5, 128),
                ServerOptions.loopback("m"))) {
            newIds = new HttpJson(other.baseUrl()).ok("/v1/completions", body).get("choices").get(0);
        }
        ExecutorService pool = Executors.newFixedThreadPool(17);
        try (EmbeddedServer server = EmbeddedServer.start(model, ServerOptions.loopback("m"))) {
            HttpJson http = new HttpJson(server.baseUrl());
            oldIds = http.ok("/v1/completions", body).get("choices").get(0);
            assertThat(oldIds.get("token_ids")).isNotEqualTo(newIds.get("token_ids"));

            model.reloadDelay(300);
            List<Future<JsonNode>> replies = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                replies.add(pool.submit(() -> http.ok("/v1/completions", body)));
                if (i == 8) {
                    replies.add(pool.submit(() -> http.ok("/collective_rpc", "{\"method\":\"reload_weights\","
                            + "\"kwargs\":{\"weights_path\":" + HttpJson.JSON.valueToTree(next.toString()) + "}}")));
                }
                Thread.sleep(15);
            }
            int old = 0;
            int fresh = 0;
            for (Future<JsonNode> f : replies) {
                JsonNode r = f.get();
                if (!r.has("choices")) {
                    continue; // the reload's own acknowledgement
                }
                JsonNode first = r.get("choices").get(0);
                JsonNode expected = first.get("token_ids").equals(oldIds.get("token_ids")) ? oldIds : newIds;
                old += expected == oldIds ? 1 : 0;
                fresh += expected == newIds ? 1 : 0;
                for (JsonNode c : r.get("choices")) {
                    assertThat(c.get("token_ids")).isEqualTo(expected.get("token_ids"));
                    assertThat(c.get("prompt_logprobs")).isEqualTo(expected.get("prompt_logprobs"));
                }
            }
            assertThat(old).isPositive();
            assertThat(fresh).isPositive();
            assertThat(http.ok("/v1/completions", body).get("choices").get(0).get("token_ids"))
                    .isEqualTo(newIds.get("token_ids"));
        } finally {
            pool.shutdownNow();
        }
    }
}
