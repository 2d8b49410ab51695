package org.prime4j.orchestrator.data;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;
import org.prime4j.model.tokenizer.ChatMessage;

/**
 * One line of a prompt file: what RL samples from, what eval scores and what SFT imitates.
 *
 * @param source      {@code file:line}, for messages
 * @param line        the 1-based line number
 * @param messages    the prompt as chat messages (a string prompt is one user message); null for a raw prompt
 * @param rawText     the prompt as plain text when it is sent without a chat template; else null
 * @param ability     selects the verifier ({@code math}, {@code code}, a plugin's name)
 * @param groundTruth the reference answer as the verifier reads it (JSON text for structured truths; empty for
 *                    HumanEval-style lines, whose tests travel in {@code extra})
 * @param dataSource  the dataset's {@code data_source}, or null
 * @param response    the worked answer SFT imitates ({@code response} or {@code completion}), or null
 * @param extra       the whole line, passed to the verifier (code tests, entry points)
 */
public record PromptItem(String source, int line, List<ChatMessage> messages, String rawText, String ability,
                         String groundTruth, String dataSource, String response, ObjectNode extra) {

    public PromptItem {
        if ((messages == null) == (rawText == null)) {
            throw new IllegalArgumentException(source + ": a prompt is either chat messages or raw text");
        }
        messages = messages == null ? null : List.copyOf(messages);
        Objects.requireNonNull(ability, "ability");
        Objects.requireNonNull(groundTruth, "groundTruth");
    }
}
