package org.prime4j.verifiers.math;

import java.time.Duration;
import java.util.Optional;
import org.prime4j.verifiers.Verification;
import org.prime4j.verifiers.VerificationItem;
import org.prime4j.verifiers.Verifier;

/**
 * PRIME's math outcome reward: 1 when the response's final answer equals the ground truth, else 0.
 * The ground truth may be plain ({@code \frac{1}{2}}), wrapped in {@code $...$}, or a solution with a
 * {@code \boxed{}} answer.
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
        String gold = goldAnswer(item.groundTruth());
        if (gold.isBlank()) {
            return Verification.wrong("error: empty ground truth");
        }
        Optional<String> answer = AnswerExtractor.extract(item.response());
        if (answer.isEmpty()) {
            return Verification.wrong("no answer found");
        }
        return equivalence.match(answer.get(), gold)
                .map(how -> Verification.correct("correct (" + how + ")"))
                .orElseGet(() -> Verification.wrong("wrong answer: " + shown(answer.get()) + " != " + shown(gold)));
    }

    /** Loads the computer-algebra system (about a second, more on a busy machine) ahead of the first item. */
    @Override
    public void warmUp() {
        equivalence.match("x^2", "x \\cdot x");
    }

    /** The reference answer: the boxed part of a worked solution, else the text itself. */
    static String goldAnswer(String groundTruth) {
        return AnswerExtractor.boxed(groundTruth).orElse(groundTruth).strip();
    }

    private static String shown(String s) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() <= MAX_SHOWN ? one : one.substring(0, MAX_SHOWN) + "...";
    }
}
