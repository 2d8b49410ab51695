package org.prime4j.verifiers.math;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.prime4j.verifiers.Verification;
import org.prime4j.verifiers.VerificationItem;

class MathVerifierTest {

    private final MathVerifier verifier = new MathVerifier();

    private Verification verify(String response, String gold) {
        return verifier.verify(VerificationItem.of(response, gold));
    }

    @Test
    void aCorrectBoxedAnswerScoresOneAndSaysHow() {
        assertThat(verify("Thus $x = \\boxed{\\dfrac{1}{2}}$.", "\\frac{1}{2}")).isEqualTo(Verification.correct("correct (string)"));
        assertThat(verify("The final answer is $0.5$. I hope it is correct.", "$\\frac{1}{2}$").score()).isEqualTo(1.0);
    }

    @Test
    void aWrongAnswerScoresZeroAndShowsBothSides() {
        assertThat(verify("so \\boxed{7}", "8")).isEqualTo(Verification.wrong("wrong answer: 7 != 8"));
    }

    @Test
    void noAnswerIsSaid() {
        assertThat(verify("I am not sure how to approach this problem, so let me think about it more carefully later.", "8"))
                .isEqualTo(Verification.wrong("no answer found"));
    }

    @Test
    void aGroundTruthThatIsAWorkedSolutionUsesItsBoxedAnswer() {
        assertThat(verify("\\boxed{12}", "We add: $5 + 7 = \\boxed{12}$.").score()).isEqualTo(1.0);
    }

    @Test
    void anEmptyGroundTruthIsAnError() {
        assertThat(verify("\\boxed{12}", " ").reason()).startsWith("error:");
    }

    @Test
    void itRegistersAsMath() {
        assertThat(verifier.name()).isEqualTo("math");
    }
}
