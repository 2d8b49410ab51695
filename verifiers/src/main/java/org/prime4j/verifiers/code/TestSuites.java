package org.prime4j.verifiers.code;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.prime4j.verifiers.VerificationItem;

/**
 * Reads an item's tests from wherever the dataset put them: {@code groundTruth} (Eurus-2-RL-Data's
 * {@code reward_model.ground_truth}, a JSON string of {@code {"inputs", "outputs", "fn_name"?}}) or the extra
 * fields ({@code inputs}/{@code outputs}/{@code fn_name}, {@code test_cases}, HumanEval's {@code test} +
 * {@code entry_point} + {@code prompt}, MBPP's {@code test_list} + {@code test_setup_code}).
 */
public final class TestSuites {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private TestSuites() {
    }

    /**
     * @param item     the item being verified
     * @param code     the program extracted from the response
     * @param maxTests only the first {@code maxTests} tests are kept
     * @throws BadTestSpecException naming the offending field
     */
    public static TestSuite from(VerificationItem item, String code, int maxTests) throws BadTestSpecException {
        Fields f = Fields.of(item);
        if (f.get("inputs") == null && f.get("outputs") == null && f.get("test_cases") != null) {
            f = f.nested("test_cases");
        }
        if (f.get("inputs") != null || f.get("outputs") != null) {
            return ioSuite(f, code, maxTests);
        }
        if (f.get("test") != null) {
            return humanEval(f, code);
        }
        if (f.get("test_list") != null) {
            return mbpp(f, code, maxTests);
        }
        throw new BadTestSpecException(item.groundTruth().isBlank() ? "ground_truth" : f.name("inputs"),
                "no tests: expected inputs/outputs (+ fn_name), test + entry_point, or test_list");
    }

