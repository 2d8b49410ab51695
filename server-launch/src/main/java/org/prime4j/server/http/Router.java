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
import java.util.LinkedHashMap;
import java.util.Map;
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
    private final ObjectMapper json;
    private final byte[] apiKey;
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean draining;

    public Router(ObjectMapper json, String apiKey) {
        this.json = json;
        this.apiKey = apiKey == null ? null : ("Bearer " + apiKey).getBytes(StandardCharsets.UTF_8);
    }

    public Router get(String path, Route route) {
        return add("GET", path, route);
    }

    public Router post(String path, Route route) {
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
            if (apiKey != null && path.startsWith("/v1") && !authorized(ex)) {
                send(ex, new Reply(401, Map.of("error", "Unauthorized")));
                return;
            }
            send(ex, dispatch(route, ex));
        } catch (IOException e) {
            LOG.debug("client went away: {}", e.toString());
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private Reply dispatch(Route route, HttpExchange ex) {
        try {
            return route.handle(readBody(ex));
        } catch (ApiException e) {
            return new Reply(e.status(), e.body());
        } catch (Exception | Error e) {
            LOG.error("{} {} failed", ex.getRequestMethod(), ex.getRequestURI().getPath(), e);
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
