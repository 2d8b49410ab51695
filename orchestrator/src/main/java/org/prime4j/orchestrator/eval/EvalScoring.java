package org.prime4j.orchestrator.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.time.Duration;
import com.fasterxml.jackson.databind.JsonNode;
import org.prime4j.orchestrator.data.PromptItem;
import org.prime4j.orchestrator.loop.OutcomeScorer;
import org.prime4j.verifiers.Verification;
import org.prime4j.verifiers.VerifierRegistry;
import org.prime4j.verifiers.math.AnswerExtractor;
import org.prime4j.verifiers.math.AnswerNormalizer;
import org.prime4j.verifiers.math.MathVerifier;

/**
 * Scores the responses of evaluation items: each by its item's verifier (chosen by ability), in parallel with a
 * deadline per response; math responses also get their extracted final answer and its vote key.
 */
public final class EvalScoring implements AutoCloseable {

    private final OutcomeScorer scorer;

    public EvalScoring(VerifierRegistry verifiers, int parallelism, Duration deadline) {
        this.scorer = new OutcomeScorer(verifiers, List.of(), Math.max(1, parallelism), deadline);
    }

    /** Checks that every ability has a verifier and warms each one up, before any sampling. */
    public void prepare(List<PromptItem> items) {
        scorer.prepare(items);
    }

    /**
     * @param responses per item, its responses
     * @param truncated per item, whether each response hit the token budget
     */
    public List<ItemResult> score(List<PromptItem> items, List<List<String>> responses, List<List<Boolean>> truncated) {
        List<List<CompletableFuture<Verification>>> verdicts = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            verdicts.add(scorer.submit(items.get(i), responses.get(i)));
        }
        List<ItemResult> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            PromptItem item = items.get(i);
            boolean math = MathVerifier.NAME.equals(item.ability());
            List<String> rs = responses.get(i);
            double[] scores = new double[rs.size()];
            List<String> reasons = new ArrayList<>();
            List<String> answers = new ArrayList<>();
            List<String> votes = new ArrayList<>();
            for (int s = 0; s < rs.size(); s++) {
                Verification v = verdicts.get(i).get(s).join();
                scores[s] = v.score();
                reasons.add(v.reason());
                Optional<String> a = math ? AnswerExtractor.extract(rs.get(s)) : Optional.empty();
                answers.add(a.orElse(null));
                votes.add(a.map(EvalScoring::voteKey).orElse(null));
            }
            out.add(new ItemResult(id(item), field(item, "subject"), field(item, "level"), rs, scores, reasons,
                    truncated.get(i), answers, votes, SampleStats.majority(votes)));
        }
        return out;
    }

    /** Answers that the math verifier's normalisation makes equal share a key. */
    public static String voteKey(String answer) {
        return AnswerNormalizer.compact(AnswerNormalizer.normalize(answer));
    }

    private static String id(PromptItem item) {
        for (String f : List.of("unique_id", "id", "task_id")) {
            String v = field(item, f);
            if (v != null) {
                return v;
            }
        }
        return item.source();
    }

    private static String field(PromptItem item, String name) {
        JsonNode n = item.extra() == null ? null : item.extra().get(name);
        return n == null || n.isNull() || n.isContainerNode() ? null : n.asText();
    }

    @Override
    public void close() {
        scorer.close();
    }
}
