package org.prime4j.orchestrator.data;

import java.util.List;
import org.prime4j.model.tokenizer.ChatMessage;
import org.prime4j.model.tokenizer.TextTokenizer;

/**
 * Prompt token ids as the policy server's {@code /tokenize} with {@code messages} gives them: the model's chat
 * template with the generation prompt; a tokenizer without a template gets the message contents concatenated.
 * SFT, eval and RL therefore all see the same ids for the same prompt.
 */
public final class PromptEncoder {

    private PromptEncoder() {}

    public static int[] encode(TextTokenizer tokenizer, List<ChatMessage> prompt) {
        if (tokenizer.chatTemplate().isPresent()) {
            return tokenizer.encodeChat(prompt, true);
        }
        StringBuilder sb = new StringBuilder();
        prompt.forEach(m -> sb.append(m.content()));
        return tokenizer.encode(sb.toString(), false);
    }
}
