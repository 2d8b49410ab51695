package org.prime4j.server.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Checks a remote endpoint before a run relies on it: {@code /health} answers 200 and {@code /v1/models}
 * (with the API key) lists the configured model. Each failure says which endpoint and what to fix.
 */
public final class EndpointChecker {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final Duration timeout;
    private final UnaryOperator<String> environment;

    public EndpointChecker(Duration timeout, UnaryOperator<String> environment) {
        this.timeout = timeout;
        this.environment = environment;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** Returns the models the server lists; throws {@link IllegalStateException} naming what is wrong. */
    public List<String> check(RemoteEndpoint e) {
        String who = e.role().name().toLowerCase() + " endpoint " + e.baseUrl();
        String key = e.apiKey(environment);

        HttpResponse<String> health = get(e, "/health", null, who);
        if (health.statusCode() != 200) {
            throw new IllegalStateException(who + ": /health answered HTTP " + health.statusCode()
                    + " (the server is up but not ready)");
        }
        HttpResponse<String> models = get(e, "/v1/models", key, who);
        if (models.statusCode() == 401) {
            throw new IllegalStateException(who + ": /v1/models refused the request (HTTP 401): "
                    + (key == null ? "the server wants an API key; set api_key_env" : "the key in "
                    + e.apiKeyEnv() + " is wrong"));
        }
        if (models.statusCode() != 200) {
            throw new IllegalStateException(who + ": /v1/models answered HTTP " + models.statusCode());
        }
        List<String> ids = new ArrayList<>();
        try {
            for (JsonNode m : JSON.readTree(models.body()).path("data")) {
                ids.add(m.path("id").asText());
            }
        } catch (IOException ex) {
            throw new IllegalStateException(who + ": /v1/models did not answer JSON: " + ex.getMessage(), ex);
        }
        if (!ids.contains(e.model())) {
            throw new IllegalStateException(who + " does not serve model '" + e.model() + "'; it serves " + ids);
        }
        return ids;
    }

    private HttpResponse<String> get(RemoteEndpoint e, String path, String key, String who) {
        HttpRequest.Builder b = HttpRequest.newBuilder(e.baseUrl().resolve(path)).timeout(timeout).GET();
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        try {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException ex) {
            throw new IllegalStateException(who + ": no answer from " + path + " (" + ex.getClass().getSimpleName()
                    + (ex.getMessage() == null ? "" : ": " + ex.getMessage()) + ")", ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(who + ": interrupted", ex);
        }
    }
}
