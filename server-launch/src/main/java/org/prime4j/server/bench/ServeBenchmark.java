package org.prime4j.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.prime4j.server.EmbeddedServer;
import org.prime4j.server.ServerOptions;
import org.prime4j.server.model.SamplingParams;
import org.prime4j.server.model.SequenceRequest;
import org.prime4j.server.model.ServingModel;

/**
 * Measures the embedded server against the model it serves, in one run: the baseline is the model's own
 * {@code generate} called directly, one request at a time; the server is then driven over loopback HTTP at
 * each concurrency with the same requests (fixed length: {@code ignore_eos}).
 */
public final class ServeBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param requests      requests per measurement
     * @param maxTokens     tokens generated per request
     * @param concurrencies clients sending at once over HTTP
     * @param warmup        untimed requests before each measurement
     */
    public record Settings(int requests, int maxTokens, List<Integer> concurrencies, int warmup) {
        public Settings {
            if (requests < 1 || maxTokens < 1 || warmup < 0) {
                throw new IllegalArgumentException("requests and max_tokens must be >= 1, warmup >= 0");
            }
            concurrencies = List.copyOf(concurrencies);
            if (!concurrencies.contains(1) || concurrencies.stream().anyMatch(c -> c < 1)) {
                throw new IllegalArgumentException("concurrencies must be >= 1 and include 1 (compared with the "
                        + "direct call), got " + concurrencies);
            }
        }
    }

    /** One measured configuration. */
    public record Row(String what, int concurrency, int requests, long tokens, double seconds) {
        public double tokensPerSecond() {
            return tokens / seconds;
        }

        public double msPerRequest() {
            return seconds * 1000 / requests * concurrency;
        }
    }

    public record Result(Row direct, List<Row> http, List<Integer> maxBatches) {
        /** HTTP time per request at concurrency 1 minus the direct call's, in milliseconds. */
        public double httpOverheadMs() {
            Row one = http.stream().filter(r -> r.concurrency() == 1).findFirst().orElseThrow(
                    () -> new IllegalStateException("no concurrency-1 run to compare with the direct call"));
            return one.msPerRequest() - direct.msPerRequest();
        }
    }

    private ServeBenchmark() {}

    public static Result run(ServingModel model, Settings s) throws Exception {
        int[] prompt = model.tokenize("Compute 12+34-56. Show each step, then give the answer.", true);
        String body = "{\"prompt\":" + JSON.writeValueAsString(prompt) + ",\"max_tokens\":" + s.maxTokens()
                + ",\"ignore_eos\":true,\"logprobs\":0,\"seed\":%d}";
        List<Row> rows = new ArrayList<>();
        List<Integer> maxBatches = new ArrayList<>();
        AtomicInteger maxBatch = new AtomicInteger();
        // Direct calls run on a thread of their own, as the server's scheduler does, and only while the
        // server is idle: the port allows one model call at a time.
        ExecutorService modelThread = Executors.newSingleThreadExecutor();
        Row direct;
        try (EmbeddedServer server = EmbeddedServer.start(model, ServerOptions.loopback("bench"),
                size -> maxBatch.accumulateAndGet(size, Math::max))) {
            for (int i = 0; i < s.warmup(); i++) {
                int seed = i;
                modelThread.submit(() -> direct(model, prompt, s.maxTokens(), seed)).get();
                http(server.baseUrl(), body, 1, 1);
            }
            // Baseline and concurrency 1 interleaved request by request, so drift in machine load or JIT
            // warm-up hits both alike.
            long directNanos = 0;
            long httpNanos = 0;
            long directTokens = 0;
            long httpTokens = 0;
            maxBatch.set(0);
            for (int i = 0; i < s.requests(); i++) {
                int seed = i;
                // alternate which goes first, so neither always runs on a cache the other just warmed
                for (int k = 0; k < 2; k++) {
                    long t0 = System.nanoTime();
                    if ((i + k) % 2 == 0) {
                        directTokens += modelThread.submit(() -> direct(model, prompt, s.maxTokens(), seed)).get();
                        directNanos += System.nanoTime() - t0;
                    } else {
                        httpTokens += http(server.baseUrl(), body, 1, 1);
                        httpNanos += System.nanoTime() - t0;
                    }
                }
            }
            direct = new Row("model.generate, direct", 1, s.requests(), directTokens, directNanos / 1e9);
            for (int c : s.concurrencies()) {
                if (c == 1) {
                    rows.add(new Row("HTTP /v1/completions", 1, s.requests(), httpTokens, httpNanos / 1e9));
                    maxBatches.add(maxBatch.get());
                    continue;
                }
                http(server.baseUrl(), body, c, c); // let the clients' connections open
                maxBatch.set(0);
                long start = System.nanoTime();
                long generated = http(server.baseUrl(), body, s.requests(), c);
                rows.add(new Row("HTTP /v1/completions", c, s.requests(), generated,
                        (System.nanoTime() - start) / 1e9));
                maxBatches.add(maxBatch.get());
            }
        } finally {
            modelThread.shutdownNow();
        }
        return new Result(direct, rows, maxBatches);
    }

    private static int direct(ServingModel model, int[] prompt, int maxTokens, long seed) {
        SamplingParams p = new SamplingParams(1.0, 1.0, 0, maxTokens, Set.of(), true, 0, seed);
        return model.generate(List.of(new SequenceRequest(prompt, p, null))).get(0).tokenIds().length;
    }

    /** Sends {@code requests} completions from {@code concurrency} clients; returns the tokens generated. */
    private static long http(URI base, String bodyTemplate, int requests, int concurrency) throws Exception {
        HttpClient client = HttpClient.newBuilder().build();
        AtomicInteger next = new AtomicInteger();
        AtomicLong tokens = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < concurrency; c++) {
                clients.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                        HttpResponse<String> r = client.send(HttpRequest.newBuilder(base.resolve("/v1/completions"))
                                .POST(HttpRequest.BodyPublishers.ofString(String.format(bodyTemplate, i))).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200) {
                            throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
                        }
                        JsonNode usage = JSON.readTree(r.body()).get("usage");
                        tokens.addAndGet(usage.get("completion_tokens").asLong());
                    }
                    return null;
                }));
            }
            for (Future<?> f : clients) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return tokens.get();
    }

    /** The result as a Markdown table for BENCHMARKS.md. */
    public static String markdown(Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append("| path | concurrency | requests | tokens | tokens/s | ms/request | largest batch |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|\n");
        append(sb, r.direct(), "-");
        for (int i = 0; i < r.http().size(); i++) {
            append(sb, r.http().get(i), Integer.toString(r.maxBatches().get(i)));
        }
        Map<String, String> notes = new LinkedHashMap<>();
        notes.put("HTTP overhead per request (concurrency 1 minus direct)", String.format("%.2f ms", r.httpOverheadMs()));
        Row one = r.http().stream().filter(x -> x.concurrency() == 1).findFirst().orElseThrow();
        for (Row row : r.http()) {
            if (row.concurrency() != 1) {
                notes.put("throughput at concurrency " + row.concurrency() + " vs 1",
                        String.format("%.2fx", row.tokensPerSecond() / one.tokensPerSecond()));
            }
        }
        sb.append('\n');
        notes.forEach((k, v) -> sb.append("- ").append(k).append(": ").append(v).append('\n'));
        return sb.toString();
    }

    private static void append(StringBuilder sb, Row row, String batch) {
        sb.append(String.format("| %s | %d | %d | %d | %.1f | %.2f | %s |%n", row.what(), row.concurrency(),
                row.requests(), row.tokens(), row.tokensPerSecond(), row.msPerRequest(), batch));
    }
}
