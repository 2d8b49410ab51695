package org.prime4j.orchestrator.eval;

import java.util.List;

/**
 * One evaluation item with its k responses, their verdicts and the majority vote.
 *
 * @param id       the item's id ({@code unique_id}, {@code id} or {@code task_id}), else its {@code file:line}
 * @param subject  MATH's subject, or null
 * @param level    MATH's level, or null
 * @param answers  the final answer extracted from each response (math items), null where none was found
 * @param votes    the vote key of each answer: the answer after the math verifier's normalisation, so equal
 *                 answers written differently count as one; null where no answer votes
 * @param majority index of the first response of the winning vote, -1 when no response has an answer
 */
public record ItemResult(String id, String subject, String level, List<String> responses, double[] scores,
                         List<String> reasons, List<Boolean> truncated, List<String> answers, List<String> votes,
                         int majority) {

    public ItemResult {
        responses = List.copyOf(responses);
        reasons = List.copyOf(reasons);
        truncated = List.copyOf(truncated);
        answers = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(answers));
        votes = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(votes));
        if (scores.length != responses.size() || reasons.size() != responses.size()
                || answers.size() != responses.size() || votes.size() != responses.size()) {
            throw new IllegalArgumentException(id + ": one score, reason, answer and vote per response");
        }
    }

    public int k() {
        return responses.size();
    }

    /** Responses scored fully correct (score 1). */
    public int correct() {
        int c = 0;
        for (double s : scores) {
            c += s >= 1.0 ? 1 : 0;
        }
        return c;
    }

    /** The fraction of correct responses. */
    public double passAt1() {
        return (double) correct() / k();
    }

    /** The unbiased pass@k estimate with n = k: 1 when any response is correct. */
    public double passAtK() {
        return SampleStats.passAtK(k(), correct(), k());
    }

    /** Whether the majority answer is correct (false when no response has an answer). */
    public boolean majorityCorrect() {
        return majority >= 0 && scores[majority] >= 1.0;
    }
}
