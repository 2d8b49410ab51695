package org.prime4j.client.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Streaming parse of a {@code /v1/completions} reply. Log-prob replies run to megabytes (every token of
 * every sample, plus top-k maps), so the body is read token by token into primitive arrays and never held
 * as a tree. Fields the client does not use ({@code top_logprobs}, {@code text_offset}, ...) are skipped.
 *
 * <p>{@code prompt_logprobs[j]} holds the top-k tokens <em>and</em> the actual prompt token, which may have
 * any rank; the actual token is found by its id (from the request), never by position in the map.
 */
public final class CompletionReplyParser {

    static final String TOKEN_ID_PREFIX = "token_id:";

    // Python's json writes -Infinity/NaN for impossible tokens; accept them rather than fail a whole batch.
    // No field-name canonicalization: top_logprobs keys are token strings, tens of thousands of distinct
    // names per reply, which would only churn the symbol table (measured: -5 MB allocated per 8 MB reply).
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .build();

    private final List<int[]> prompts;
    private final int n;

    // Scratch space for one choice's prompt_logprobs: candidate (id, logprob) pairs per position.
    private final IntList candidateStart = new IntList();
    private final IntList candidateIds = new IntList();
    private final FloatList candidateLogprobs = new FloatList();
    private final IntList ints = new IntList();
    private final FloatList floats = new FloatList();

    /**
     * @param prompts the token-id prompts that were sent, in order; choice {@code i} belongs to prompt
     *     {@code i / n} (vLLM's numbering for a list of prompts)
     * @param n samples per prompt
     */
    public CompletionReplyParser(List<int[]> prompts, int n) {
        this.prompts = List.copyOf(prompts);
        this.n = n;
    }

