package org.prime4j.client.protocol;

/** One chat message, as {@code /tokenize} and the Eurus-2-RL-Data {@code prompt} column hold it. */
public record ChatMessage(String role, String content) {
    public ChatMessage {
        if (role == null || role.isBlank()) {
            throw new IllegalArgumentException("chat message: role is empty");
        }
        if (content == null) {
            throw new IllegalArgumentException("chat message (" + role + "): content is null");
        }
    }
}
