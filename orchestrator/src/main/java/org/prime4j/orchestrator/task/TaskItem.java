package org.prime4j.orchestrator.task;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;
import org.prime4j.model.tokenizer.ChatMessage;

/**
 * One line of a task file: the prompt as chat messages (a plain string becomes one user message), what the
 * verifier compares against, which verifier, and an optional reference response (what SFT imitates).
 *
 * @param line     1-based line number in its file, for messages
 * @param response the worked answer, or null when the file has none
 * @param extra    the whole line, passed to the verifier (code tests, entry points)
 */
public record TaskItem(int line, List<ChatMessage> prompt, String groundTruth, String ability, String response,
                       ObjectNode extra) {

    public TaskItem {
        prompt = List.copyOf(prompt);
        Objects.requireNonNull(groundTruth, "groundTruth");
        Objects.requireNonNull(ability, "ability");
    }
}
