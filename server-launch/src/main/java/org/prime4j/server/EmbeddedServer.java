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
    private final RequestLimits limits;

    private EmbeddedServer(ServingModel model, ServerOptions options, Consumer<Integer> batchObserver)
            throws IOException {
        this.model = model;
        this.options = options;
        this.scheduler = new BatchScheduler(model, options.maxBatchSize(), batchObserver);
        ServedModels served = new ServedModels(options.servedModelName(), model.modelPath(), model.maxModelLen());
        this.limits = options.limits().resolve(options.maxBatchSize(), model.maxModelLen());
        CompletionService completions = new CompletionService(model, scheduler, served, options.maxLogprobs(), limits);
        TokenizationService tokens = new TokenizationService(model, served, limits.maxPromptBytes());
        AdminService admin = new AdminService(scheduler, served, model.modelPath(), options.maxLoraRank());

        this.router = new Router(Json.MAPPER, options.apiKey(), options.disconnectCheckMillis())
                .get("/health", req -> scheduler.healthy() ? Reply.empty() : new Reply(503, null))
                .get("/version", req -> Reply.json(Map.of("version", VERSION)))
                .get("/v1/models", req -> Reply.json(served.list()))
                .postJson("/v1/completions", req -> new Reply(200,
                        completions.complete(Json.readRequest(req.body(), CompletionRequest.class))))
                .postJson("/tokenize", req -> Reply.json(
                        tokens.tokenize(Json.readRequest(req.body(), TokenizeRequest.class))))
                .postJson("/detokenize", req -> Reply.json(
                        tokens.detokenize(Json.readRequest(req.body(), DetokenizeRequest.class))))
                .post("/collective_rpc", req -> Reply.json(
                        admin.collectiveRpc(Json.readRequest(req.body(), CollectiveRpcRequest.class))))
                .post("/reset_prefix_cache", req -> Reply.json(admin.resetPrefixCache()))
                .post("/sleep", req -> {
                    admin.sleep();
                    return Reply.empty();
                })
                .post("/wake_up", req -> {
                    admin.wakeUp(req.all("tags"));
                    return Reply.empty();
                })
                .get("/is_sleeping", req -> Reply.json(admin.isSleeping()));
        if (options.enableLora()) {
            // Without it vLLM does not mount these routes at all: a client gets 404 {"detail": "Not Found"}.
            router.postJson("/v1/load_lora_adapter", req -> new Reply(200,
                            admin.loadLora(Json.readRequest(req.body(), LoraRequest.class))))
                    .postJson("/v1/unload_lora_adapter", req -> new Reply(200,
                            admin.unloadLora(Json.readRequest(req.body(), LoraRequest.class))));
        }

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

    /** The request limits in force, defaults resolved against the model and the batch size. */
    public RequestLimits limits() {
        return limits;
    }

    /** Sequences accepted and not yet answered (queued or in the model). */
    public int activeSequences() {
        return scheduler.activeSequences();
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
