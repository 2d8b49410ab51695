package org.prime4j.orchestrator.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The figures of one sampled evaluation: pass@1 (mean over all samples), pass@k (unbiased estimator, n = k),
 * maj@k (the majority answer is correct), overall and per MATH subject and level when items carry them.
 *
 * @param settings what was run (name, value), written into the summary as given
 */
public record EvalReport(Map<String, Object> settings, List<ItemResult> items) {

    /** The figures of a group of items. */
    public record Figures(String group, int items, double passAt1, double passAtK, double majAtK) {}

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public EvalReport {
        settings = new LinkedHashMap<>(settings);
        items = List.copyOf(items);
    }

    public int k() {
        return items.isEmpty() ? 0 : items.get(0).k();
    }

    public Figures overall() {
        return figures("all", items);
    }

    static Figures figures(String group, List<ItemResult> items) {
        double p1 = 0;
        double pk = 0;
        double maj = 0;
        for (ItemResult r : items) {
            p1 += r.passAt1();
            pk += r.passAtK();
            maj += r.majorityCorrect() ? 1 : 0;
        }
        int n = Math.max(1, items.size());
        return new Figures(group, items.size(), p1 / n, pk / n, maj / n);
    }

    /** Per value of a field (subject, level), sorted by value (numbers numerically); empty if no item has it. */
    public List<Figures> by(Function<ItemResult, String> field) {
        Map<String, List<ItemResult>> groups = new LinkedHashMap<>();
        for (ItemResult r : items) {
            String v = field.apply(r);
            if (v != null) {
                groups.computeIfAbsent(v, x -> new ArrayList<>()).add(r);
            }
        }
        List<Figures> out = new ArrayList<>();
        groups.forEach((g, rs) -> out.add(figures(g, rs)));
        out.sort(Comparator.comparing((Figures f) -> f.group().matches("\\d+") ? f.group().length() : Integer.MAX_VALUE)
                .thenComparing(Figures::group));
        return out;
    }

    /** One line: {@code pass@1 0.4500  pass@4 0.7500  maj@4 0.5000  (20 items x 4 samples)}. */
    public String oneLine() {
        Figures f = overall();
        if (k() == 1) {
            long correct = items.stream().filter(r -> r.correct() == 1).count();
            return String.format(Locale.ROOT, "pass@1 %.4f  (%d/%d items, 1 sample each)", f.passAt1(), correct,
                    f.items());
        }
        return String.format(Locale.ROOT, "pass@1 %.4f  pass@%d %.4f  maj@%d %.4f  (%d items x %d samples)",
                f.passAt1(), k(), f.passAtK(), k(), f.majAtK(), f.items(), k());
    }

    public ObjectNode summaryJson() {
        ObjectNode o = JSON.createObjectNode();
        o.set("settings", JSON.valueToTree(settings));
        o.put("items", items.size()).put("k", k());
        Figures f = overall();
        o.put("pass@1", f.passAt1()).put("pass@" + k(), f.passAtK()).put("maj@" + k(), f.majAtK());
        long truncated = items.stream().flatMap(r -> r.truncated().stream()).filter(t -> t).count();
        long unanswered = items.stream().flatMap(r -> r.answers().stream()).filter(a -> a == null).count();
        o.put("truncated_responses", truncated).put("responses_without_answer", unanswered);
        o.set("by_subject", table(by(ItemResult::subject)));
        o.set("by_level", table(by(ItemResult::level)));
        return o;
    }

    private ArrayNode table(List<Figures> rows) {
        ArrayNode a = JSON.createArrayNode();
        for (Figures f : rows) {
            a.addObject().put("group", f.group()).put("items", f.items()).put("pass@1", f.passAt1())
                    .put("pass@" + k(), f.passAtK()).put("maj@" + k(), f.majAtK());
        }
        return a;
    }

    public String summaryMarkdown() {
        StringBuilder sb = new StringBuilder("# Evaluation\n\n");
        settings.forEach((key, v) -> sb.append("- ").append(key).append(": ").append(v).append('\n'));
        sb.append('\n');
        sb.append(markdownTable("", List.of(overall())));
        List<Figures> subjects = by(ItemResult::subject);
        if (!subjects.isEmpty()) {
            sb.append("\n## By subject\n\n").append(markdownTable("subject", subjects));
        }
        List<Figures> levels = by(ItemResult::level);
        if (!levels.isEmpty()) {
            sb.append("\n## By level\n\n").append(markdownTable("level", levels));
        }
        return sb.toString();
    }

    private String markdownTable(String what, List<Figures> rows) {
        int k = k();
        StringBuilder sb = new StringBuilder();
        sb.append("| ").append(what).append(" | items | pass@1 | pass@").append(k).append(" | maj@").append(k)
                .append(" |\n|---|---:|---:|---:|---:|\n");
        for (Figures f : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.4f | %.4f | %.4f |%n", f.group(), f.items(),
                    f.passAt1(), f.passAtK(), f.majAtK()));
        }
        return sb.toString();
    }

    /** One JSON object per item: id, responses, scores, reasons, extracted answers, votes and the figures. */
    public static ObjectNode itemJson(ItemResult r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", r.id());
        if (r.subject() != null) {
            o.put("subject", r.subject());
        }
        if (r.level() != null) {
            o.put("level", r.level());
        }
        ArrayNode responses = o.putArray("responses");
        r.responses().forEach(responses::add);
        ArrayNode scores = o.putArray("scores");
        for (double s : r.scores()) {
            scores.add(s);
        }
        ArrayNode reasons = o.putArray("reasons");
        r.reasons().forEach(reasons::add);
        ArrayNode truncated = o.putArray("truncated");
        r.truncated().forEach(truncated::add);
        ArrayNode answers = o.putArray("answers");
        r.answers().forEach(answers::add);
        ArrayNode votes = o.putArray("votes");
        r.votes().forEach(votes::add);
        o.put("majority_answer", r.majority() < 0 ? null : r.answers().get(r.majority()));
        o.put("majority_correct", r.majorityCorrect());
        o.put("correct", r.correct()).put("pass@1", r.passAt1()).put("pass@" + r.k(), r.passAtK());
        return o;
    }

    /** Writes {@code items.jsonl}, {@code summary.json} and {@code summary.md} into {@code dir}. */
    public void writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        ObjectMapper compact = new ObjectMapper();
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("items.jsonl"), StandardCharsets.UTF_8)) {
            for (ItemResult r : items) {
                w.write(compact.writeValueAsString(itemJson(r)));
                w.write('\n');
            }
        }
        Files.writeString(dir.resolve("summary.json"), JSON.writeValueAsString(summaryJson()) + "\n");
        Files.writeString(dir.resolve("summary.md"), summaryMarkdown());
    }
}
