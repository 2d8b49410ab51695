package org.prime4j.orchestrator.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.prime4j.client.protocol.ChatMessage;
import org.prime4j.orchestrator.data.PromptItem;

/**
 * How an evaluation item becomes the prompt sent to the server.
 * <ul>
 *   <li>{@code dataset} (default): the item's prompt as training sends it: chat messages through the server's
 *       chat template (a string prompt is one user message);</li>
 *   <li>{@code qwen-boxed}: Qwen2.5-Math's evaluation prompt: the system message {@value #QWEN_BOXED_SYSTEM}
 *       and the problem as the user message, through the chat template;</li>
 *   <li>{@code raw}: the problem text as it is, without a chat template;</li>
 *   <li>a file path: the file's text with {@code {problem}} replaced by the problem, without a chat template
 *       (write the model's chat markup into the file if it needs one).</li>
 * </ul>
 * The problem of an item is its last user message (or its raw text).
 *
 * @param name  as given on the command line
 * @param text  a file template's text; null for the built-in templates
 */
public record PromptTemplate(String name, String text) {

    public static final String QWEN_BOXED_SYSTEM = "Please reason step by step, and put your final answer within \\boxed{}.";
    public static final String PLACEHOLDER = "{problem}";

    /** The prompt of one item: chat messages or raw text, exactly one of them non-null. */
    public record Prompt(List<ChatMessage> messages, String raw) {}

    public static PromptTemplate dataset() {
        return new PromptTemplate("dataset", null);
    }

    /** A built-in name, or else a file holding {@code {problem}}. */
    public static PromptTemplate parse(String spec) throws IOException {
        if (spec == null || spec.equals("dataset")) {
            return dataset();
        }
        if (spec.equals("qwen-boxed") || spec.equals("raw")) {
            return new PromptTemplate(spec, null);
        }
        Path file = Path.of(spec);
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(spec + ": no such template file (built-in templates: dataset, qwen-boxed, raw)");
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (!text.contains(PLACEHOLDER)) {
            throw new IllegalArgumentException(spec + ": a template file must contain " + PLACEHOLDER);
        }
        return new PromptTemplate(spec, text);
    }

    public Prompt render(PromptItem item) {
        if (text != null) {
            return new Prompt(null, text.replace(PLACEHOLDER, problem(item)));
        }
        switch (name) {
            case "raw":
                return new Prompt(null, problem(item));
            case "qwen-boxed":
                return new Prompt(List.of(new ChatMessage("system", QWEN_BOXED_SYSTEM),
                        new ChatMessage("user", problem(item))), null);
            default: {
                if (item.messages() == null) {
                    return new Prompt(null, item.rawText());
                }
                List<ChatMessage> m = new ArrayList<>();
                item.messages().forEach(c -> m.add(new ChatMessage(c.role(), c.content())));
                return new Prompt(m, null);
            }
        }
    }

    /** The item's problem text: its last user message, or its raw text. */
    static String problem(PromptItem item) {
        if (item.messages() == null) {
            return item.rawText();
        }
        for (int i = item.messages().size() - 1; i >= 0; i--) {
            if ("user".equals(item.messages().get(i).role())) {
                return item.messages().get(i).content();
            }
        }
        return item.messages().get(item.messages().size() - 1).content();
    }
}
