package org.prime4j.app.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Builds a large completions reply (many choices, every token with its log-prob and top-1 alternative)
 * from the recorded-shape template {@code completion-template.json}: the template's top-level fields and
 * choice fields are kept in vLLM's order, only the per-token arrays are grown. Generated at bench time so
 * that no multi-megabyte file is committed.
 */
public final class ReplyGenerator {

    static final String TEMPLATE = "/org/prime4j/app/bench/completion-template.json";

    /** A generated reply and what it holds. */
    public record Reply(byte[] json, int[] prompt, int choices, int tokensPerChoice) {
        public long tokens() {
            return (long) choices * tokensPerChoice;
        }
    }

    private ReplyGenerator() {}

    public static byte[] template() {
        try (InputStream in = ReplyGenerator.class.getResourceAsStream(TEMPLATE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + TEMPLATE);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A reply of at least {@code targetBytes} with {@code choices} choices of equal length. */
    public static Reply generate(long targetBytes, int choices, long seed) {
        try {
            JsonNode template = new ObjectMapper().readTree(template());
            JsonNode choice0 = template.path("choices").get(0);
            int[] prompt = ints(choice0.path("prompt_token_ids"));
            // ~95 bytes per token in this shape; size the first try, then grow until the target is met.
            int perChoice = (int) Math.max(1, targetBytes / 95 / choices);
            while (true) {
                byte[] json = write(template, prompt, choices, perChoice, seed);
                if (json.length >= targetBytes) {
                    return new Reply(json, prompt, choices, perChoice);
                }
                perChoice = (int) Math.ceil(perChoice * (double) targetBytes / json.length) + 1;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] write(JsonNode template, int[] prompt, int choices, int perChoice, long seed)
            throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        ByteArrayOutputStream out = new ByteArrayOutputStream(perChoice * choices * 100);
        try (JsonGenerator g = new ObjectMapper().getFactory().createGenerator(out)) {
            g.writeStartObject();
            for (Iterator<Map.Entry<String, JsonNode>> it = template.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getKey().equals("choices")) {
                    g.writeArrayFieldStart("choices");
                    for (int c = 0; c < choices; c++) {
                        writeChoice(g, template.path("choices").get(0), c, prompt, perChoice, rnd);
                    }
                    g.writeEndArray();
                } else if (f.getKey().equals("usage")) {
                    g.writeObjectFieldStart("usage");
                    g.writeNumberField("prompt_tokens", prompt.length);
                    g.writeNumberField("total_tokens", prompt.length + (long) choices * perChoice);
                    g.writeNumberField("completion_tokens", (long) choices * perChoice);
                    g.writeNullField("prompt_tokens_details");
                    g.writeEndObject();
                } else {
                    g.writeFieldName(f.getKey());
                    g.writeTree(f.getValue());
                }
            }
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    private static void writeChoice(JsonGenerator g, JsonNode proto, int index, int[] prompt, int tokens,
            SplittableRandom rnd) throws IOException {
        int[] ids = new int[tokens];
        String[] strs = new String[tokens];
        double[] lps = new double[tokens];
        StringBuilder text = new StringBuilder();
        for (int t = 0; t < tokens; t++) {
            ids[t] = rnd.nextInt(151_643);
            strs[t] = " w" + Integer.toString(ids[t], 36);
            lps[t] = -rnd.nextDouble() * 4;
            text.append(strs[t]);
        }
        g.writeStartObject();
        for (Iterator<String> it = proto.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            switch (field) {
                case "index" -> g.writeNumberField("index", index);
                case "text" -> g.writeStringField("text", text.toString());
                case "logprobs" -> {
                    g.writeObjectFieldStart("logprobs");
                    g.writeArrayFieldStart("text_offset");
                    int off = 0;
                    for (String s : strs) {
                        g.writeNumber(off);
                        off += s.length();
                    }
                    g.writeEndArray();
                    g.writeArrayFieldStart("token_logprobs");
                    for (double lp : lps) {
                        g.writeNumber(lp);
                    }
                    g.writeEndArray();
                    g.writeArrayFieldStart("tokens");
                    for (String s : strs) {
                        g.writeString(s);
                    }
                    g.writeEndArray();
                    g.writeArrayFieldStart("top_logprobs");
                    for (int t = 0; t < tokens; t++) {
                        g.writeStartObject();
                        g.writeNumberField(strs[t], lps[t]);
                        if (lps[t] < -0.7) { // the sampled token was not the most likely one
                            g.writeNumberField(" alt" + t % 97, -0.69);
                        }
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                }
                case "finish_reason" -> g.writeStringField("finish_reason", "length");
                case "token_ids" -> {
                    g.writeFieldName("token_ids");
                    g.writeArray(ids, 0, ids.length);
                }
                case "prompt_token_ids" -> {
                    g.writeFieldName("prompt_token_ids");
                    g.writeArray(prompt, 0, prompt.length);
                }
                default -> {
                    g.writeFieldName(field);
                    g.writeTree(proto.get(field));
                }
            }
        }
        g.writeEndObject();
    }

    static int[] ints(JsonNode arr) {
        int[] out = new int[arr.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = arr.get(i).intValue();
        }
        return out;
    }
}
