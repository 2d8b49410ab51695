package org.prime4j.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.prime4j.server.api.ApiException;
import org.prime4j.server.api.ErrorResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatches by method and path, guards {@code /v1/*} with the API key, and turns failures into the replies
 * vLLM (FastAPI) sends: the OpenAI error JSON for API errors, {@code {"detail": "Not Found"}} for unknown
 * paths, {@code {"error": "Unauthorized"}} for a missing or wrong key.
 */
public final class Router implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    /** Bodies above this are refused rather than read into memory. */
    private static final int MAX_BODY_BYTES = 64 << 20;

    private final Map<String, Map<String, Route>> routes = new HashMap<>();
    /** Method + path of the routes that, as in vLLM, accept only {@code Content-Type: application/json}. */
    private final Set<String> jsonOnly = new HashSet<>();
    private final ObjectMapper json;
    private final byte[] apiKey;
    private final long disconnectCheckMillis;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;

    public Router(ObjectMapper json, String apiKey) {
        this(json, apiKey, 1000);
    }

    public Router(ObjectMapper json, String apiKey, long disconnectCheckMillis) {
        this.json = json;
        this.apiKey = apiKey == null ? null : ("Bearer " + apiKey).getBytes(StandardCharsets.UTF_8);
        this.disconnectCheckMillis = disconnectCheckMillis;
    }

    public Router get(String path, Route route) {
        return add("GET", path, route);
    }

    public Router post(String path, Route route) {
        return add("POST", path, route);
    }

    /**
     * A POST route behind vLLM's {@code validate_json_request}: any other media type (a form-encoded body, or
     * none) is refused with 400 before the body is read.
     */
    public Router postJson(String path, Route route) {
        jsonOnly.add("POST " + path);
        return add("POST", path, route);
    }

    private Router add(String method, String path, Route route) {
        routes.computeIfAbsent(path, p -> new LinkedHashMap<>()).put(method, route);
        return this;
    }

    /**
     * Refuses new requests with 503 and waits until those in flight have been answered. (The JDK 17 HTTP
     * server's own {@code stop(delay)} always waits the whole delay, which would slow every shutdown.)
     */
    public void drain(long timeoutMillis) throws InterruptedException {
        draining = true;
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        inFlight.incrementAndGet();
        try (ex) {
            if (draining) {
                send(ex, new Reply(503, ErrorResponse.unavailable("The server is shutting down.")));
                return;
            }
            String path = ex.getRequestURI().getPath();
            // vLLM's key check is a middleware: it answers before routing, so even unknown /v1 paths get 401.
            if (apiKey != null && path.startsWith("/v1") && !authorized(ex)) {
                send(ex, new Reply(401, Map.of("error", "Unauthorized")));
                return;
            }
            Map<String, Route> byMethod = routes.get(path);
            if (byMethod == null) {
                send(ex, new Reply(404, Map.of("detail", "Not Found")));
                return;
            }
            Route route = byMethod.get(ex.getRequestMethod());
            if (route == null) {
                send(ex, new Reply(405, Map.of("detail", "Method Not Allowed")));
                return;
            }
            if (jsonOnly.contains(ex.getRequestMethod() + " " + path) && !isJson(ex)) {
                // Current vLLM raises a RequestValidationError here (400); releases before 0.9 answered 415.
                send(ex, new Reply(400, ApiException.badRequest(
                        "Unsupported Media Type: Only 'application/json' is allowed", null).body()));
                return;
            }
            Reply reply = dispatch(route, ex);
            if (reply.body() instanceof Deferred deferred) {
                sendWhenDone(ex, deferred);
            } else {
                send(ex, reply);
            }
        } catch (IOException e) {
            LOG.debug("client went away: {}", e.toString());
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private static boolean isJson(HttpExchange ex) {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type == null) {
            return false;
        }
        int semi = type.indexOf(';');
        return (semi < 0 ? type : type.substring(0, semi)).trim().toLowerCase(Locale.ROOT).equals("application/json");
    }

    private Reply dispatch(Route route, HttpExchange ex) {
        try {
            return route.handle(new Request(readBody(ex), Request.parseQuery(ex.getRequestURI().getRawQuery())));
        } catch (ApiException e) {
            return new Reply(e.status(), e.body());
        } catch (Exception | Error e) {
            LOG.error("{} {} failed", ex.getRequestMethod(), ex.getRequestURI().getPath(), e);
            return new Reply(500, ErrorResponse.internal(e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
    }

    /** Waits for a deferred reply, cancelling it when the client's connection turns out closed. */
    private void sendWhenDone(HttpExchange ex, Deferred deferred) throws IOException {
        if (await(deferred)) {
            send(ex, finish(deferred));
            return;
        }
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        long started = System.nanoTime();
        try {
            do {
                out.write(' ');
                out.flush();
            } while (!await(deferred));
        } catch (IOException e) {
            deferred.cancel();
            LOG.info("{} {}: the client went away after {} ms; its request is cancelled", ex.getRequestMethod(),
                    ex.getRequestURI().getPath(), (System.nanoTime() - started) / 1_000_000 + disconnectCheckMillis);
            throw e;
        }
        Reply reply = finish(deferred);
        if (reply.status() != 200) {
            LOG.warn("{} {} failed after its 200 was sent; the body carries the error: {}", ex.getRequestMethod(),
                    ex.getRequestURI().getPath(), reply.body());
        }
        try (out) {
            out.write(json.writeValueAsBytes(reply.body()));
        }
    }

    /** True once the deferred reply is ready, false after {@code disconnectCheckMillis} without it. */
    private boolean await(Deferred deferred) {
        try {
            deferred.done().get(disconnectCheckMillis, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException | CancellationException e) {
            return true; // failed: reply() rethrows the cause
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            deferred.cancel();
            return true;
        }
    }

    private static Reply finish(Deferred deferred) {
        try {
            return deferred.reply();
        } catch (ApiException e) {
            return new Reply(e.status(), e.body());
        } catch (RuntimeException | Error e) {
            LOG.error("completion failed", e);
            return new Reply(500, ErrorResponse.internal(e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
    }

    private boolean authorized(HttpExchange ex) {
        String header = ex.getRequestHeaders().getFirst("Authorization");
        // Constant-time compare: the key is a secret.
        return header != null && MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8), apiKey);
    }

    private static byte[] readBody(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw ApiException.badRequest("The request body exceeds " + MAX_BODY_BYTES + " bytes.", null);
            }
            return body;
        }
    }

    private void send(HttpExchange ex, Reply reply) throws IOException {
        byte[] bytes;
        if (reply.body() == null) {
            bytes = new byte[0];
        } else if (reply.body() instanceof String text) {
            ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            bytes = text.getBytes(StandardCharsets.UTF_8);
        } else {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            bytes = json.writeValueAsBytes(reply.body());
        }
        ex.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
