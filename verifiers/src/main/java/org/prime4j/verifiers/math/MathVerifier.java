package org.prime4j.verifiers.math;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.prime4j.verifiers.Verification;
import org.prime4j.verifiers.VerificationItem;
import org.prime4j.verifiers.Verifier;

/**
 * PRIME's math outcome reward: 1 when the response's final answer equals the ground truth, else 0.
 * The ground truth goes through the response's extraction, so it may be plain ({@code \frac{1}{2}}), wrapped
 * in {@code $...$}, a sentence ("The largest $n$ is 34."), or a solution with {@code \boxed{}} answers. Boxes
 * side by side on either side form one answer list; when that list does not match, the last box alone is
 * tried, as before. {@link #explain} shows the working.
 */
public final class MathVerifier implements Verifier {

    public static final String NAME = "math";
    /** The default limit of one computer-algebra evaluation. */
    public static final Duration DEFAULT_CAS_LIMIT = Duration.ofSeconds(2);
    private static final int MAX_SHOWN = 80;

    private final MathEquivalence equivalence;

    /** For {@link java.util.ServiceLoader}. */
    public MathVerifier() {
        this(DEFAULT_CAS_LIMIT);
    }

    public MathVerifier(Duration casLimit) {
        this.equivalence = new MathEquivalence(casLimit);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Verification verify(VerificationItem item) {
        return explain(item).verification();
    }

    /**
     * Scores like {@link #verify} and says how: the answers taken from both sides, their normalized forms,
     * and the rule that decided.
     */
    public Explanation explain(VerificationItem item) {
        List<String> golds = goldAnswers(item.groundTruth());
        if (golds.isEmpty()) {
            return new Explanation("", "", "", "", "empty ground truth", Verification.wrong("error: empty ground truth"));
        }
        List<String> answers = responseAnswers(item.response());
        if (answers.isEmpty()) {
            String g = golds.get(0);
            return new Explanation(g, "", AnswerNormalizer.normalize(g), "", "no answer found",
                    Verification.wrong("no answer found"));
        }
        MathEquivalence.Decision first = null;
        for (int i = 0; i < answers.size(); i++) {
            String answer = answers.get(i);
            for (int j = 0; j < golds.size(); j++) {
                String gold = golds.get(j);
                boolean answerIsList = i == 0 && answers.size() > 1;
                boolean goldIsList = j == 0 && golds.size() > 1;
                if (answerIsList != goldIsList && !isCollection(answerIsList ? gold : answer)) {
                    continue; // several boxes against one value: only the last box can match it
                }
                MathEquivalence.Decision d = equivalence.decide(answer, gold);
                if (d.how().isPresent()) {
                    return new Explanation(gold, answer, d.gold(), d.predicted(), d.how().get(),
                            Verification.correct("correct (" + d.how().get() + ")"));
                }
                if (first == null) {
                    first = d;
                }
            }
        }
        if (first == null) {
            first = equivalence.decide(answers.get(0), golds.get(0));
        }
        String answer = answers.get(0);
        return new Explanation(golds.get(0), answer, first.gold(), first.predicted(), "no rule found them equal",
                Verification.wrong("wrong answer: " + shown(answer) + " != " + shown(goldAnswer(item.groundTruth()))));
    }

    /** Whether an answer is written as several values (a list, set, tuple, interval or {@code \\pm}). */
    private static boolean isCollection(String answer) {
        return AnswerGroup.parse(AnswerNormalizer.normalize(answer)).isPresent();
    }

    /** Loads the computer-algebra system (about a second, more on a busy machine) ahead of the first item. */
    @Override
    public void warmUp() {
        equivalence.match("x^2", "x \\cdot x");
    }

    /** The reference answer as shown in a reason: the boxed part of a worked solution, else the text itself. */
    static String goldAnswer(String groundTruth) {
        return AnswerExtractor.boxed(groundTruth).orElse(groundTruth).strip();
    }

    /**
     * The readings of the ground truth, most complete first. It goes through the response's extraction:
     * several boxes side by side are one answer list; a sentence or a worked solution gives its boxed or
     * final answer; anything else is the answer as written.
     */
    static List<String> goldAnswers(String groundTruth) {
        if (groundTruth == null || groundTruth.isBlank()) {
            return List.of();
        }
        if (AnswerExtractor.boxed(groundTruth).isPresent() || AnswerExtractor.isProse(groundTruth)) {
            List<String> found = responseAnswers(groundTruth);
            if (!found.isEmpty()) {
                return found;
            }
        }
        return List.of(groundTruth.strip());
    }

    /**
     * The readings of a response: the boxes that close it taken together when there are several
     * ({@code \\boxed{1}, \\boxed{2}}), then the single answer the extractor finds (the last box, ...).
     */
    static List<String> responseAnswers(String response) {
        Optional<String> single = AnswerExtractor.extract(response);
        List<String> group = response == null ? List.of() : AnswerExtractor.boxedGroup(response);
        List<String> out = new ArrayList<>(2);
        if (group.size() > 1) {
            List<String> distinct = new ArrayList<>(new LinkedHashSet<>(group.stream().map(String::strip).toList()));
            out.add(String.join(", ", distinct));
        }
        single.filter(a -> !out.contains(a)).ifPresent(out::add);
        return out;
    }

    private static String shown(String s) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() <= MAX_SHOWN ? one : one.substring(0, MAX_SHOWN) + "...";
    }
}
