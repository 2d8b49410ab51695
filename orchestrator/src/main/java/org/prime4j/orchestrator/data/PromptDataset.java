package org.prime4j.orchestrator.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.prime4j.orchestrator.client.protocol.ChatMessage;
import org.prime4j.orchestrator.config.BadLinePolicy;

/**
 * Prompts from a JSONL file in the Eurus-2-RL-Data layout: {@code prompt} (a string or chat messages),
 * {@code ability}, {@code reward_model.ground_truth} (or {@code ground_truth} / {@code answer}),
 * {@code data_source}; other fields travel to the verifier. The whole file is checked before anything
 * trains: with {@link BadLinePolicy#FAIL} every bad line is reported at once, with {@code SKIP} each is
 * reported as a warning and left out.
 */
public final class PromptDataset {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final List<PromptItem> items;

    private PromptDataset(Path file, List<PromptItem> items) {
        this.file = file;
        this.items = List.copyOf(items);
    }

    /**
     * @param chat           string prompts become one user message for the server's chat template; without,
     *                       they are tokenized as raw text (chat-message prompts always use the template)
     * @param defaultAbility the verifier of lines without {@code ability}
     * @param warnings       told about each skipped line (SKIP only)
     */
    public static PromptDataset load(Path file, String promptField, boolean chat, String defaultAbility,
                                     BadLinePolicy onBadLine, Consumer<String> warnings) throws IOException {
        List<PromptItem> items = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String where = file + ":" + lineNo;
                try {
                    items.add(parse(where, line, promptField, chat, defaultAbility));
                } catch (BadLine e) {
                    problems.add(where + ": " + e.getMessage());
                }
            }
        } catch (NoSuchFileException e) {
            throw new IOException("dataset " + file + " does not exist", e);
        }
        if (!problems.isEmpty()) {
            if (onBadLine == BadLinePolicy.FAIL) {
                throw new DataException(file.toString(), problems);
            }
            problems.forEach(p -> warnings.accept("skipping " + p));
        }
        if (items.isEmpty()) {
            throw new DataException(file.toString(), List.of(file + ": no usable prompt in the file"));
        }
        return new PromptDataset(file, items);
    }

    private static final class BadLine extends Exception {
        BadLine(String message) {
            super(message, null, false, false);
        }
    }

    private static PromptItem parse(String where, String line, String promptField, boolean chat,
                                    String defaultAbility) throws BadLine {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new BadLine("not valid JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode obj)) {
            throw new BadLine("not a JSON object");
        }
        JsonNode prompt = obj.get(promptField);
        List<ChatMessage> messages = null;
        String raw = null;
        if (prompt == null || prompt.isNull()) {
            throw new BadLine(promptField + ": missing");
        } else if (prompt.isTextual()) {
            if (prompt.asText().isBlank()) {
                throw new BadLine(promptField + ": empty");
            }
            if (chat) {
                messages = List.of(new ChatMessage("user", prompt.asText()));
            } else {
                raw = prompt.asText();
            }
        } else if (prompt.isArray()) {
            messages = messages(promptField, prompt);
        } else {
            throw new BadLine(promptField + ": must be a string or a list of {role, content} messages, got "
                    + prompt.getNodeType().name().toLowerCase());
        }
        String ability = defaultAbility;
        JsonNode a = obj.get("ability");
        if (a != null && !a.isNull()) {
            if (!a.isTextual() || a.asText().isBlank()) {
                throw new BadLine("ability: must be a verifier name, got " + a);
            }
            ability = a.asText();
        }
        JsonNode truth = groundTruth(obj);
        if (truth == null) {
            throw new BadLine("reward_model.ground_truth (or ground_truth / answer): missing");
        }
        JsonNode ds = obj.get("data_source");
        ObjectNode extra = obj.deepCopy();
        extra.remove(promptField);
        return new PromptItem(where, messages, raw, ability, truth.isValueNode() ? truth.asText() : truth.toString(),
                ds == null || ds.isNull() ? null : ds.asText(), extra);
    }

    private static List<ChatMessage> messages(String field, JsonNode array) throws BadLine {
        if (array.isEmpty()) {
            throw new BadLine(field + ": no messages");
        }
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode m = array.get(i);
            JsonNode role = m.get("role");
            JsonNode content = m.get("content");
            if (role == null || !role.isTextual() || role.asText().isBlank()) {
                throw new BadLine(field + "[" + i + "].role: missing or not a string");
            }
            if (content == null || !content.isTextual()) {
                throw new BadLine(field + "[" + i + "].content: missing or not a string");
            }
            out.add(new ChatMessage(role.asText(), content.asText()));
        }
        return out;
    }

    private static JsonNode groundTruth(ObjectNode obj) {
        JsonNode rm = obj.get("reward_model");
        if (rm != null && rm.isObject() && rm.hasNonNull("ground_truth")) {
            return rm.get("ground_truth");
        }
        for (String f : new String[] {"ground_truth", "answer"}) {
            if (obj.hasNonNull(f)) {
                return obj.get(f);
            }
        }
        return null;
    }

    public Path file() {
        return file;
    }

    public List<PromptItem> items() {
        return items;
    }

    public int size() {
        return items.size();
    }

    public PromptItem get(int i) {
        return items.get(i);
    }
}
