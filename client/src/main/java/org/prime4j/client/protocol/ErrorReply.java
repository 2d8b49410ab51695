package org.prime4j.client.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The error a server sent, read from either shape vLLM has used: {@code {"error": {"message", "type",
 * "param", "code"}}} (current) or the flat {@code {"object": "error", "message", ...}} (older servers).
 * Anything else (an HTML page from a proxy, an empty body) is kept as a short excerpt.
 */
public record ErrorReply(String message, String type, String param) {

    private static final int EXCERPT = 300;

    static ErrorReply parse(ObjectMapper json, String body) {
        if (body == null || body.isBlank()) {
            return new ErrorReply("(empty body)", null, null);
        }
        try {
            JsonNode root = json.readTree(body);
            JsonNode e = root.path("error");
            if (e.isObject()) {
                return of(e);
            }
            if (e.isTextual()) {
                return new ErrorReply(e.asText(), null, null);
            }
            if (root.has("message")) {
                return of(root);
            }
        } catch (Exception notJson) {
            // fall through: report the raw text
        }
        String t = body.strip();
        return new ErrorReply(t.length() > EXCERPT ? t.substring(0, EXCERPT) + "..." : t, null, null);
    }

    private static ErrorReply of(JsonNode e) {
        String param = e.path("param").isNull() || e.path("param").isMissingNode() ? null : e.path("param").asText();
        String type = e.path("type").isMissingNode() || e.path("type").isNull() ? null : e.path("type").asText();
        return new ErrorReply(e.path("message").asText("(no message)"), type, param);
    }

    /** "message [type, param=field]" */
    public String describe() {
        StringBuilder b = new StringBuilder(message);
        if (type != null || param != null) {
            b.append(" [");
            if (type != null) {
                b.append(type);
            }
            if (param != null) {
                b.append(type != null ? ", " : "").append("param=").append(param);
            }
            b.append(']');
        }
        return b.toString();
    }
}
