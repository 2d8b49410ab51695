package org.prime4j.orchestrator.eval;

import java.util.List;

/**
 * Accuracy with its counts. {@code correct + wrong + unanswered == total}, where unanswered means the verifier
 * found no final answer and wrong means it found a different one (or scored below 1).
 *
 * @param passAtK   for sampled evaluation with k > 1: items with at least one fully correct sample; else -1
 * @param samples   per item, the first response and its verdict (for reports)
 */
public record EvalResult(int total, int correct, int wrong, int unanswered, int passAtK, int k,
                         List<Scored> samples) {

    /** One item's first response. */
    public record Scored(int line, String response, double score, String reason) {}

    public EvalResult {
        if (correct + wrong + unanswered != total) {
            throw new IllegalStateException("counts do not add up: " + correct + " + " + wrong + " + " + unanswered
                    + " != " + total);
        }
        samples = List.copyOf(samples);
    }

    public double accuracy() {
        return total == 0 ? 0 : (double) correct / total;
    }

    public String summary() {
        String s = String.format(java.util.Locale.ROOT, "accuracy %.4f (%d/%d correct, %d wrong, %d without answer)",
                accuracy(), correct, total, wrong, unanswered);
        if (passAtK >= 0) {
            s += String.format(java.util.Locale.ROOT, "; pass@%d %.4f (%d/%d)", k, (double) passAtK / total, passAtK,
                    total);
        }
        return s;
    }
}
