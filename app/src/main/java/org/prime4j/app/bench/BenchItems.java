package org.prime4j.app.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;
import org.prime4j.verifiers.VerificationItem;

/** The fixed item sets the verifier benchmark runs, one per verifier name. */
public final class BenchItems {

    /**
     * Items for one verifier, with a line saying what they are. {@code variant(k)} gives the k-th of a
     * family of same-sized sets drawn alike, so that a timed pass never repeats items an earlier pass
     * already verified (a verifier may cache); sets with no such family return the same items each time.
     */
    public record ItemSet(String verifier, String description, IntFunction<List<VerificationItem>> variant,
            int defaultLimit) {
        public List<VerificationItem> items() {
            return variant.apply(0);
        }
    }

    /** HumanEval items each start sandboxed Python processes: a subset keeps a default run to minutes. */
    static final int CODE_DEFAULT_LIMIT = 32;

    private static final ObjectMapper JSON = new ObjectMapper();

    private BenchItems() {}

    /**
     * MATH-500 for {@code math}: every solution against its own answer (correct) and against the answer of
     * the problem {@code 1 + k mod (n - 1)} places on (almost always wrong, which sends many items down the numeric and
     * CAS paths); variant k shifts which answer the wrong half is paired with.
     */
    public static Optional<ItemSet> math(Path benchDir) throws IOException {
        Path file = benchDir.resolve("math500_test.jsonl");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        List<JsonNode> rows = read(file);
        return Optional.of(new ItemSet("math", "MATH-500 solutions vs own answer and vs another problem's", k -> {
            List<VerificationItem> items = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                String solution = rows.get(i).get("solution").asText();
                items.add(VerificationItem.of(solution, rows.get(i).get("answer").asText()));
                int shift = 1 + k % Math.max(1, rows.size() - 1); // never 0: never the problem's own answer
                items.add(VerificationItem.of(solution, rows.get((i + shift) % rows.size()).get("answer").asText()));
            }
            return items;
        }, 0));
    }

    /** HumanEval for {@code code}: each canonical solution with the problem's prompt, test and entry point. */
    public static Optional<ItemSet> code(Path benchDir) throws IOException {
        Path file = benchDir.resolve("HumanEval.jsonl");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        List<VerificationItem> items = new ArrayList<>();
        for (JsonNode p : read(file)) {
            ObjectNode extra = ((ObjectNode) p).deepCopy();
            extra.remove(List.of("canonical_solution", "task_id"));
            items.add(new VerificationItem(p.get("canonical_solution").asText(), "", extra));
        }
        return Optional.of(new ItemSet("code", "HumanEval canonical solutions", k -> items, CODE_DEFAULT_LIMIT));
    }

    /** A JSONL file in the {@code prime4j verify --input} format, grouped by verifier name. */
    public static List<ItemSet> jsonl(Path file) throws IOException {
        Map<String, List<VerificationItem>> byVerifier = new LinkedHashMap<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(file)) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw new IOException(file + ": line " + lineNo + ": not valid JSON: " + e.getOriginalMessage(), e);
            }
            if (!n.isObject()) {
                throw new IOException(file + ": line " + lineNo + ": not a JSON object");
            }
            String name = n.hasNonNull("verifier") ? n.get("verifier").asText() : n.path("ability").asText(null);
            if (name == null || !n.hasNonNull("response")) {
                throw new IOException(file + ": line " + lineNo + ": needs 'response' and 'verifier' (or 'ability')");
            }
            JsonNode gt = n.get("ground_truth");
            String truth = gt == null || gt.isNull() ? "" : gt.isTextual() ? gt.asText() : gt.toString();
            byVerifier.computeIfAbsent(name, k -> new ArrayList<>())
                    .add(new VerificationItem(n.get("response").asText(), truth, (ObjectNode) n));
        }
        List<ItemSet> out = new ArrayList<>();
        byVerifier.forEach((name, items) -> out.add(new ItemSet(name, file.getFileName().toString(), k -> items, 0)));
        return out;
    }

    private static List<JsonNode> read(Path file) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                rows.add(JSON.readTree(line));
            }
        }
        return rows;
    }
}
