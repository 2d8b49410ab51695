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
import java.util.concurrent.TimeUnit;
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
        ExecutorService pool = Executors.newFixedThreadPool(48);
        try (EmbeddedServer server = EmbeddedServer.start(model, ServerOptions.loopback("m"))) {
            HttpJson http = new HttpJson(server.baseUrl());
            // The first model call is held, so the other requests pile up in the scheduler's queue behind it
            // however slowly the machine runs; the next call then takes many of them at once.
            FakeServingModel.Hold first = model.holdNextGenerate();
            List<Future<JsonNode>> replies = new ArrayList<>();
            for (int i = 0; i < 48; i++) {
                String body = "{\"prompt\":\"q" + i + "\",\"max_tokens\":20,\"seed\":" + i
                        + ",\"n\":2,\"return_token_ids\":true}";
                replies.add(pool.submit(() -> http.ok("/v1/completions", body)));
            }
            first.awaitEntered();
            awaitTokenized(model, 48); // each request is tokenized just before it is queued
            first.release();
            for (int i = 0; i < replies.size(); i++) {
                JsonNode choices = replies.get(i).get(60, TimeUnit.SECONDS).get("choices"); // hang guard
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

    private static void awaitTokenized(FakeServingModel model, int prompts) throws InterruptedException {
        long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (model.tokenizeCalls.get() < prompts) {
            if (System.nanoTime() > guard) {
                throw new AssertionError("only " + model.tokenizeCalls.get() + " of " + prompts + " prompts arrived");
            }
            Thread.sleep(5);
        }
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

            // Requests are in the model (held) and queued when the reload arrives: it lands mid-stream.
            FakeServingModel.Hold generating = model.holdNextGenerate();
            List<Future<JsonNode>> before = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                before.add(pool.submit(() -> http.ok("/v1/completions", body)));
            }
            generating.awaitEntered();
            FakeServingModel.Hold reloading = model.holdNextReload();
            Future<JsonNode> reload = pool.submit(() -> http.ok("/collective_rpc", "{\"method\":\"reload_weights\","
                    + "\"kwargs\":{\"weights_path\":" + HttpJson.JSON.valueToTree(next.toString()) + "}}"));
            generating.release();
            // The reload now runs on the scheduler thread: what was queued before it has been answered, and
            // what comes now queues behind it.
            reloading.awaitEntered();
            List<Future<JsonNode>> after = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                after.add(pool.submit(() -> http.ok("/v1/completions", body)));
            }
            reloading.release();
            assertThat(reload.get(60, TimeUnit.SECONDS).has("choices")).isFalse(); // hang guards only
            int old = 0;
            for (Future<JsonNode> f : before) {
                old += consistentOn(f.get(60, TimeUnit.SECONDS), oldIds, newIds) == oldIds ? 1 : 0;
            }
            assertThat(old).as("requests answered by the held call, on the old weights").isPositive();
            for (Future<JsonNode> f : after) {
                assertThat(consistentOn(f.get(60, TimeUnit.SECONDS), oldIds, newIds)).isSameAs(newIds);
            }
            assertThat(model.version()).isEqualTo(5);
            assertThat(http.ok("/v1/completions", body).get("choices").get(0).get("token_ids"))
                    .isEqualTo(newIds.get("token_ids"));
        } finally {
            pool.shutdownNow();
        }
    }

    /** Checks every choice of {@code reply} ran on one set of weights; returns that set's expected choice. */
    private static JsonNode consistentOn(JsonNode reply, JsonNode oldIds, JsonNode newIds) {
        JsonNode first = reply.get("choices").get(0);
        JsonNode expected = first.get("token_ids").equals(oldIds.get("token_ids")) ? oldIds : newIds;
        for (JsonNode c : reply.get("choices")) {
            assertThat(c.get("token_ids")).isEqualTo(expected.get("token_ids"));
            assertThat(c.get("prompt_logprobs")).isEqualTo(expected.get("prompt_logprobs"));
        }
        return expected;
    }
}
