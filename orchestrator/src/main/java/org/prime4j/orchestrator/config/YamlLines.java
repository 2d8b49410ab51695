package org.prime4j.orchestrator.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * The line of every key and list element of a YAML document by dotted path ({@code rollout.k},
 * {@code servers.policy.base_urls[1]}), read with the streaming parser so that errors found after binding
 * (validation in the records) can still name their line.
 */
final class YamlLines {

    private final Map<String, Integer> lines;
    private final Duplicate duplicate;

    /** A key given twice in one mapping: YAML parsers keep the last silently, which hides a typo'd edit. */
    record Duplicate(String path, int firstLine, int secondLine) {}

    private YamlLines(Map<String, Integer> lines, Duplicate duplicate) {
        this.lines = lines;
        this.duplicate = duplicate;
    }

    static YamlLines of(String yaml) {
        Map<String, Integer> lines = new HashMap<>();
        Duplicate duplicate = null;
        try (JsonParser p = new YAMLFactory().createParser(yaml)) {
            Deque<String> path = new ArrayDeque<>();
            Deque<int[]> arrayIndex = new ArrayDeque<>();
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                String parent = path.isEmpty() ? "" : path.peek();
                switch (t) {
                    case FIELD_NAME -> {
                        String key = parent.isEmpty() ? p.currentName() : parent + "." + p.currentName();
                        int line = p.currentTokenLocation().getLineNr();
                        Integer first = lines.putIfAbsent(key, line);
                        if (first != null && duplicate == null) {
                            duplicate = new Duplicate(key, first, line);
                        }
                        // The value's path replaces the last field name on the next value token.
                        path.push(key);
                        arrayIndex.push(new int[] {-2});
                    }
                    case START_OBJECT, START_ARRAY -> {
                        String self = elementPath(path, arrayIndex, p, lines);
                        path.push(self);
                        arrayIndex.push(new int[] {t == JsonToken.START_ARRAY ? 0 : -1});
                    }
                    case END_OBJECT, END_ARRAY -> {
                        path.pop();
                        arrayIndex.pop();
                        popField(path, arrayIndex);
                    }
                    default -> {
                        elementPath(path, arrayIndex, p, lines);
                        popField(path, arrayIndex);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // Syntax errors are reported by the binder with their own location.
        }
        return new YamlLines(lines, duplicate);
    }

    /** The first key given twice in the same mapping, or null. */
    Duplicate duplicate() {
        return duplicate;
    }

    /** The path of a value token; an array element gets its index and its own line. */
    private static String elementPath(Deque<String> path, Deque<int[]> arrayIndex, JsonParser p,
            Map<String, Integer> lines) {
        if (path.isEmpty()) {
            return "";
        }
        int[] idx = arrayIndex.peek();
        if (idx[0] >= 0) {
            String self = path.peek() + "[" + idx[0]++ + "]";
            lines.putIfAbsent(self, p.currentTokenLocation().getLineNr());
            return self;
        }
        return path.peek();
    }

    /** After a field's value is complete, drop the field marker. */
    private static void popField(Deque<String> path, Deque<int[]> arrayIndex) {
        if (!arrayIndex.isEmpty() && arrayIndex.peek()[0] == -2) {
            path.pop();
            arrayIndex.pop();
        }
    }

    /** The line of {@code path}, else of its nearest enclosing key, else 0. */
    int lineOf(String path) {
        String p = path;
        while (!p.isEmpty()) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut < 0 ? "" : p.substring(0, cut);
        }
        return 0;
    }

    /** Whether the exact path appears in the document. */
    boolean has(String path) {
        return lines.containsKey(path);
    }
}
