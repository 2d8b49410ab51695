package org.prime4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 12, item 4: one request cannot take the server down. Limits are checked before any work (nothing is
 * tokenized for a refused request), and a request whose client goes away leaves the batch.
 */
class BoundedServerTest {

    @TempDir Path dir;

    @Test
    void defaultsComeFromTheBatchSizeAndTheContextLength() throws Exception {
        try (EmbeddedServer server = EmbeddedServer.start(new FakeServingModel(dir, 0, 128),
                ServerOptions.loopback("m").withMaxBatchSize(8))) {
            assertThat(server.limits()).isEqualTo(new RequestLimits(32, 4L * 8 * 128, 64 * 128));
        }
    }

    @Test
    void greedyRequestsAreRefusedBeforeAnyTokenizing() throws Exception {
        FakeServingModel model = new FakeServingModel(dir, 0, 128);
        try (EmbeddedServer server = EmbeddedServer.start(model, ServerOptions.loopback("m").withMaxBatchSize(8))) {
            HttpJson http = new HttpJson(server.baseUrl());

            JsonNode n = error(http, "{\"prompt\":\"abc\",\"n\":10000,\"max_tokens\":4}");
            assertThat(n.get("param").asText()).isEqualTo("n");
            assertThat(n.get("message").asText()).isEqualTo("n must be at most 32 (--max-n), got 10000.");

            // 3 prompts x n=32 x 64 = 6144 > 4 x 8 x 128 = 4096
            JsonNode tokens = error(http, "{\"prompt\":[\"a\",\"b\",\"c\"],\"n\":32,\"max_tokens\":64}");
            assertThat(tokens.get("param").asText()).isEqualTo("max_tokens");
            assertThat(tokens.get("message").asText()).startsWith("The request asks for up to 6144 generated tokens "
                    + "(3 prompts x n=32 x max_tokens=64), more than the 4096 this server allows per request");

            String huge = "x".repeat(64 * 128 + 1);
            JsonNode bytes = error(http, "{\"prompt\":\"" + huge + "\",\"max_tokens\":1}");
            assertThat(bytes.get("param").asText()).isEqualTo("prompt");
            assertThat(bytes.get("message").asText()).startsWith("This model's maximum context length is 128 tokens. "
                    + "However, your prompt is 8193 bytes long");
            // a multi-byte character counts its UTF-8 bytes: 2731 x 3 = 8193 bytes in 2731 characters
            assertThat(error(http, "{\"prompt\":\"" + "\u20ac".repeat(2731) + "\"}").get("message").asText())
                    .contains("8193 bytes");
            HttpJson.Response tokenize = http.post("/tokenize", "{\"prompt\":\"" + huge + "\"}");
            assertThat(tokenize.status()).isEqualTo(400);
            assertThat(tokenize.json().get("error").get("param").asText()).isEqualTo("prompt");
            HttpJson.Response chat = http.post("/tokenize", "{\"messages\":[{\"role\":\"user\",\"content\":\""
                    + huge + "\"}]}");
            assertThat(chat.json().get("error").get("param").asText()).isEqualTo("messages");
            assertThat(model.tokenizeCalls.get()).isZero();
            assertThat(model.generateBatchSizes).isEmpty();

            // at the limits the request is served
            assertThat(http.post("/v1/completions", "{\"prompt\":[1,2],\"n\":32,\"max_tokens\":4}").status())
                    .isEqualTo(200);
        }
    }

