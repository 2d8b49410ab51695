package org.prime4j.app.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.prime4j.server.EmbeddedServer;
import org.prime4j.server.ServerOptions;
import org.prime4j.model.generate.SamplingParams;
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
     * @param warmup        untimed one-token requests on each path before measuring (a few full-length ones too)
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

    /**
     * @param direct         the model called directly, full-length requests
     * @param directOneToken the model called directly, one-token requests
     * @param http           HTTP rows: concurrency 1 full length, concurrency 1 one token, then the others
     */
    public record Result(Row direct, Row directOneToken, List<Row> http, List<Integer> maxBatches) {
        /** HTTP time per one-token request at concurrency 1 minus the direct call's, in milliseconds. */
        public double httpOverheadMs() {
            return http.get(1).msPerRequest() - directOneToken.msPerRequest();
        }
    }

    private ServeBenchmark() {}

    public static Result run(ServingModel model, Settings s) throws Exception {
        int[] prompt = model.tokenize("Compute 12+34-56. Show each step, then give the answer.", true);
        List<Row> rows = new ArrayList<>();
        List<Integer> maxBatches = new ArrayList<>();
        AtomicInteger maxBatch = new AtomicInteger();
        // Direct calls run on a thread of their own, as the server's scheduler does, and only while the
        // server is idle: the port allows one model call at a time.
        ExecutorService modelThread = Executors.newSingleThreadExecutor();
        Row[] direct;
        try (EmbeddedServer server = EmbeddedServer.start(model, ServerOptions.loopback("bench"),
                size -> maxBatch.accumulateAndGet(size, Math::max))) {
            Pair warm = new Pair(model, modelThread, server.baseUrl(), prompt);
            // The JIT compiles a method after some hundreds of calls, and the HTTP and JSON code runs once per
            // request: with only a few warm-up requests the one-token rows timed interpreted code, not the
            // server's steady state. One-token requests warm that code cheaply; a few full-length ones warm the
            // model's longer shapes.
            warm.measure(s.warmup(), 1);
            warm.measure(Math.min(s.warmup(), 4), s.maxTokens());
            // One-token requests isolate the per-request cost of HTTP + JSON + scheduling.
            Row[] oneToken = warm.measure(s.requests(), 1);
            Row[] full = warm.measure(s.requests(), s.maxTokens());
            direct = new Row[] {full[0], oneToken[0]};
            rows.add(full[1]);
            maxBatches.add(1);
            rows.add(oneToken[1]);
            maxBatches.add(1);
            for (int c : s.concurrencies()) {
                if (c == 1) {
                    continue;
                }
                String body = warm.body(s.maxTokens());
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
        return new Result(direct[0], direct[1], rows, maxBatches);
    }

    /** The same request sent directly and over HTTP (concurrency 1). */
    private record Pair(ServingModel model, ExecutorService modelThread, URI base, int[] prompt) {

        String body(int maxTokens) throws Exception {
            return "{\"prompt\":" + JSON.writeValueAsString(prompt) + ",\"max_tokens\":" + maxTokens
                    + ",\"ignore_eos\":true,\"logprobs\":0,\"seed\":%d}";
        }

        /**
         * Interleaves the two paths request by request, alternating which goes first, so drift in machine
         * load or JIT warm-up hits both alike. Returns {direct, http}.
         */
        Row[] measure(int requests, int maxTokens) throws Exception {
            String body = body(maxTokens);
            long[] nanos = new long[2];
            long[] tokens = new long[2];
            for (int i = 0; i < requests; i++) {
                int seed = i;
                for (int k = 0; k < 2; k++) {
                    int path = (i + k) % 2;
                    long t0 = System.nanoTime();
                    tokens[path] += path == 0
                            ? modelThread.submit(() -> direct(model, prompt, maxTokens, seed)).get()
                            : http(base, body, 1, 1);
                    nanos[path] += System.nanoTime() - t0;
                }
            }
            String suffix = maxTokens == 1 ? " (1 token)" : "";
            return new Row[] {
                new Row("model.generate, direct" + suffix, 1, requests, tokens[0], nanos[0] / 1e9),
                new Row("HTTP /v1/completions" + suffix, 1, requests, tokens[1], nanos[1] / 1e9)};
        }
    }

    private static int direct(ServingModel model, int[] prompt, int maxTokens, long seed) {
        SamplingParams p = new SamplingParams(1.0, 1.0, 0, seed, maxTokens, Set.of(), List.of(), 0, true);
        return model.generate(List.of(new SequenceRequest(prompt, p, null))).get(0).tokenIds().length;
    }

    private static final MediaType JSON_TYPE = MediaType.get("application/json");

    /**
     * One client for the whole run, as the orchestrator's: OkHttp over kept-alive HTTP/1.1 connections, its
     * blocking calls made on the caller's thread. The JDK's HttpClient, used before, passes each reply through
     * its selector and executor threads: warm, it added about 1.1 ms per request over a bare socket, OkHttp about
     * 0.4 ms, and the server's own HTTP handling about 0.4 ms, so the benchmark mostly timed its own client.
     */
    private static final OkHttpClient CLIENT = new OkHttpClient.Builder()
            .protocols(List.of(Protocol.HTTP_1_1))
            .readTimeout(java.time.Duration.ofMinutes(10))
            .build();

    /** Sends {@code requests} completions from {@code concurrency} clients; returns the tokens generated. */
    private static long http(URI base, String bodyTemplate, int requests, int concurrency) throws Exception {
        String url = base.resolve("/v1/completions").toString();
        AtomicInteger next = new AtomicInteger();
        AtomicLong tokens = new AtomicLong();
        Callable<Void> client = () -> {
            for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                Request request = new Request.Builder().url(url)
                        .post(RequestBody.create(String.format(bodyTemplate, i), JSON_TYPE)).build();
                try (Response r = CLIENT.newCall(request).execute()) {
                    String reply = r.body().string();
                    if (r.code() != 200) {
                        throw new IllegalStateException("HTTP " + r.code() + ": " + reply);
                    }
                    tokens.addAndGet(JSON.readTree(reply).get("usage").get("completion_tokens").asLong());
                }
            }
            return null;
        };
        if (concurrency == 1) {
            client.call();
            return tokens.get();
        }
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            List<Future<Void>> clients = new ArrayList<>();
            for (int c = 0; c < concurrency; c++) {
                clients.add(pool.submit(client));
            }
            for (Future<Void> f : clients) {
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
        append(sb, r.directOneToken(), "-");
        for (int i = 0; i < r.http().size(); i++) {
            append(sb, r.http().get(i), Integer.toString(r.maxBatches().get(i)));
        }
        Map<String, String> notes = new LinkedHashMap<>();
        notes.put("HTTP overhead per request (one-token requests, HTTP minus direct)",
                String.format("%.2f ms", r.httpOverheadMs()));
        notes.put("HTTP vs direct at full length, concurrency 1", String.format("%.2fx the time",
                r.http().get(0).msPerRequest() / r.direct().msPerRequest()));
        Row one = r.http().get(0);
        for (Row row : r.http()) {
            if (row.concurrency() != 1 && row.tokens() / row.requests() == one.tokens() / one.requests()) {
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
