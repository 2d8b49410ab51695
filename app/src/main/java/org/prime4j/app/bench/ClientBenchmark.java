package org.prime4j.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.prime4j.client.RolloutClient;
import org.prime4j.client.Rollouts;
import org.prime4j.client.SamplingOptions;
import org.prime4j.client.pool.PoolConfig;
import org.prime4j.client.protocol.CompletionChoice;
import org.prime4j.client.protocol.CompletionReplyParser;
import org.prime4j.client.protocol.CompletionRequest;
import org.prime4j.client.protocol.ServerException;

/**
 * The rollout client's two costs, each against a baseline measured in the same run: parsing a large
 * log-prob reply (streaming parser vs Jackson's tree model extracting the same arrays) and the per-request
 * overhead of the whole client path (pool, breaker, bulkhead, retry, parse, checks) vs a bare OkHttp call,
 * both against a loopback server that answers instantly.
 */
public final class ClientBenchmark {

    /** Median time and allocation of one way of parsing. */
    public record ParseFigures(String name, double medianMs, double mbPerSecond, double tokensPerSecond,
            double allocatedMbPerParse) {}

    public record ParseResult(long replyBytes, long tokens, int choices, ParseFigures streaming, ParseFigures tree) {
        public double speedup() {
            return tree.medianMs() / streaming.medianMs();
        }
    }

    public record OverheadResult(int requests, long replyBytes, double baselineMedianUs, double baselineMeanUs,
            double clientMedianUs, double clientMeanUs) {
        public double overheadMedianUs() {
            return clientMedianUs - baselineMedianUs;
        }
    }

    private ClientBenchmark() {}

    // ------------------------------------------------------------------------------------------------ parse

    public static ParseResult parse(long targetBytes, int choices, int warmup, int iterations) {
        ReplyGenerator.Reply reply = ReplyGenerator.generate(targetBytes, choices, 7L);
        List<int[]> prompts = List.of(reply.prompt());
        ObjectMapper mapper = new ObjectMapper();
        double expected = checksum(streaming(reply.json(), prompts, choices));
        double treeSum = checksum(tree(mapper, reply.json()));
        if (Math.abs(expected - treeSum) > 1e-3 * Math.max(1, Math.abs(expected))) {
            throw new IllegalStateException("streaming and tree parses disagree: " + expected + " vs " + treeSum);
        }
        for (int i = 0; i < warmup; i++) {
            streaming(reply.json(), prompts, choices);
            tree(mapper, reply.json());
        }
        long[] sNanos = new long[iterations];
        long[] tNanos = new long[iterations];
        long sAlloc = 0;
        long tAlloc = 0;
        // Interleaved, so drift in machine load hits both alike.
        for (int i = 0; i < iterations; i++) {
            long a0 = allocated();
            long t0 = System.nanoTime();
            streaming(reply.json(), prompts, choices);
            sNanos[i] = System.nanoTime() - t0;
            long a1 = allocated();
            t0 = System.nanoTime();
            tree(mapper, reply.json());
            tNanos[i] = System.nanoTime() - t0;
            tAlloc += allocated() - a1;
            sAlloc += a1 - a0;
        }
        return new ParseResult(reply.json().length, reply.tokens(), choices,
                figures("streaming (prime4j)", sNanos, sAlloc / iterations, reply),
                figures("Jackson tree model", tNanos, tAlloc / iterations, reply));
    }

    private static ParseFigures figures(String name, long[] nanos, long allocPerParse, ReplyGenerator.Reply reply) {
        double ms = median(nanos) / 1e6;
        return new ParseFigures(name, ms, reply.json().length / 1e6 / (ms / 1e3), reply.tokens() / (ms / 1e3),
                allocPerParse / 1e6);
    }

