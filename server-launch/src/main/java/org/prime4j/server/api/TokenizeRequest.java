package org.prime4j.server.api;

import java.util.List;
import org.prime4j.model.tokenizer.ChatMessage;

/**
 * {@code POST /tokenize}: either {@code prompt} or chat {@code messages}. vLLM's defaults differ by form:
 * a prompt gets special tokens, messages get the chat template with the generation prompt instead.
 */
public record TokenizeRequest(
        String model,
        String prompt,
        List<ChatMessage> messages,
        Boolean addSpecialTokens,
        Boolean addGenerationPrompt,
        Boolean returnTokenStrs) {}
