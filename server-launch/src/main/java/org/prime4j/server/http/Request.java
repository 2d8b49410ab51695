package org.prime4j.server.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a route sees of a request: its body and its query parameters (a name may repeat, as in vLLM's
 * {@code /wake_up?tags=weights&tags=kv_cache}).
 */
public record Request(byte[] body, Map<String, List<String>> query) {

    public Request {
        query = Map.copyOf(query);
    }

    public static Request of(byte[] body) {
        return new Request(body, Map.of());
    }

    /** Every value of {@code name}, in order; empty when absent. */
    public List<String> all(String name) {
        return query.getOrDefault(name, List.of());
    }

    static Map<String, List<String>> parseQuery(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        out.replaceAll((k, v) -> List.copyOf(v));
        return out;
    }
}
