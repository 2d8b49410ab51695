package org.prime4j.server.remote;

import java.net.URI;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A vLLM-protocol server prime4j did not start. The API key is named by an environment variable and read
 * only when needed, so it never sits in a config file, a record's {@code toString} or a log.
 *
 * @param baseUrl   {@code http(s)://host:port}, without {@code /v1}
 * @param apiKeyEnv variable holding the key, or null for an open server
 * @param model     the served model name requests use
 * @param role      policy or reference
 */
public record RemoteEndpoint(URI baseUrl, String apiKeyEnv, String model, EndpointRole role) {

    public RemoteEndpoint {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(role, "role");
        if (!"http".equals(baseUrl.getScheme()) && !"https".equals(baseUrl.getScheme())) {
            throw new IllegalArgumentException("base_url must start with http:// or https://, got " + baseUrl);
        }
        if (baseUrl.getHost() == null) {
            throw new IllegalArgumentException("base_url has no host: " + baseUrl);
        }
        String path = baseUrl.getPath();
        if (path != null && path.replaceAll("/+$", "").endsWith("/v1")) {
            throw new IllegalArgumentException("base_url must not end in /v1 (prime4j adds it): " + baseUrl);
        }
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("model is required for the " + role.name().toLowerCase()
                    + " endpoint at " + baseUrl);
        }
        if (apiKeyEnv != null && !apiKeyEnv.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("api_key_env must name an environment variable, got '" + apiKeyEnv
                    + "' (put the key in that variable, not in the config)");
        }
    }

    /** The key from the named variable; null for an open server. Fails when the variable is unset. */
    public String apiKey(UnaryOperator<String> environment) {
        if (apiKeyEnv == null) {
            return null;
        }
        String key = environment.apply(apiKeyEnv);
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("the " + role.name().toLowerCase() + " endpoint " + baseUrl
                    + " needs its API key in " + apiKeyEnv + ", which is not set");
        }
        return key;
    }
}