    private static List<CompletionChoice> streaming(byte[] json, List<int[]> prompts, int n) {
        try {
            return new CompletionReplyParser(prompts, n).parse(new ByteArrayInputStream(json)).choices();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The baseline: the whole body as a tree, then the same arrays pulled out of it. */
    private static List<CompletionChoice> tree(ObjectMapper mapper, byte[] json) {
        try {
            JsonNode root = mapper.readTree(json);
            List<CompletionChoice> out = new java.util.ArrayList<>();
            for (JsonNode c : root.path("choices")) {
                int[] ids = ReplyGenerator.ints(c.path("token_ids"));
                JsonNode lp = c.path("logprobs").path("token_logprobs");
                float[] lps = new float[lp.size()];
                for (int i = 0; i < lps.length; i++) {
                    lps[i] = lp.get(i).floatValue();
                }
                out.add(new CompletionChoice(c.path("index").intValue(), c.path("text").asText(),
                        c.path("finish_reason").asText(), ids, lps,
                        ReplyGenerator.ints(c.path("prompt_token_ids")), null));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double checksum(List<CompletionChoice> choices) {
        double s = 0;
        for (CompletionChoice c : choices) {
            for (int id : c.tokenIds()) {
                s += id;
            }
            for (float lp : c.tokenLogprobs()) {
                s += lp;
            }
        }
        return s;
    }

    private static long allocated() {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (mx instanceof com.sun.management.ThreadMXBean sun && sun.isThreadAllocatedMemorySupported()) {
            return sun.getThreadAllocatedBytes(Thread.currentThread().getId());
        }
        return 0;
    }

    // --------------------------------------------------------------------------------------------- overhead

    public static OverheadResult overhead(int warmup, int requests) throws IOException, ServerException {
        byte[] reply = ReplyGenerator.template();
        int[] prompt = ReplyGenerator.ints(new ObjectMapper().readTree(reply).path("choices").get(0)
                .path("prompt_token_ids"));
        // The JDK server leaves Nagle on by default; with delayed ACKs that adds ~40 ms to small replies.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        ExecutorService serverThreads = Executors.newFixedThreadPool(2);
        server.setExecutor(serverThreads);
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            boolean health = exchange.getRequestURI().getPath().equals("/health");
            byte[] body = health ? new byte[0] : reply;
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        try {
            SamplingOptions options = SamplingOptions.prime(2, 8);
            // The baseline sends the very body the client sends, and reads the reply without parsing it.
            byte[] body = new CompletionRequest(List.of(prompt), null, 2, 1.0, 1.0, null, 8, 1, null, false, 1L, null,
                    null, false, true, false).toJson();
            OkHttpClient bare = new OkHttpClient.Builder().protocols(List.of(Protocol.HTTP_1_1)).build();
            Request request = new Request.Builder().url(url + "/v1/completions")
                    .post(RequestBody.create(body, MediaType.get("application/json"))).build();
            long[] base = new long[requests];
            long[] full = new long[requests];
            try (RolloutClient client = RolloutClient.open(PoolConfig.of("bench", List.of(url)).withProgress(false))) {
                for (int i = 0; i < warmup; i++) {
                    bareCall(bare, request);
                    clientCall(client, prompt, options, i);
                }
                for (int i = 0; i < requests; i++) {
                    long t0 = System.nanoTime();
                    bareCall(bare, request);
                    base[i] = System.nanoTime() - t0;
                    t0 = System.nanoTime();
                    clientCall(client, prompt, options, i);
                    full[i] = System.nanoTime() - t0;
                }
            } finally {
                bare.connectionPool().evictAll();
                bare.dispatcher().executorService().shutdown();
            }
            return new OverheadResult(requests, reply.length, median(base) / 1e3, mean(base) / 1e3,
                    median(full) / 1e3, mean(full) / 1e3);
        } finally {
            server.stop(0);
            serverThreads.shutdownNow();
        }
    }

    private static void bareCall(OkHttpClient http, Request request) throws IOException {
        try (Response r = http.newCall(request).execute()) {
            if (r.code() != 200 || r.body() == null || r.body().bytes().length == 0) {
                throw new IOException("loopback server answered " + r.code());
            }
        }
    }

    private static void clientCall(RolloutClient client, int[] prompt, SamplingOptions options, int i)
            throws ServerException {
        List<Rollouts> r = client.sample(List.of(prompt), options, i);
        if (r.size() != 1 || r.get(0).samples().size() != 2) {
            throw new IllegalStateException("unexpected rollouts " + r);
        }
    }

    private static double median(long[] values) {
        long[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    }

    private static double mean(long[] values) {
        return Arrays.stream(values).average().orElse(0);
    }
}
