package org.prime4j.server;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.prime4j.server.api.AdminService;
import org.prime4j.server.api.CollectiveRpcRequest;
import org.prime4j.server.api.CompletionRequest;
import org.prime4j.server.api.CompletionService;
import org.prime4j.server.api.DetokenizeRequest;
import org.prime4j.server.api.Json;
import org.prime4j.server.api.LoraRequest;
import org.prime4j.server.api.ServedModels;
import org.prime4j.server.api.TokenizationService;
import org.prime4j.server.api.TokenizeRequest;
import org.prime4j.server.http.Reply;
import org.prime4j.server.http.RequestExecutor;
import org.prime4j.server.http.Router;
import org.prime4j.server.model.ServingModel;
import org.prime4j.server.scheduler.BatchScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded vLLM-compatible server: the JDK's HTTP server on a bounded thread pool in front of one
 * {@link BatchScheduler}. Speaks the subset of vLLM's API that prime4j uses, with vLLM's field names,
 * defaults and reply shapes, so the orchestrator cannot tell it from vLLM.
 */
public final class EmbeddedServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServer.class);

    static {
        // The JDK server writes headers and body separately; with Nagle on, the body waits for the client's
        // delayed ACK (~40 ms on Linux loopback), which measured as 55 ms of a 62 ms one-token request.
        // Read once when the JDK's server config class loads, so set it before the first server starts.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** What {@code GET /version} reports. */
    public static final String VERSION = "prime4j-embedded-0.1.0";

    private final HttpServer http;
    private final RequestExecutor executor;
    private final BatchScheduler scheduler;
    private final ServingModel model;
    private final ServerOptions options;
    private final Router router;

    private EmbeddedServer(ServingModel model, ServerOptions options, Consumer<Integer> batchObserver)
            throws IOException {
        this.model = model;
        this.options = options;
        this.scheduler = new BatchScheduler(model, options.maxBatchSize(), batchObserver);
        ServedModels served = new ServedModels(options.servedModelName(), model.modelPath(), model.maxModelLen());
        CompletionService completions = new CompletionService(model, scheduler, served, options.maxLogprobs());
        TokenizationService tokens = new TokenizationService(model, served);
        AdminService admin = new AdminService(scheduler, served, model.modelPath(), options.enableLora());

        this.router = new Router(Json.MAPPER, options.apiKey())
                .get("/health", body -> scheduler.healthy() ? Reply.empty() : new Reply(503, null))
                .get("/version", body -> Reply.json(Map.of("version", VERSION)))
                .get("/v1/models", body -> Reply.json(served.list()))
                .post("/v1/completions", body -> Reply.json(
                        completions.complete(Json.readRequest(body, CompletionRequest.class))))
                .post("/tokenize", body -> Reply.json(tokens.tokenize(Json.readRequest(body, TokenizeRequest.class))))
                .post("/detokenize", body -> Reply.json(
                        tokens.detokenize(Json.readRequest(body, DetokenizeRequest.class))))
                .post("/collective_rpc", body -> Reply.json(
                        admin.collectiveRpc(Json.readRequest(body, CollectiveRpcRequest.class))))
                .post("/reset_prefix_cache", body -> {
                    admin.resetPrefixCache();
                    return Reply.empty();
                })
                .post("/sleep", body -> {
                    admin.sleep();
                    return Reply.empty();
                })
                .post("/wake_up", body -> {
                    admin.wakeUp();
                    return Reply.empty();
                })
                .get("/is_sleeping", body -> Reply.json(admin.isSleeping()))
                .post("/v1/load_lora_adapter", body -> new Reply(200,
                        admin.loadLora(Json.readRequest(body, LoraRequest.class))))
                .post("/v1/unload_lora_adapter", body -> new Reply(200,
                        admin.unloadLora(Json.readRequest(body, LoraRequest.class))));

        AtomicInteger threadId = new AtomicInteger();
        this.executor = new RequestExecutor(options.httpThreads(), 4 * options.httpThreads(), 30, r -> {
            Thread t = new Thread(r, "prime4j-http-" + threadId.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.http = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 128);
        this.http.createContext("/", router);
        this.http.setExecutor(executor);
    }

    /** Starts serving {@code model}; the caller keeps ownership of the model and closes it after the server. */
    public static EmbeddedServer start(ServingModel model, ServerOptions options) throws IOException {
        return start(model, options, size -> {});
    }

    /** As {@link #start(ServingModel, ServerOptions)}, reporting every batch size to {@code batchObserver}. */
    public static EmbeddedServer start(ServingModel model, ServerOptions options, Consumer<Integer> batchObserver)
            throws IOException {
        EmbeddedServer server = new EmbeddedServer(model, options, batchObserver);
        server.http.start();
        LOG.info("serving {} on {}", options.servedModelName(), server.baseUrl());
        return server;
    }

    public int port() {
        return http.getAddress().getPort();
    }

    /** {@code http://host:port}, without {@code /v1}. */
    public URI baseUrl() {
        String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        return URI.create("http://" + host + ":" + port());
    }

    public ServingModel model() {
        return model;
    }

    /** Lets requests in flight finish (up to 30 s; new ones get 503), then stops listening and the scheduler. */
    @Override
    public void close() {
        try {
            router.drain(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.stop(0);
        executor.shutdownNow();
        scheduler.close();
    }
}
