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
import java.util.Locale;
import java.util.function.Consumer;
import org.prime4j.model.tokenizer.ChatMessage;

/**
 * The one reader of prompt files (RL training data, held-out sets, benchmarks, SFT data), JSONL or parquet
 * ({@link ParquetRows}: a file, a directory of shards, a glob) in the Eurus-2-RL-Data / veRL layout:
 * {@code prompt} (a string or chat messages), {@code ability}, {@code reward_model.ground_truth} (or {@code ground_truth} / {@code answer}), {@code data_source}; and the
 * benchmark files' layouts ({@code problem}/{@code question} with {@code answer}; HumanEval's {@code prompt}
 * with {@code test} and {@code entry_point}, whose ability is code). The whole file is checked before anything
 * runs: with {@link BadLinePolicy#FAIL} every bad line is reported at once as {@code file:line: field: problem},
 * with {@code SKIP} each is reported as a warning and left out.
 */
public final class PromptDataset {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PROMPT_FIELDS = List.of("prompt", "problem", "question");

    /**
     * How lines are read.
     *
     * @param promptField    the prompt's field; null looks for prompt, then problem, then question
     * @param chat           string prompts become one user message (for a chat template); without, they stay
     *                       raw text (chat-message prompts are always messages)
     * @param defaultAbility the verifier of lines without {@code ability}; null: code for HumanEval-style
     *                       lines, else math
     * @param onBadLine      fail on the first file with bad lines (listing them all), or skip them with a warning
     * @param needResponse   SFT data: every line must carry {@code response} (or {@code completion})
     */
    public record Options(String promptField, boolean chat, String defaultAbility, BadLinePolicy onBadLine,
                          boolean needResponse) {

        /** Evaluation and benchmark files: any known layout, every line must be good. */
        public static final Options TASKS = new Options(null, true, null, BadLinePolicy.FAIL, false);
        /** SFT data: as {@link #TASKS}, and each line has its worked answer. */
        public static final Options SFT = new Options(null, true, null, BadLinePolicy.FAIL, true);

        public Options {
            if (onBadLine == null) {
                throw new IllegalArgumentException("onBadLine must be given");
            }
        }
    }

    private final Path file;
    private final List<PromptItem> items;

    private PromptDataset(Path file, List<PromptItem> items) {
        this.file = file;
        this.items = List.copyOf(items);
    }

    /** Reads an evaluation, benchmark or SFT file ({@link Options#TASKS}, {@link Options#SFT}): any bad line fails. */
    public static List<PromptItem> read(Path file, Options options) throws IOException {
        return read(file, options, w -> { }).items();
    }

    /**
     * Reads JSONL, or parquet (a {@code .parquet} file, a directory of shards, or a glob: {@link ParquetRows});
     * a parquet row is checked as the JSON object of its columns, and its place is {@code file:row}, 1-based
     * per file.
     *
     * @param warnings told about each skipped line ({@link BadLinePolicy#SKIP} only)
     */
    public static PromptDataset read(Path file, Options options, Consumer<String> warnings) throws IOException {
        List<PromptItem> items = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        SharedText shared = new SharedText();
        if (ParquetRows.isParquet(file)) {
            Path[] current = new Path[1];
            ParquetRows.read(ParquetRows.files(file), (row, json) -> {
                String where = current[0] + ":" + row;
                try {
                    items.add(parse(where, row, json, options, shared));
                } catch (BadLine e) {
                    problems.add(where + ": " + e.getMessage());
                }
            }, f -> current[0] = f);
        } else {
            readJsonl(file, options, items, problems, shared);
        }
        if (!problems.isEmpty()) {
            if (options.onBadLine() == BadLinePolicy.FAIL) {
                throw new DataException(file.toString(), problems);
            }
            problems.forEach(p -> warnings.accept("skipping " + p));
        }
        if (items.isEmpty()) {
            throw new DataException(file.toString(), List.of(file + ": no usable prompt in the file"));
        }
        return new PromptDataset(file, items);
    }

    private static void readJsonl(Path file, Options options, List<PromptItem> items, List<String> problems,
                                  SharedText shared) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String text;
            int line = 0;
            while ((text = in.readLine()) != null) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                String where = file + ":" + line;
                try {
                    items.add(parse(where, line, text, options, shared));
                } catch (BadLine e) {
                    problems.add(where + ": " + e.getMessage());
                }
            }
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        }
    }

    /** A line that cannot be used; its message is {@code field: problem}. */
    private static final class BadLine extends Exception {
        BadLine(String message) {
            super(message, null, false, false);
        }
    }

    private static PromptItem parse(String where, int line, String text, Options o, SharedText shared)
            throws BadLine {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new BadLine("not valid JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode obj)) {
            throw new BadLine("not a JSON object");
        }
        shared.share(obj);
        String field = o.promptField() != null ? o.promptField()
                : PROMPT_FIELDS.stream().filter(obj::has).findFirst().orElse(null);
        if (field == null) {
            throw new BadLine("prompt: missing (also looked for problem, question)");
        }
        JsonNode prompt = obj.get(field);
        List<ChatMessage> messages = null;
        String raw = null;
        if (prompt == null || prompt.isNull()) {
            throw new BadLine(field + ": missing");
        } else if (prompt.isTextual()) {
            if (prompt.asText().isBlank()) {
                throw new BadLine(field + ": empty");
            }
            if (o.chat()) {
                messages = List.of(ChatMessage.user(prompt.asText()));
            } else {
                raw = prompt.asText();
            }
        } else if (prompt.isArray()) {
            messages = messages(field, prompt);
        } else {
            throw new BadLine(field + ": must be a string or a list of {role, content} messages, got "
                    + prompt.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        boolean humanEval = obj.hasNonNull("test") && obj.hasNonNull("entry_point");
        String ability = o.defaultAbility() != null ? o.defaultAbility() : humanEval ? "code" : "math";
        JsonNode a = obj.get("ability");
        if (a != null && !a.isNull()) {
            if (!a.isTextual() || a.asText().isBlank()) {
                throw new BadLine("ability: must be a verifier name, got " + a);
            }
            ability = a.asText();
        }
        String truth = text(groundTruth(obj));
        if (truth == null && !humanEval) {
            throw new BadLine("reward_model.ground_truth (or ground_truth / answer): missing");
        }
        String response = text(obj.has("response") ? obj.get("response") : obj.get("completion"));
        if (o.needResponse() && (response == null || response.isEmpty())) {
            throw new BadLine("response: missing or empty (SFT needs the worked answer)");
        }
        return new PromptItem(where, line, messages, raw, ability, truth == null ? "" : truth,
                text(obj.get("data_source")), response, obj);
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
        for (String f : List.of("ground_truth", "answer")) {
            if (obj.hasNonNull(f)) {
                return obj.get(f);
            }
        }
        return null;
    }

    /** A number such as AMC's 27.0 keeps its JSON spelling; a structure becomes its JSON text. */
    private static String text(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        return n.isValueNode() ? n.asText() : n.toString();
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
