package org.prime4j.model.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A model's chat template (the Jinja text in tokenizer_config.json's {@code chat_template}), rendered the
 * way transformers' {@code apply_chat_template} does: Jinja with {@code trim_blocks} and
 * {@code lstrip_blocks}, the special tokens ({@code bos_token}, {@code eos_token}, ...) as variables, and a
 * {@code raise_exception} function. Rendering uses Jinjava with its Python-compatible behaviours switched
 * on; a template Jinjava cannot render is an error naming the template source, never a silent fallback.
 */
public final class ChatTemplate {

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Jinja2's semantics where Jinjava's defaults differ (operator precedence, `{{-` trimming, Python-style
     * printing and tojson), but not "whitespace required within tokens", which breaks `{%- if` tags.
     */
    private static final LegacyOverrides PYTHON_LIKE = LegacyOverrides.newBuilder()
            .withEvaluateMapKeys(true)
            .withIterateOverMapKeys(true)
            .withUsePyishObjectMapper(true)
            .withUseNaturalOperatorPrecedence(true)
            .withParseWhitespaceControlStrictly(true)
            .withAllowAdjacentTextNodes(true)
            .withUseTrimmingForNotesAndExpressions(true)
            .withKeepNullableLoopValues(true)
            .build();

    private static final Jinjava JINJA = newJinjava();

    private final String template;
    private final String source;
    private final Map<String, String> specialTokens;

    public ChatTemplate(String template, String source, Map<String, String> specialTokens) {
        this.template = Objects.requireNonNull(template, "template");
        this.source = Objects.requireNonNull(source, "source");
        this.specialTokens = Map.copyOf(specialTokens);
    }

    /**
     * The chat template of a tokenizer_config.json, or empty when it has none. A list of named templates
     * (newer exports) yields the one named "default".
     */
    public static Optional<ChatTemplate> fromTokenizerConfig(Path tokenizerConfigJson) throws IOException {
        JsonNode root = JSON.readTree(Files.readString(tokenizerConfigJson, StandardCharsets.UTF_8));
        String source = tokenizerConfigJson.toString();
        JsonNode node = root.get("chat_template");
        String text = null;
        if (node != null && node.isTextual()) {
            text = node.asText();
        } else if (node != null && node.isArray()) {
            for (JsonNode named : node) {
                if ("default".equals(named.path("name").asText())) {
                    text = named.path("template").asText();
                }
            }
            if (text == null) {
                throw new IOException(source + ": chat_template lists no template named \"default\"");
            }
        } else if (node != null && !node.isNull()) {
            throw new IOException(source + ": chat_template must be a string or a list of named templates");
        }
        if (text == null) {
            // newer transformers keep the template in its own file beside tokenizer_config.json
            Path jinja = tokenizerConfigJson.resolveSibling("chat_template.jinja");
            if (!Files.isRegularFile(jinja)) {
                return Optional.empty();
            }
            text = Files.readString(jinja, StandardCharsets.UTF_8);
            source = jinja.toString();
        }
        Map<String, String> specials = new LinkedHashMap<>();
        for (String key : List.of("bos_token", "eos_token", "unk_token", "pad_token")) {
            JsonNode t = root.get(key);
            if (t != null && t.isTextual()) {
                specials.put(key, t.asText());
            } else if (t != null && t.isObject() && t.path("content").isTextual()) {
                specials.put(key, t.path("content").asText());
            }
        }
        return Optional.of(new ChatTemplate(text, source, specials));
    }

    /** The Jinja text. */
    public String template() {
        return template;
    }

    /** The prompt text for {@code messages}; with {@code addGenerationPrompt}, ready for the assistant's turn. */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a chat needs at least one message");
        }
        List<Map<String, Object>> msgs = new ArrayList<>();
        for (ChatMessage m : messages) {
            Map<String, Object> map = new HashMap<>();
            map.put("role", m.role());
            map.put("content", m.content());
            msgs.add(map);
        }
        Map<String, Object> vars = new HashMap<>();
        specialTokens.forEach(vars::put);
        vars.put("messages", msgs);
        vars.put("add_generation_prompt", addGenerationPrompt);
        RenderResult result = JINJA.renderForResult(template, vars);
        List<String> problems = new ArrayList<>();
        for (TemplateError e : result.getErrors()) {
            if (e.getSeverity() == TemplateError.ErrorType.FATAL
                    || e.getReason() == TemplateError.ErrorReason.UNKNOWN
                    || e.getReason() == TemplateError.ErrorReason.EXCEPTION) {
                problems.add("line " + e.getLineno() + ": " + e.getMessage() + raisedMessage(e.getException()));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("chat template of " + source + " failed to render: "
                    + String.join("; ", problems));
        }
        return result.getOutput();
    }

    private static Jinjava newJinjava() {
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withLegacyOverrides(PYTHON_LIKE)
                .withNestedInterpretationEnabled(false)
                .build();
        Jinjava jinjava = new Jinjava(config);
        jinjava.registerFunction(new ELFunctionDefinition("", "raise_exception", ChatTemplate.class,
                "raiseException", String.class));
        return jinjava;
    }

    /** The message a template passed to raise_exception, found in the cause chain; empty otherwise. */
    private static String raisedMessage(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof TemplateRaisedException) {
                return ": " + c.getMessage();
            }
        }
        return "";
    }

    /** transformers' {@code raise_exception}: templates use it to reject conversations they cannot format. */
    public static String raiseException(String message) {
        throw new TemplateRaisedException(message);
    }

    /** The exception a template raised on purpose. */
    static final class TemplateRaisedException extends RuntimeException {
        TemplateRaisedException(String message) {
            super(message);
        }
    }
}
