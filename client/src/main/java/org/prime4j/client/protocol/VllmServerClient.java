package org.prime4j.client.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Typed calls to one server that speaks vLLM's OpenAI-compatible API (a real vLLM or prime4j's embedded
 * server). Every failure becomes a {@link ServerException} that names this server and classifies the
 * cause; retries, balancing and breakers live in the pool, not here.
 */
public final class VllmServerClient {

    private static final MediaType JSON_TYPE = MediaType.get("application/json");

    private final String baseUrl;
    private final HttpUrl base;
    private final OkHttpClient http;
    private final ApiKey apiKey;
    private final ObjectMapper json;

    /**
     * @param http shared client: its connection pool keeps HTTP/1.1 connections alive across calls
     */
    public VllmServerClient(String baseUrl, OkHttpClient http, ApiKey apiKey, ObjectMapper json) {
        String trimmed = Objects.requireNonNull(baseUrl, "baseUrl").replaceAll("/+$", "");
        HttpUrl parsed = HttpUrl.parse(trimmed);
        if (parsed == null) {
            throw new IllegalArgumentException("not an http(s) URL: " + baseUrl);
        }
        this.baseUrl = trimmed;
        this.base = parsed;
        this.http = http;
        this.apiKey = apiKey;
        this.json = json;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /**
     * This server with every call bounded by {@code timeout} (connect to last byte); the connections and the
     * dispatcher stay shared. The pool gives each attempt what is left of its request's deadline.
     */
    public VllmServerClient withCallTimeout(Duration timeout) {
        return new VllmServerClient(baseUrl, http.newBuilder().callTimeout(timeout).build(), apiKey, json);
    }

    /** {@code POST /v1/completions}, parsed as it streams in. */
    public CompletionReply complete(CompletionRequest request) throws ServerException {
        CompletionReplyParser parser = new CompletionReplyParser(request.prompts(), request.n());
        return call(post("/v1/completions", request.toJson()), http, parser::parse);
    }

    /** {@code GET /health}: true on 200. Never throws: a probe only needs yes or no. */
    public boolean health() {
        try {
            return call(get("/health"), http, in -> true);
        } catch (ServerException e) {
            return false;
        }
    }

    /** {@code GET /version}: the server's version string. */
    public String version() throws ServerException {
        return call(get("/version"), http, in -> json.readTree(in).path("version").asText(null));
    }

    /** {@code GET /v1/models}: the ids of the base model and loaded LoRA adapters. */
    public List<String> models() throws ServerException {
        return call(get("/v1/models"), http, in -> {
            JsonNode data = json.readTree(in).path("data");
            if (!data.isArray()) {
                throw new MalformedReplyException("/v1/models reply has no 'data' array");
            }
            List<String> ids = new ArrayList<>();
            for (JsonNode m : data) {
                ids.add(m.path("id").asText());
            }
            return ids;
        });
    }

    /** {@code POST /tokenize} with a plain prompt. */
    public int[] tokenize(String prompt, boolean addSpecialTokens) throws ServerException {
        ObjectNode body = json.createObjectNode();
        body.put("prompt", prompt);
        body.put("add_special_tokens", addSpecialTokens);
        return tokenizeCall(body);
    }

    /**
     * {@code POST /tokenize} with chat {@code messages}: the server applies its own chat template, the one
     * source of truth for how prompts look to the policy.
     */
    public int[] tokenizeChat(List<ChatMessage> messages, boolean addGenerationPrompt) throws ServerException {
        ObjectNode body = json.createObjectNode();
        ArrayNode arr = body.putArray("messages");
        for (ChatMessage m : messages) {
            arr.addObject().put("role", m.role()).put("content", m.content());
        }
        body.put("add_generation_prompt", addGenerationPrompt);
        body.put("add_special_tokens", false);
        return tokenizeCall(body);
    }

    private int[] tokenizeCall(ObjectNode body) throws ServerException {
        return call(post("/tokenize", bytes(body)), http, in -> {
            JsonNode tokens = json.readTree(in).path("tokens");
            if (!tokens.isArray()) {
                throw new MalformedReplyException("/tokenize reply has no 'tokens' array");
            }
            int[] ids = new int[tokens.size()];
            for (int i = 0; i < ids.length; i++) {
                if (!tokens.get(i).canConvertToInt()) {
                    throw new MalformedReplyException("/tokenize tokens[" + i + "] is not a token id");
                }
                ids[i] = tokens.get(i).intValue();
            }
            return ids;
        });
    }

    /** {@code POST /detokenize}. */
    public String detokenize(int[] ids) throws ServerException {
        ObjectNode body = json.createObjectNode();
        ArrayNode arr = body.putArray("tokens");
        for (int id : ids) {
            arr.add(id);
        }
        return call(post("/detokenize", bytes(body)), http, in -> {
            JsonNode prompt = json.readTree(in).path("prompt");
            if (!prompt.isTextual()) {
                throw new MalformedReplyException("/detokenize reply has no 'prompt' string");
            }
            return prompt.asText();
        });
    }

    /**
     * vLLM dev mode: {@code POST /collective_rpc {"method": "reload_weights", "kwargs": {"weights_path"}}},
     * then {@code POST /reset_prefix_cache} so no cached prefix of the old weights is reused.
     */
    public void reloadWeights(String weightsPath, Duration timeout) throws ServerException {
        ObjectNode body = json.createObjectNode();
        body.put("method", "reload_weights");
        body.putObject("kwargs").put("weights_path", weightsPath);
        OkHttpClient slow = http.newBuilder().callTimeout(timeout).readTimeout(timeout).build();
        call(post("/collective_rpc", bytes(body)), slow, in -> null);
        call(post("/reset_prefix_cache", new byte[0]), slow, in -> null);
    }

    /** {@code POST /v1/load_lora_adapter}. */
    public void loadLoraAdapter(String name, String path, Duration timeout) throws ServerException {
        ObjectNode body = json.createObjectNode();
        body.put("lora_name", name);
        body.put("lora_path", path);
        call(post("/v1/load_lora_adapter", bytes(body)), http.newBuilder().callTimeout(timeout).build(), in -> null);
    }

    /** {@code POST /v1/unload_lora_adapter}. */
    public void unloadLoraAdapter(String name, Duration timeout) throws ServerException {
        ObjectNode body = json.createObjectNode();
        body.put("lora_name", name);
        call(post("/v1/unload_lora_adapter", bytes(body)), http.newBuilder().callTimeout(timeout).build(), in -> null);
    }

    // ------------------------------------------------------------------------------------------------

    @FunctionalInterface
    private interface BodyReader<T> {
        T read(InputStream body) throws IOException;
    }

    private Request.Builder request(String path) {
        HttpUrl url = base.newBuilder().addPathSegments(path.substring(1)).build();
        // Tagged with the calling thread so that an abandoned batch can cancel its blocking calls.
        Request.Builder b = new Request.Builder().url(url).tag(Thread.class, Thread.currentThread());
        apiKey.authorizationHeader().ifPresent(h -> b.header("Authorization", h));
        return b;
    }

    private Request get(String path) {
        return request(path).get().build();
    }

    private Request post(String path, byte[] body) {
        return request(path).post(RequestBody.create(body, JSON_TYPE)).build();
    }

    private byte[] bytes(JsonNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T call(Request request, OkHttpClient client, BodyReader<T> reader) throws ServerException {
        String what = request.method() + " " + request.url().encodedPath();
        try (Response response = client.newCall(request).execute()) {
            int status = response.code();
            ResponseBody body = response.body();
            if (status >= 200 && status < 300) {
                try (InputStream in = body == null ? InputStream.nullInputStream() : body.byteStream()) {
                    return reader.read(in);
                } catch (MalformedReplyException e) {
                    throw new ServerException(baseUrl, ServerException.Kind.PROTOCOL, what + ": " + e.getMessage(), e);
                } catch (JsonProcessingException e) {
                    throw new ServerException(baseUrl, ServerException.Kind.PROTOCOL,
                            what + ": malformed or truncated JSON: " + e.getOriginalMessage(), e);
                }
            }
            String text = body == null ? "" : body.string();
            String detail = what + ": " + ErrorReply.parse(json, text).describe();
            if (status == 429) {
                return throwNow(new ServerException(baseUrl, ServerException.Kind.RATE_LIMITED, status, detail,
                        retryAfter(response.header("Retry-After")), null));
            }
            if (status >= 400 && status < 500) {
                return throwNow(new ServerException(baseUrl, ServerException.Kind.BAD_REQUEST, status, detail, null, null));
            }
            if (status >= 500) {
                return throwNow(new ServerException(baseUrl, ServerException.Kind.SERVER_ERROR, status, detail,
                        retryAfter(response.header("Retry-After")), null));
            }
            return throwNow(new ServerException(baseUrl, ServerException.Kind.PROTOCOL, status,
                    what + ": unexpected HTTP status", null, null));
        } catch (InterruptedIOException e) {
            throw new ServerException(baseUrl, ServerException.Kind.TIMEOUT, what + ": " + describe(e), e);
        } catch (IOException e) {
            throw new ServerException(baseUrl, ServerException.Kind.CONNECTION, what + ": " + describe(e), e);
        }
    }

    private static <T> T throwNow(ServerException e) throws ServerException {
        throw e;
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    /** Retry-After as delta-seconds or an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String h = header.strip();
        try {
            long seconds = Long.parseLong(h);
            return seconds >= 0 ? Duration.ofSeconds(seconds) : null;
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException unreadable) {
                return null;
            }
        }
    }
}
