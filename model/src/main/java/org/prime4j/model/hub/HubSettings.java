package org.prime4j.model.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where the Hub is and where its files go, read from the variables huggingface_hub reads, so prime4j, vLLM
 * and Python tools share one cache and one login.
 *
 * <ul>
 *   <li>{@code HF_ENDPOINT}: the Hub (default {@code https://huggingface.co}; a mirror works the same)</li>
 *   <li>{@code HF_TOKEN}: sent as {@code Authorization: Bearer}; otherwise the token {@code hf auth login}
 *       saved ({@code HF_TOKEN_PATH}, default {@code $HF_HOME/token})</li>
 *   <li>{@code HF_HUB_CACHE}: the cache; default {@code $HF_HOME/hub}, with {@code HF_HOME} defaulting to
 *       {@code $XDG_CACHE_HOME/huggingface} and then {@code ~/.cache/huggingface}</li>
 *   <li>{@code HF_HUB_OFFLINE=1}: never touch the network; use the cache or fail</li>
 * </ul>
 *
 * @param endpoint the Hub's base URL, without a trailing slash
 * @param token    the access token, or null; {@link #toString()} never shows it
 * @param cache    the hub cache directory ({@code models--org--name/...} lives under it)
 * @param offline  whether the network is off limits
 * @param progress whether downloads draw a progress bar on stderr
 */
public record HubSettings(String endpoint, String token, Path cache, boolean offline, boolean progress) {

    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    private static final Set<String> TRUE = Set.of("1", "ON", "YES", "TRUE");

    public HubSettings {
        endpoint = endpoint == null || endpoint.isBlank() ? DEFAULT_ENDPOINT : endpoint.strip();
        while (endpoint.endsWith("/")) {
            endpoint = endpoint.substring(0, endpoint.length() - 1);
        }
        token = token == null || token.isBlank() ? null : token.strip();
        if (cache == null) {
            throw new IllegalArgumentException("the hub cache directory is required");
        }
    }

    /** The settings of this process: its environment and the user's home directory. */
    public static HubSettings fromEnvironment() {
        return from(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** The settings an environment gives (tests pass a map rather than change the process's environment). */
    public static HubSettings from(Map<String, String> env, Path home) {
        Path hfHome = nonBlank(env.get("HF_HOME")) != null ? Path.of(env.get("HF_HOME"))
                : nonBlank(env.get("XDG_CACHE_HOME")) != null ? Path.of(env.get("XDG_CACHE_HOME"), "huggingface")
                : home.resolve(".cache").resolve("huggingface");
        Path cache = nonBlank(env.get("HF_HUB_CACHE")) != null ? Path.of(env.get("HF_HUB_CACHE"))
                : hfHome.resolve("hub");
        String token = nonBlank(env.get("HF_TOKEN"));
        if (token == null) {
            token = nonBlank(env.get("HUGGING_FACE_HUB_TOKEN"));
        }
        if (token == null) {
            Path file = nonBlank(env.get("HF_TOKEN_PATH")) != null ? Path.of(env.get("HF_TOKEN_PATH"))
                    : hfHome.resolve("token");
            token = readToken(file);
        }
        String offline = nonBlank(env.get("HF_HUB_OFFLINE"));
        return new HubSettings(env.get("HF_ENDPOINT"), token, cache,
                offline != null && TRUE.contains(offline.toUpperCase(Locale.ROOT)), true);
    }

    public HubSettings withProgress(boolean show) {
        return new HubSettings(endpoint, token, cache, offline, show);
    }

    public HubSettings withOffline(boolean off) {
        return new HubSettings(endpoint, token, cache, off, progress);
    }

    @Override
    public String toString() {
        return "HubSettings[endpoint=" + endpoint + ", token=" + (token == null ? "none" : "set") + ", cache=" + cache
                + ", offline=" + offline + ", progress=" + progress + "]";
    }

    private static String readToken(Path file) {
        try {
            return Files.isRegularFile(file) ? nonBlank(Files.readString(file)) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
