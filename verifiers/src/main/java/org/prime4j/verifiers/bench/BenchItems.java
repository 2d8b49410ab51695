package org.prime4j.verifiers.bench;

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
import org.prime4j.verifiers.VerificationItem;

/** The fixed item sets the verifier benchmark runs, one per verifier name. */
public final class BenchItems {

    /** Items for one verifier, with a line saying what they are. */
    public record ItemSet(String verifier, String description, List<VerificationItem> items) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private BenchItems() {}

    /**
     * MATH-500 for {@code math}: every solution against its own answer (correct) and against the next
     * problem's answer (almost always wrong, which sends many items down the numeric and CAS paths).
     */
    public static Optional<ItemSet> math(Path benchDir) throws IOException {
        Path file = benchDir.resolve("math500_test.jsonl");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        List<JsonNode> rows = read(file);
        List<VerificationItem> items = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            String solution = rows.get(i).get("solution").asText();
            items.add(VerificationItem.of(solution, rows.get(i).get("answer").asText()));
            items.add(VerificationItem.of(solution, rows.get((i + 1) % rows.size()).get("answer").asText()));
        }
        return Optional.of(new ItemSet("math", "MATH-500 solutions vs own answer and vs next problem's answer", items));
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
        return Optional.of(new ItemSet("code", "HumanEval canonical solutions", items));
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
            JsonNode n = JSON.readTree(line);
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
        byVerifier.forEach((name, items) -> out.add(new ItemSet(name, file.getFileName().toString(), items)));
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
