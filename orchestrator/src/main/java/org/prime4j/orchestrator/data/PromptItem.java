package org.prime4j.orchestrator.data;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.prime4j.orchestrator.client.protocol.ChatMessage;

/**
 * One training or held-out prompt.
 *
 * @param source      {@code file:line}, for messages
 * @param messages    the prompt as chat messages (a string prompt is one user message); null for a raw prompt
 * @param rawText     the prompt as plain text when it is sent without a chat template; else null
 * @param ability     selects the verifier ({@code math}, {@code code}, a plugin's name)
 * @param groundTruth the reference answer as the verifier reads it (JSON text for structured truths)
 * @param dataSource  the dataset's {@code data_source}, or null
 * @param extra       every other field of the line, passed to the verifier
 */
public record PromptItem(String source, List<ChatMessage> messages, String rawText, String ability,
                         String groundTruth, String dataSource, ObjectNode extra) {

    public PromptItem {
        if ((messages == null) == (rawText == null)) {
            throw new IllegalArgumentException(source + ": a prompt is either chat messages or raw text");
        }
        messages = messages == null ? null : List.copyOf(messages);
    }
}
