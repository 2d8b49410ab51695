package org.prime4j.client.protocol;

import java.util.Map;
import java.util.Optional;

/**
 * The bearer token for servers started with {@code --api-key}. It only ever comes from an environment
 * variable (never from a config file that could be committed) and never appears in logs or toString.
 */
public final class ApiKey {

    private static final ApiKey NONE = new ApiKey(null, null);

    private final String variable;
    private final String secret;

    private ApiKey(String variable, String secret) {
        this.variable = variable;
        this.secret = secret;
    }

    public static ApiKey none() {
        return NONE;
    }

    /** Reads {@code variable} from the process environment; a named but unset variable is an error. */
    public static ApiKey fromEnvironment(String variable) {
        return fromEnvironment(variable, System.getenv());
    }

    /** As {@link #fromEnvironment(String)} with the given environment (for tests and embedding). */
    public static ApiKey fromEnvironment(String variable, Map<String, String> env) {
        if (variable == null || variable.isBlank()) {
            return NONE;
        }
        String value = env.get(variable);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(
                    "apiKeyEnv: environment variable " + variable + " is not set (or empty)");
        }
        return new ApiKey(variable, value.strip());
    }

    /** For tests and embedding; prefer {@link #fromEnvironment}. */
    public static ApiKey of(String secret) {
        return secret == null || secret.isBlank() ? NONE : new ApiKey(null, secret.strip());
    }

    Optional<String> authorizationHeader() {
        return secret == null ? Optional.empty() : Optional.of("Bearer " + secret);
    }

    public boolean isPresent() {
        return secret != null;
    }

    @Override
    public String toString() {
        if (secret == null) {
            return "ApiKey[none]";
        }
        return "ApiKey[" + (variable == null ? "given" : "$" + variable) + ", redacted]";
    }
}
