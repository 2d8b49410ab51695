package org.prime4j.server.model;

import java.util.Objects;

/** One message of a chat prompt, as {@code /tokenize} receives it. */
public record ChatMessage(String role, String content) {
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }
}
