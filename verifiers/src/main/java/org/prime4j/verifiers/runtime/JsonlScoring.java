package org.prime4j.verifiers.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.prime4j.verifiers.Verification;
import org.prime4j.verifiers.VerificationItem;
import org.prime4j.verifiers.Verifier;
import org.prime4j.verifiers.VerifierRegistry;

/**
 * Scores a JSONL file line by line: each line holds {@code response}, {@code ground_truth} (or
 * {@code reward_model.ground_truth}) and {@code verifier} (or {@code ability}), plus whatever extra fields
 * its verifier reads. Each line is written back, in input order, with {@code score} and {@code reason}
 * added, and flushed as soon as it and every line before it are done, so a killed run loses nothing it
 * already wrote. A bad line (not JSON, no response, unknown verifier) is written back with score 0 and a
 * reason naming the line and the problem, and the run goes on; blank lines are skipped.
 */
public final class JsonlScoring {

    /** What a run did: lines written, of which errors (bad lines or failing verifiers) and timeouts. */
    public record Summary(long lines, long errors, long timeouts, double scoreSum) {
        public double meanScore() {
            return lines == 0 ? 0.0 : scoreSum / lines;
        }
    }

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final VerifierRegistry registry;
    private final VerificationPool pool;
    private final String defaultVerifier;
    private final int window;
    private final Map<String, String> unavailable = new HashMap<>();

    /**
     * @param defaultVerifier used for lines naming no verifier (may be null: such lines are errors)
     * @param window          how many lines may be in flight at once (bounds memory on big files)
     */
    public JsonlScoring(VerifierRegistry registry, VerificationPool pool, String defaultVerifier, int window) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.pool = Objects.requireNonNull(pool, "pool");
        this.defaultVerifier = defaultVerifier;
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1, got " + window);
        }
        this.window = window;
    }

    /**
     * @param lineErrors told about each bad line ("line 7: ..."), e.g. to print on stderr
     * @param progress   told after each written line
     */
    public Summary score(BufferedReader in, Writer out, Consumer<String> lineErrors, Runnable progress)
            throws IOException {
        Deque<Pending> inFlight = new ArrayDeque<>();
        long[] counts = new long[3]; // lines, errors, timeouts
        double[] sum = new double[1];
        long lineNo = 0;
        String line;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            inFlight.add(start(lineNo, line));
            while (inFlight.size() >= window) {
                write(inFlight.poll(), out, lineErrors, progress, counts, sum);
            }
        }
        while (!inFlight.isEmpty()) {
            write(inFlight.poll(), out, lineErrors, progress, counts, sum);
        }
        return new Summary(counts[0], counts[1], counts[2], sum[0]);
    }

    private record Pending(long lineNo, ObjectNode node, CompletableFuture<Verification> result, boolean bad) {}

    private Pending start(long lineNo, String line) {
        JsonNode parsed;
        try {
            parsed = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            return bad(lineNo, raw(line), "not valid JSON: " + shortJsonError(e) + " at column " + e.getLocation().getColumnNr());
        }
        if (!(parsed instanceof ObjectNode node)) {
            return bad(lineNo, raw(line), "not a JSON object");
        }
        JsonNode response = node.get("response");
        if (response == null || !response.isTextual()) {
            return bad(lineNo, node, "missing text field 'response'");
        }
        String name = text(node, "verifier");
        if (name == null) {
            name = text(node, "ability");
        }
        if (name == null) {
            name = defaultVerifier;
        }
        if (name == null) {
            return bad(lineNo, node, "no 'verifier' or 'ability' field (and no default verifier given)");
        }
        Verifier verifier = registry.find(name).orElse(null);
        if (verifier == null) {
            return bad(lineNo, node, "unknown verifier '" + name + "' (known: " + String.join(", ", registry.names()) + ")");
        }
        String down = ready(verifier);
        if (down != null) {
            return bad(lineNo, node, "verifier '" + name + "' is unavailable: " + down);
        }
        VerificationItem item = new VerificationItem(response.asText(), groundTruth(node), node.deepCopy());
        return new Pending(lineNo, node, pool.submit(verifier, item), false);
    }

    /** Warms a verifier up the first time a line selects it; null when it works, else why not. */
    private String ready(Verifier verifier) {
        return unavailable.computeIfAbsent(verifier.name(), n -> {
            try {
                verifier.warmUp();
                return "";
            } catch (Exception e) {
                return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            }
        }).transform(s -> s.isEmpty() ? null : s);
    }

    /** Jackson's message without its source excerpt and internal hints. */
    private static String shortJsonError(JsonProcessingException e) {
        String m = String.valueOf(e.getOriginalMessage());
        int cut = m.indexOf(" (start marker");
        m = cut >= 0 ? m.substring(0, cut) : m;
        int nl = m.indexOf('\n');
        return nl >= 0 ? m.substring(0, nl) : m;
    }

    private static String groundTruth(ObjectNode node) {
        JsonNode gt = node.get("ground_truth");
        if (gt == null || gt.isNull()) {
            JsonNode rm = node.get("reward_model");
            gt = rm == null ? null : rm.get("ground_truth");
        }
        if (gt == null || gt.isNull()) {
            return "";
        }
        return gt.isTextual() ? gt.asText() : gt.toString();
    }

    private static String text(ObjectNode node, String field) {
        JsonNode n = node.get(field);
        return n != null && n.isTextual() && !n.asText().isBlank() ? n.asText() : null;
    }

    private static ObjectNode raw(String line) {
        ObjectNode n = JSON.createObjectNode();
        n.put("raw", line);
        return n;
    }

    private static Pending bad(long lineNo, ObjectNode node, String why) {
        return new Pending(lineNo, node,
                CompletableFuture.completedFuture(Verification.wrong("error: line " + lineNo + ": " + why)), true);
    }

    private static void write(Pending p, Writer out, Consumer<String> lineErrors, Runnable progress, long[] counts,
            double[] sum) throws IOException {
        Verification v = p.result().join();
        if (p.bad()) {
            lineErrors.accept(v.reason().substring("error: ".length()));
        }
        if (v.reason().startsWith("error:")) {
            counts[1]++;
        } else if (VerificationPool.TIMEOUT.equals(v.reason())) {
            counts[2]++;
        }
        counts[0]++;
        sum[0] += v.score();
        p.node().put("score", v.score());
        p.node().put("reason", v.reason());
        out.write(JSON.writeValueAsString(p.node()));
        out.write('\n');
        out.flush();
        progress.run();
    }
}