    public CompletionReply parse(InputStream body) throws IOException {
        CountingInputStream counted = new CountingInputStream(body);
        try (JsonParser p = JSON.createParser(counted)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedReplyException("reply is not a JSON object");
            }
            String id = null;
            String model = null;
            List<CompletionChoice> choices = null;
            int promptTokens = -1;
            int completionTokens = -1;
            String error = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "error" -> error = errorMessage(p, value);
                    // vLLM's older flat error shape: {"object": "error", "message": ...}
                    case "message" -> error = error != null ? error : p.getValueAsString();
                    case "id" -> id = p.getValueAsString();
                    case "model" -> model = p.getValueAsString();
                    case "choices" -> choices = parseChoices(p, value);
                    case "usage" -> {
                        if (value == JsonToken.START_OBJECT) {
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String u = p.currentName();
                                p.nextToken();
                                if (u.equals("prompt_tokens")) {
                                    promptTokens = p.getValueAsInt(-1);
                                } else if (u.equals("completion_tokens")) {
                                    completionTokens = p.getValueAsInt(-1);
                                } else {
                                    p.skipChildren();
                                }
                            }
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT) {
                throw new MalformedReplyException("reply object not closed");
            }
            // Anything after the closing brace means the body is not one JSON document.
            if (p.nextToken() != null) {
                throw new MalformedReplyException("trailing data after the reply object");
            }
            if (choices == null) {
                // A server that had started a 200 reply (the embedded one sends keep-alive whitespace while a
                // request waits) can only report a later failure in the body.
                throw new MalformedReplyException(error != null ? "reply is an error: " + error
                        : "reply has no 'choices'");
            }
            return new CompletionReply(id, model, choices, promptTokens, completionTokens, counted.count());
        }
    }

    /** The message of an {@code "error"} value: {@code {"message": ..., "type": ...}} or a bare string. */
    private static String errorMessage(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            String text = value.isScalarValue() ? p.getValueAsString() : null;
            p.skipChildren();
            return text;
        }
        String message = null;
        String type = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            p.nextToken();
            if (f.equals("message")) {
                message = p.getValueAsString();
            } else if (f.equals("type")) {
                type = p.getValueAsString();
            } else {
                p.skipChildren();
            }
        }
        return type == null ? message : message + " (" + type + ")";
    }

    private List<CompletionChoice> parseChoices(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            throw new MalformedReplyException("'choices' is not an array");
        }
        List<CompletionChoice> out = new ArrayList<>();
        while (p.nextToken() == JsonToken.START_OBJECT) {
            out.add(parseChoice(p, out.size()));
        }
        out.sort(Comparator.comparingInt(CompletionChoice::index));
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).index() != i) {
                throw new MalformedReplyException("choices indices are not 0.." + (out.size() - 1)
                        + " (found index " + out.get(i).index() + " at position " + i + ")");
            }
        }
        return out;
    }

    private CompletionChoice parseChoice(JsonParser p, int position) throws IOException {
        int index = position;
        String text = null;
        String finishReason = null;
        int[] tokenIds = null;
        int[] idsFromTokens = null;
        float[] tokenLogprobs = null;
        int[] promptTokenIds = null;
        boolean hasPromptLogprobs = false;
        candidateStart.clear();
        candidateIds.clear();
        candidateLogprobs.clear();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "index" -> index = p.getValueAsInt(position);
                case "text" -> text = p.getValueAsString();
                case "finish_reason" -> finishReason = p.getValueAsString();
                case "token_ids" -> tokenIds = readInts(p, value, "token_ids");
                case "prompt_token_ids" -> promptTokenIds = readInts(p, value, "prompt_token_ids");
                case "logprobs" -> {
                    if (value == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String lp = p.currentName();
                            JsonToken v = p.nextToken();
                            if (lp.equals("token_logprobs")) {
                                tokenLogprobs = readFloats(p, v, "logprobs.token_logprobs");
                            } else if (lp.equals("tokens")) {
                                idsFromTokens = readTokenIds(p, v);
                            } else {
                                p.skipChildren();
                            }
                        }
                    }
                }
                case "prompt_logprobs" -> hasPromptLogprobs = readPromptLogprobCandidates(p, value);
                default -> p.skipChildren();
            }
        }
        float[] promptLogprobs = null;
        if (hasPromptLogprobs) {
            promptLogprobs = resolvePromptLogprobs(index, promptTokenIds);
        }
        return new CompletionChoice(index, text, finishReason, tokenIds != null ? tokenIds : idsFromTokens,
                tokenLogprobs, promptTokenIds, promptLogprobs);
    }

    private int[] readInts(JsonParser p, JsonToken value, String field) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.START_ARRAY) {
            throw new MalformedReplyException("'" + field + "' is not an array");
        }
        ints.clear();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.VALUE_NUMBER_INT) {
            ints.add(p.getIntValue());
        }
        if (t != JsonToken.END_ARRAY) {
            throw new MalformedReplyException("'" + field + "' holds a non-integer: " + t);
        }
        return ints.toArray();
    }

    private float[] readFloats(JsonParser p, JsonToken value, String field) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.START_ARRAY) {
            throw new MalformedReplyException("'" + field + "' is not an array");
        }
        floats.clear();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == JsonToken.VALUE_NULL) {
                floats.add(Float.NaN);
            } else if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
                floats.add(p.getFloatValue());
            } else {
                throw new MalformedReplyException("'" + field + "' holds a non-number: " + t);
            }
        }
        return floats.toArray();
    }

    /** {@code logprobs.tokens}: ids when every token is {@code "token_id:<id>"}, else null (plain strings). */
    private int[] readTokenIds(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            return null;
        }
        ints.clear();
        boolean allIds = true;
        while (p.nextToken() == JsonToken.VALUE_STRING) {
            if (!allIds) {
                continue;
            }
            // Read the characters in place: a String per token would dominate the parse of large replies.
            char[] buf = p.getTextCharacters();
            int off = p.getTextOffset();
            int len = p.getTextLength();
            int id = tokenId(buf, off, len);
            if (id >= 0) {
                ints.add(id);
            } else if (id == NOT_AN_ID) {
                allIds = false;
            } else {
                throw new MalformedReplyException("logprobs.tokens holds a bad token id: '" + p.getText() + "'");
            }
        }
        if (p.currentToken() != JsonToken.END_ARRAY) {
            throw new MalformedReplyException("'logprobs.tokens' holds a non-string: " + p.currentToken());
        }
        return allIds ? ints.toArray() : null;
    }

    private static final int NOT_AN_ID = -1;
    private static final int BAD_ID = -2;

    /** The id of a {@code "token_id:<id>"} token, {@link #NOT_AN_ID} for a plain token, {@link #BAD_ID} if garbled. */
    static int tokenId(char[] buf, int off, int len) {
        int prefix = TOKEN_ID_PREFIX.length();
        if (len < prefix) {
            return NOT_AN_ID;
        }
        for (int i = 0; i < prefix; i++) {
            if (buf[off + i] != TOKEN_ID_PREFIX.charAt(i)) {
                return NOT_AN_ID;
            }
        }
        if (len == prefix || len - prefix > 9) {
            return BAD_ID;
        }
        int id = 0;
        for (int i = off + prefix; i < off + len; i++) {
            char c = buf[i];
            if (c < '0' || c > '9') {
                return BAD_ID;
            }
            id = id * 10 + (c - '0');
        }
        return id;
    }

    /** Reads {@code [null, {"<id>": {"logprob": x, ...}, ...}, ...]} into the candidate buffers. */
    private boolean readPromptLogprobCandidates(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return false;
        }
        if (value != JsonToken.START_ARRAY) {
            throw new MalformedReplyException("'prompt_logprobs' is not an array");
        }
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            candidateStart.add(candidateIds.size());
            if (t == JsonToken.VALUE_NULL) {
                continue;
            }
            if (t != JsonToken.START_OBJECT) {
                throw new MalformedReplyException("prompt_logprobs[" + (candidateStart.size() - 1)
                        + "] is neither null nor an object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                int id;
                try {
                    id = Integer.parseInt(key);
                } catch (NumberFormatException e) {
                    throw new MalformedReplyException("prompt_logprobs[" + (candidateStart.size() - 1)
                            + "] has a non-numeric token key '" + key + "'");
                }
                float logprob = Float.NaN;
                JsonToken entry = p.nextToken();
                if (entry == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String f = p.currentName();
                        JsonToken v = p.nextToken();
                        if (f.equals("logprob")) {
                            logprob = v == JsonToken.VALUE_NULL ? Float.NaN : p.getFloatValue();
                        } else {
                            p.skipChildren();
                        }
                    }
                } else if (entry == JsonToken.VALUE_NUMBER_FLOAT || entry == JsonToken.VALUE_NUMBER_INT) {
                    logprob = p.getFloatValue(); // old servers: {"<id>": logprob}
                } else {
                    throw new MalformedReplyException("prompt_logprobs entry for token " + id + " is " + entry);
                }
                candidateIds.add(id);
                candidateLogprobs.add(logprob);
            }
        }
        return true;
    }

    private float[] resolvePromptLogprobs(int choiceIndex, int[] promptTokenIdsInReply) throws IOException {
        int promptIndex = choiceIndex / n;
        if (promptIndex >= prompts.size()) {
            throw new MalformedReplyException("choice " + choiceIndex + " has no prompt: " + prompts.size()
                    + " prompts x n=" + n + " were sent");
        }
        int[] expected = prompts.get(promptIndex);
        if (promptTokenIdsInReply != null && !Arrays.equals(expected, promptTokenIdsInReply)) {
            throw new MalformedReplyException("choice " + choiceIndex + ": prompt_token_ids differ from prompt "
                    + promptIndex + " that was sent");
        }
        int positions = candidateStart.size();
        if (positions != expected.length) {
            throw new MalformedReplyException("choice " + choiceIndex + ": prompt_logprobs has " + positions
                    + " entries for a prompt of " + expected.length + " tokens");
        }
        float[] out = new float[positions];
        for (int j = 0; j < positions; j++) {
            int from = candidateStart.get(j);
            int to = j + 1 < positions ? candidateStart.get(j + 1) : candidateIds.size();
            out[j] = Float.NaN;
            if (j == 0) {
                continue; // the first token has no context, so no log-prob
            }
            boolean found = false;
            for (int c = from; c < to; c++) {
                if (candidateIds.get(c) == expected[j]) {
                    out[j] = candidateLogprobs.get(c);
                    found = true;
                    break;
                }
            }
            if (!found) {
                throw new MalformedReplyException("choice " + choiceIndex + ": prompt_logprobs[" + j
                        + "] has no entry for the actual token id " + expected[j]);
            }
        }
        return out;
    }

    /** Counts body bytes for the MB/s and bytes-per-server metrics. */
    private static final class CountingInputStream extends java.io.FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int r = super.read(b, off, len);
            if (r > 0) {
                count += r;
            }
            return r;
        }

        long count() {
            return count;
        }
    }
}
