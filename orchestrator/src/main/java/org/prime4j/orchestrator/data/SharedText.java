package org.prime4j.orchestrator.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * One instance of each distinct string value within one file's read: datasets repeat the same system prompt,
 * ability, style, split and data source on every line (Eurus-2's system prompt alone is ~1,300 characters a
 * row), and a held item keeps its whole line. Sharing them cuts the heap of a 1M-row file by about a third
 * (BENCHMARKS.md "parquet"). The table lives only while the file is read.
 */
final class SharedText {

    private final Map<String, TextNode> seen = new HashMap<>();

    /** Replaces each string value in the tree by the first equal one seen. */
    void share(JsonNode node) {
        if (node instanceof ObjectNode obj) {
            for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue() instanceof TextNode t) {
                    e.setValue(canonical(t));
                } else {
                    share(e.getValue());
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i) instanceof TextNode t) {
                    array.set(i, canonical(t));
                } else {
                    share(array.get(i));
                }
            }
        }
    }

    private TextNode canonical(TextNode t) {
        TextNode first = seen.putIfAbsent(t.textValue(), t);
        return first == null ? t : first;
    }
}
