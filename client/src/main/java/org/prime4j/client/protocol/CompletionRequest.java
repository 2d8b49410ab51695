package org.prime4j.client.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * One {@code POST /v1/completions} body with token-id prompts, in vLLM's field names. Optional fields are
 * null (or negative for ints) and then left out, so the server's own default applies. The {@link #seed}
 * travels with the request, so a retry on another server asks for the very same sample.
 */
public record CompletionRequest(
        List<int[]> prompts,
        String model,
        int n,
        Double temperature,
        Double topP,
        Integer topK,
        int maxTokens,
        Integer logprobs,
        Integer promptLogprobs,
        boolean echo,
        Long seed,
        List<String> stop,
        List<Integer> stopTokenIds,
        boolean includeStopStrInOutput,
        boolean returnTokenIds,
        boolean returnTokensAsTokenIds) {

    public CompletionRequest {
        if (prompts == null || prompts.isEmpty()) {
            throw new IllegalArgumentException("completion request: no prompts");
        }
        for (int i = 0; i < prompts.size(); i++) {
            if (prompts.get(i) == null || prompts.get(i).length == 0) {
                throw new IllegalArgumentException("completion request: prompt " + i + " has no tokens");
            }
        }
        if (n < 1) {
            throw new IllegalArgumentException("completion request: n must be >= 1, got " + n);
        }
        if (maxTokens < 0) {
            throw new IllegalArgumentException("completion request: max_tokens must be >= 0, got " + maxTokens);
        }
        prompts = List.copyOf(prompts);
        stop = stop == null ? List.of() : List.copyOf(stop);
        stopTokenIds = stopTokenIds == null ? List.of() : List.copyOf(stopTokenIds);
    }

    private static final JsonFactory JSON = new JsonFactory();

    /** The JSON body. A single prompt is sent as a flat id list, several as a list of lists. */
    public byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + 8 * totalPromptTokens());
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            if (model != null) {
                g.writeStringField("model", model);
            }
            g.writeFieldName("prompt");
            if (prompts.size() == 1) {
                g.writeArray(prompts.get(0), 0, prompts.get(0).length);
            } else {
                g.writeStartArray();
                for (int[] p : prompts) {
                    g.writeArray(p, 0, p.length);
                }
                g.writeEndArray();
            }
            g.writeNumberField("n", n);
            g.writeNumberField("max_tokens", maxTokens);
            if (temperature != null) {
                g.writeNumberField("temperature", temperature);
            }
            if (topP != null) {
                g.writeNumberField("top_p", topP);
            }
            if (topK != null) {
                g.writeNumberField("top_k", topK);
            }
            if (logprobs != null) {
                g.writeNumberField("logprobs", logprobs);
            }
            if (promptLogprobs != null) {
                g.writeNumberField("prompt_logprobs", promptLogprobs);
            }
            if (echo) {
                g.writeBooleanField("echo", true);
            }
            if (seed != null) {
                g.writeNumberField("seed", seed);
            }
            if (!stop.isEmpty()) {
                g.writeArrayFieldStart("stop");
                for (String s : stop) {
                    g.writeString(s);
                }
                g.writeEndArray();
            }
            if (!stopTokenIds.isEmpty()) {
                g.writeArrayFieldStart("stop_token_ids");
                for (int id : stopTokenIds) {
                    g.writeNumber(id);
                }
                g.writeEndArray();
            }
            if (includeStopStrInOutput) {
                g.writeBooleanField("include_stop_str_in_output", true);
            }
            if (returnTokenIds) {
                g.writeBooleanField("return_token_ids", true);
            }
            if (returnTokensAsTokenIds) {
                g.writeBooleanField("return_tokens_as_token_ids", true);
            }
            g.writeBooleanField("stream", false);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    int totalPromptTokens() {
        int t = 0;
        for (int[] p : prompts) {
            t += p.length;
        }
        return t;
    }
}
