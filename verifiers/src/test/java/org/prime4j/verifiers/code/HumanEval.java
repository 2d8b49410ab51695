package org.prime4j.verifiers.code;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.prime4j.testkit.RepoFiles;
import java.util.ArrayList;
import java.util.List;
import org.prime4j.verifiers.VerificationItem;

/** The HumanEval problems from the repository's benchmark data, as verification items. */
final class HumanEval {

    private HumanEval() {
    }

    /** {@code data/bench/HumanEval.jsonl}, shipped with the repository. */
    static Path file() {
        return RepoFiles.bench("HumanEval.jsonl");
    }

    static List<JsonNode> problems(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                out.add(json.readTree(line));
            }
        }
        return out;
    }

    /** An item whose response is {@code completion}, scored with the problem's own test and entry point. */
    static VerificationItem item(JsonNode problem, String completion) {
        ObjectNode extra = ((ObjectNode) problem).deepCopy();
        extra.remove(List.of("canonical_solution", "task_id"));
        return new VerificationItem(completion, "", extra);
    }

    /** The canonical solution with every {@code return} statement replaced by {@code pass}. */
    static String withoutReturns(String solution) {
        StringBuilder out = new StringBuilder();
        for (String line : solution.split("\n", -1)) {
            String stripped = line.stripLeading();
            if (stripped.matches("return\\b.*")) {
                out.append(line, 0, line.length() - stripped.length()).append("pass");
            } else {
                out.append(line);
            }
            out.append('\n');
        }
        return out.toString();
    }
}