    @Test
    void limitsCanBeSetExplicitly() throws Exception {
        try (EmbeddedServer server = EmbeddedServer.start(new FakeServingModel(dir, 0, 128),
                ServerOptions.loopback("m").withLimits(new RequestLimits(2, 10L, 5)))) {
            HttpJson http = new HttpJson(server.baseUrl());
            assertThat(error(http, "{\"prompt\":\"abc\",\"n\":3,\"max_tokens\":1}").get("param").asText()).isEqualTo("n");
            assertThat(error(http, "{\"prompt\":\"abc\",\"n\":2,\"max_tokens\":6}").get("param").asText())
                    .isEqualTo("max_tokens");
            assertThat(error(http, "{\"prompt\":\"abcdef\",\"max_tokens\":1}").get("param").asText())
                    .isEqualTo("prompt");
            assertThat(http.post("/v1/completions", "{\"prompt\":\"abcde\",\"n\":2,\"max_tokens\":5}").status())
                    .isEqualTo(200);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "null                                   | body",
        "[]                                     | body",
        "\"prompt\"                             | body",
        "7                                      | body",
        "{\"prompt\":\"a\",\"n\":\"many\"}      | n",
        "{\"prompt\":\"a\",\"temperature\":[]}  | temperature",
        "{\"prompt\":\"a\",\"echo\":\"yes\"}    | echo",
        "{\"prompt\":\"a\",\"stop_token_ids\":7} | stop_token_ids",
        "{\"prompt\":\"a\",\"logprobs\":{}}     | logprobs",
    })
    void aBodyOfTheWrongShapeIsA400NamingTheField(String body, String param) throws Exception {
        try (EmbeddedServer server = EmbeddedServer.start(new FakeServingModel(dir, 0, 128),
                ServerOptions.loopback("m"))) {
            HttpJson http = new HttpJson(server.baseUrl());
            JsonNode e = error(http, body);
            assertThat(e.get("param").asText()).as(e.toString()).isEqualTo(param);
            for (String path : new String[] {"/tokenize", "/detokenize"}) {
                HttpJson.Response r = http.post(path, "null");
                assertThat(r.status()).as(path).isEqualTo(400);
                assertThat(r.json().get("error").get("param").asText()).isEqualTo("body");
            }
        }
    }

    /**
     * The fuzz in small: a request of many batches whose client gives up. Its sequences leave the
     * scheduler within one batch plus two connection checks, and another client is then served.
     */
    @Test
    void aRequestWhoseClientDisconnectsLeavesTheBatch() throws Exception {
        FakeServingModel model = new FakeServingModel(dir, 0, 128);
        model.generateMillis = 200;
        ServerOptions options = ServerOptions.loopback("m").withMaxBatchSize(4)
                .withLimits(new RequestLimits(64, null, null)).withDisconnectCheckMillis(100);
        try (EmbeddedServer server = EmbeddedServer.start(model, options)) {
            // 64 sequences in chunks of 4: 16 model calls, 3.2 s if run to the end
            String body = "{\"prompt\":\"abc\",\"n\":64,\"max_tokens\":8,\"ignore_eos\":true}";
            try (Socket client = new Socket("127.0.0.1", server.port())) {
                OutputStream out = client.getOutputStream();
                out.write(("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                waitFor(() -> server.activeSequences() == 64, 10_000);
                // The server commits its 200 and starts checking the connection after 100 ms.
                InputStream in = client.getInputStream();
                assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
            } // the client gives up: its socket closes here
            long gaveUp = System.nanoTime();
            waitFor(() -> server.activeSequences() == 0, 5_000);
            long drainedMillis = (System.nanoTime() - gaveUp) / 1_000_000;
            assertThat(drainedMillis).as("ms until the batch was free").isLessThan(2_000);
            assertThat(model.generateBatchSizes.size()).as("model calls of the abandoned request").isLessThan(16);

            model.generateMillis = 0;
            HttpJson http = new HttpJson(server.baseUrl());
            JsonNode small = http.ok("/v1/completions", "{\"prompt\":\"ab\",\"max_tokens\":2,\"ignore_eos\":true}");
            assertThat(small.get("usage").get("completion_tokens").asInt()).isEqualTo(2);
        }
    }

    /** A long request whose client stays gets its whole reply after the keep-alive spaces. */
    @Test
    void aLongRequestWhoseClientWaitsGetsItsReply() throws Exception {
        FakeServingModel model = new FakeServingModel(dir, 0, 128);
        model.generateMillis = 100;
        ServerOptions options = ServerOptions.loopback("m").withMaxBatchSize(2).withDisconnectCheckMillis(50);
        try (EmbeddedServer server = EmbeddedServer.start(model, options)) {
            HttpJson.Response reply = new HttpJson(server.baseUrl()).post("/v1/completions",
                    "{\"prompt\":\"abc\",\"n\":8,\"max_tokens\":3,\"ignore_eos\":true,\"seed\":3}");
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.body()).as("keep-alive spaces before the JSON").startsWith("  ");
            JsonNode r = reply.json();
            assertThat(r.get("choices")).hasSize(8);
            assertThat(r.get("usage").get("completion_tokens").asInt()).isEqualTo(24);
            assertThat(model.generateBatchSizes).containsExactly(2, 2, 2, 2);
            assertThat(server.activeSequences()).isZero();
        }
    }

    static JsonNode error(HttpJson http, String body) {
        HttpJson.Response r = http.post("/v1/completions", body);
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        return r.json().get("error");
    }

    static void waitFor(java.util.function.BooleanSupplier condition, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("condition not met within " + timeoutMillis + " ms");
            }
            Thread.sleep(10);
        }
    }
}