    private static TestSuite ioSuite(Fields f, String code, int maxTests) throws BadTestSpecException {
        ArrayNode inputs = f.array("inputs");
        ArrayNode outputs = f.array("outputs");
        if (inputs.size() != outputs.size()) {
            throw new BadTestSpecException(f.name("outputs"),
                    outputs.size() + " outputs for " + inputs.size() + " inputs");
        }
        if (inputs.isEmpty()) {
            throw new BadTestSpecException(f.name("inputs"), "no test cases");
        }
        String fnName = f.text("fn_name", false);
        int n = Math.min(maxTests, inputs.size());
        List<JsonNode> tests = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ObjectNode t = NODES.objectNode();
            if (fnName.isBlank()) {
                t.set("input", textOrLines(inputs.get(i), f.name("inputs") + "[" + i + "]"));
                t.set("output", textOrLines(outputs.get(i), f.name("outputs") + "[" + i + "]"));
            } else if (inputs.get(i).isTextual()) {
                // LiveCodeBench layout: one JSON value per line and argument, the expected value JSON too
                t.set("args", jsonLines(inputs.get(i).asText(), f.name("inputs") + "[" + i + "]"));
                t.set("expected", jsonOrText(outputs.get(i)));
            } else {
                // APPS/TACO layout: the argument list itself
                JsonNode args = inputs.get(i);
                t.set("args", args.isArray() ? args : NODES.arrayNode().add(args));
                t.set("expected", outputs.get(i));
            }
            tests.add(t);
        }
        return new TestSuite(fnName.isBlank() ? TestKind.STDIO : TestKind.CALL, code, "", fnName, tests);
    }

    private static ArrayNode jsonLines(String text, String field) throws BadTestSpecException {
        ArrayNode args = NODES.arrayNode();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                args.add(JSON.readTree(line));
            } catch (JsonProcessingException e) {
                throw new BadTestSpecException(field, "a call's arguments must be JSON, one per line: " + line);
            }
        }
        return args;
    }

    private static JsonNode jsonOrText(JsonNode n) {
        if (!n.isTextual()) {
            return n;
        }
        try {
            return JSON.readTree(n.asText());
        } catch (JsonProcessingException e) {
            return n;
        }
    }

    private static JsonNode textOrLines(JsonNode n, String field) throws BadTestSpecException {
        if (n.isTextual()) {
            return n;
        }
        if (n.isArray()) {
            for (JsonNode line : n) {
                if (!line.isValueNode()) {
                    throw new BadTestSpecException(field, "expected a string or an array of lines");
                }
            }
            return n;
        }
        if (n.isNumber() || n.isBoolean()) {
            return NODES.textNode(n.asText());
        }
        throw new BadTestSpecException(field, "expected a string or an array of lines, got " + n.getNodeType());
    }

    /** A function at the top level of a response (a full function rather than a body continuation). */
    private static Pattern topLevelDef(String name) {
        return Pattern.compile("(?m)^(async\\s+)?def\\s+" + Pattern.quote(name) + "\\s*\\(");
    }

    private static TestSuite humanEval(Fields f, String code) throws BadTestSpecException {
        String test = f.text("test", true);
        String entryPoint = f.text("entry_point", true);
        if (!entryPoint.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new BadTestSpecException(f.name("entry_point"), "not a Python identifier: " + entryPoint);
        }
        String prompt = f.text("prompt", false);
        String program;
        if (prompt.isEmpty()) {
            program = code;
        } else if (topLevelDef(entryPoint).matcher(code).find()) {
            // a full function: keep the prompt first for its imports and helpers, the response redefines it
            program = prompt + "\n\n" + code;
        } else {
            program = prompt + code;
        }
        List<JsonNode> tests = List.of(NODES.textNode(test + "\n\ncheck(" + entryPoint + ")\n"));
        return new TestSuite(TestKind.ASSERT, program, "", "", tests);
    }

    private static TestSuite mbpp(Fields f, String code, int maxTests) throws BadTestSpecException {
        ArrayNode list = f.array("test_list");
        if (list.isEmpty()) {
            throw new BadTestSpecException(f.name("test_list"), "no test cases");
        }
        List<JsonNode> tests = new ArrayList<>();
        for (int i = 0; i < list.size() && tests.size() < maxTests; i++) {
            if (!list.get(i).isTextual()) {
                throw new BadTestSpecException(f.name("test_list") + "[" + i + "]", "expected a string");
            }
            tests.add(list.get(i));
        }
        StringBuilder setup = new StringBuilder();
        JsonNode imports = f.get("test_imports");
        if (imports != null) {
            if (!imports.isArray()) {
                throw new BadTestSpecException(f.name("test_imports"), "expected an array of strings");
            }
            imports.forEach(line -> setup.append(line.asText()).append('\n'));
        }
        setup.append(f.text("test_setup_code", false));
        return new TestSuite(TestKind.ASSERT, code, setup.toString(), "", tests);
    }

    /** Field lookup: the ground-truth object first, then the item's extra fields; remembers where it looked. */
    private record Fields(ObjectNode groundTruth, String prefix, ObjectNode extra) {

        static Fields of(VerificationItem item) throws BadTestSpecException {
            String gt = item.groundTruth().strip();
            ObjectNode parsed = null;
            if (!gt.isEmpty()) {
                try {
                    parsed = asObject(JSON.readTree(gt), "ground_truth");
                } catch (JsonProcessingException e) {
                    if (!hasTestFields(item.extra())) {
                        throw new BadTestSpecException("ground_truth", "not JSON: "
                                + e.getOriginalMessage().lines().findFirst().orElse(""));
                    }
                }
            }
            return new Fields(parsed, "ground_truth.", item.extra());
        }

        private static boolean hasTestFields(ObjectNode extra) {
            for (String name : List.of("inputs", "outputs", "test_cases", "test", "test_list")) {
                if (extra.hasNonNull(name)) {
                    return true;
                }
            }
            return false;
        }

        /** Datasets sometimes JSON-encode the object twice: accept a string holding the object. */
        private static ObjectNode asObject(JsonNode n, String field) throws BadTestSpecException {
            if (n.isTextual()) {
                try {
                    n = JSON.readTree(n.asText());
                } catch (JsonProcessingException e) {
                    throw new BadTestSpecException(field, "a string that is not a JSON object");
                }
            }
            if (!n.isObject()) {
                throw new BadTestSpecException(field, "expected a JSON object, got " + n.getNodeType());
            }
            return (ObjectNode) n;
        }

        Fields nested(String name) throws BadTestSpecException {
            String field = name(name);
            ObjectNode inner = asObject(get(name), field);
            return new Fields(inner, field + ".", NODES.objectNode());
        }

        JsonNode get(String name) {
            if (groundTruth != null && groundTruth.hasNonNull(name)) {
                return groundTruth.get(name);
            }
            return extra.hasNonNull(name) ? extra.get(name) : null;
        }

        /** Where a field was found or, when missing, where it was expected. */
        String name(String name) {
            boolean inExtra = !(groundTruth != null && groundTruth.hasNonNull(name)) && extra.hasNonNull(name);
            return groundTruth != null && !inExtra ? prefix + name : name;
        }

        ArrayNode array(String name) throws BadTestSpecException {
            JsonNode n = get(name);
            if (n == null) {
                throw new BadTestSpecException(name(name), "missing");
            }
            if (!n.isArray()) {
                throw new BadTestSpecException(name(name), "expected an array, got " + n.getNodeType());
            }
            return (ArrayNode) n;
        }

        String text(String name, boolean required) throws BadTestSpecException {
            JsonNode n = get(name);
            if (n == null) {
                if (required) {
                    throw new BadTestSpecException(name(name), "missing");
                }
                return "";
            }
            if (!n.isTextual()) {
                throw new BadTestSpecException(name(name), "expected a string, got " + n.getNodeType());
            }
            return n.asText();
        }
    }
}
