package org.prime4j.orchestrator.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.prime4j.model.tokenizer.ChatMessage;

/**
 * Reads task JSONL: the RL layout ({@code prompt} as a string or chat messages, {@code ability},
 * {@code reward_model.ground_truth}) and the benchmark files' layouts ({@code problem}/{@code question} with
 * {@code answer}; HumanEval's {@code prompt} + {@code test} + {@code entry_point}, whose ability is code).
 * The whole file is checked before anything runs; the first bad line is an error naming file:line and field.
 */
public final class TaskItems {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TaskItems() {}

    /** @param needResponse SFT data: every line must carry {@code response} (or {@code completion}) */
    public static List<TaskItem> read(Path file, boolean needResponse) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such file");
        }
        List<TaskItem> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String text;
            int line = 0;
            while ((text = r.readLine()) != null) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                out.add(parse(file, line, text, needResponse));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + ": no items");
        }
        return out;
    }

    static TaskItem parse(Path file, int line, String text, boolean needResponse) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new BadLineException(file, line, null, "not JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode o)) {
            throw new BadLineException(file, line, null, "expected a JSON object");
        }
        String promptField = o.has("prompt") ? "prompt" : o.has("problem") ? "problem" : "question";
        List<ChatMessage> prompt = messages(file, line, promptField, o.get(promptField));
        boolean code = o.hasNonNull("test") && o.hasNonNull("entry_point");
        String ability = text(o.get("ability"));
        if (ability == null) {
            ability = code ? "code" : "math";
        }
        String truth = groundTruth(o);
        if (truth == null && !code) {
            throw new BadLineException(file, line, "reward_model.ground_truth",
                    "missing (also looked for ground_truth, answer)");
        }
        String response = text(o.has("response") ? o.get("response") : o.get("completion"));
        if (needResponse && (response == null || response.isEmpty())) {
            throw new BadLineException(file, line, "response", "missing or empty (SFT needs the worked answer)");
        }
        return new TaskItem(line, prompt, truth == null ? "" : truth, ability, response, o);
    }

    private static String groundTruth(ObjectNode o) {
        JsonNode rm = o.get("reward_model");
        if (rm != null && rm.hasNonNull("ground_truth")) {
            return text(rm.get("ground_truth"));
        }
        for (String f : List.of("ground_truth", "answer")) {
            if (o.hasNonNull(f)) {
                return text(o.get(f));
            }
        }
        return null;
    }

    /** A number such as AMC's 27.0 keeps its JSON spelling; the verifier compares numerically. */
    private static String text(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        return n.isValueNode() ? n.asText() : n.toString();
    }

    private static List<ChatMessage> messages(Path file, int line, String field, JsonNode n) {
        if (n == null || n.isNull()) {
            throw new BadLineException(file, line, "prompt", "missing (also looked for problem, question)");
        }
        if (n.isTextual()) {
            return List.of(ChatMessage.user(n.asText()));
        }
        if (!n.isArray() || n.isEmpty()) {
            throw new BadLineException(file, line, field, "expected a string or a non-empty array of messages");
        }
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            JsonNode m = n.get(i);
            if (m == null || !m.path("role").isTextual() || !m.path("content").isTextual()) {
                throw new BadLineException(file, line, field + "[" + i + "]",
                        "expected {\"role\": string, \"content\": string}");
            }
            out.add(new ChatMessage(m.get("role").asText(), m.get("content").asText()));
        }
        return out;
    }
}
