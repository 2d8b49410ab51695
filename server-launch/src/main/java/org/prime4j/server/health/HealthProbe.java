package org.prime4j.server.health;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Asks a vLLM-protocol server's {@code GET /health}; 200 means it can take requests. */
public final class HealthProbe {

    private final HttpClient client;
    private final Duration timeout;

    public HealthProbe(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** True on HTTP 200; false on any other status or when nothing answers. */
    public boolean healthy(URI baseUrl) {
        try {
            HttpResponse<Void> r = client.send(
                    HttpRequest.newBuilder(baseUrl.resolve("/health")).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
