package org.prime4j.verifiers.math;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.prime4j.verifiers.VerificationItem;

/**
 * The kinds of answer the math verifier must read like a human grader, each with right and wrong
 * variants: a wrong answer must never pass because the parsing got looser.
 */
class AnswerKindsTest {

    private static final MathVerifier VERIFIER = new MathVerifier();

    record Case(String kind, String response, String gold, boolean right) {
        @Override
        public String toString() {
            return kind + ": " + response + (right ? " == " : " != ") + gold;
        }
    }

    private static Case right(String kind, String response, String gold) {
        return new Case(kind, response, gold, true);
    }

    private static Case wrong(String kind, String response, String gold) {
        return new Case(kind, response, gold, false);
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        // The ground truth is LaTeX or prose and goes through the same extraction as the response.
        c.add(right("gold", "\\boxed{x \\ge 5}", "$x \\geq 5$"));
        c.add(right("gold", "Thus we need $x\\geq5$.", "$x \\geq 5$"));
        c.add(wrong("gold", "\\boxed{x > 5}", "$x \\geq 5$"));
        c.add(right("gold", "\\boxed{\\left(3, \\frac{\\pi}{2}\\right)}", "$(3, \\frac{\\pi}{2})$"));
        c.add(wrong("gold", "\\boxed{(3, \\frac{\\pi}{3})}", "$(3, \\frac{\\pi}{2})$"));
        c.add(right("gold", "The two numbers are $\\boxed{6}$ and $\\boxed{8}$.", "\\boxed{6 \\text{ and } 8}"));
        c.add(right("gold", "\\boxed{8, 6}", "\\boxed{6 \\text{ and } 8}"));
        c.add(wrong("gold", "\\boxed{6 \\text{ and } 9}", "\\boxed{6 \\text{ and } 8}"));
        c.add(wrong("gold", "\\boxed{6}", "\\boxed{6 \\text{ and } 8}"));
        c.add(right("gold", "\\boxed{12}", "First we group the terms.\n\nThen $3 \\cdot 4 = \\boxed{12}$, as claimed."));
        c.add(right("gold", "\\boxed{34}", "Final Answer: The largest $n$ is 34."));
        c.add(wrong("gold", "\\boxed{35}", "Final Answer: The largest $n$ is 34."));
        c.add(right("gold", "so it is \\boxed{7}", "The value of $k$ is $7$."));
        c.add(wrong("gold", "so it is \\boxed{k}", "The value of $k$ is $7$."));

        // Several answers: an unordered set; a single tuple stays ordered.
        c.add(right("set", "\\boxed{1}, \\boxed{2}, \\boxed{3}", "{1,2,3}"));
        c.add(right("set", "$\\boxed{3}$, $\\boxed{1}$ and $\\boxed{2}$", "\\{1, 2, 3\\}"));
        c.add(wrong("set", "\\boxed{1}, \\boxed{2}", "{1,2,3}"));
        c.add(wrong("set", "\\boxed{1}, \\boxed{2}, \\boxed{4}", "{1,2,3}"));
        c.add(wrong("set", "\\boxed{1}, \\boxed{2}, \\boxed{3}, \\boxed{4}", "{1,2,3}"));
        c.add(right("set", "\\boxed{(2,2)} \\text{ and } \\boxed{(6,2)}", "(2,2),(6,2)"));
        c.add(right("set", "\\boxed{(6,2)} \\text{ and } \\boxed{(2,2)}", "(2,2),(6,2)"));
        c.add(wrong("set", "\\boxed{(2,2)} \\text{ and } \\boxed{(2,6)}", "(2,2),(6,2)"));
        c.add(right("set", "The solutions are 1 and 2", "\\{1, 2\\}"));
        c.add(right("set", "Answer: 2 or 1", "1, 2"));
        c.add(wrong("set", "The solutions are 1 and 3", "\\{1, 2\\}"));
        c.add(right("set", "\\boxed{21, 16 \\text{ or } 11}", "11, 16, 21"));
        c.add(right("set", "\\boxed{21; 16; 11}", "11, 16, 21"));
        c.add(wrong("set", "\\boxed{21, 16 \\text{ or } 12}", "11, 16, 21"));
        c.add(right("set", "\\boxed{\\pm 2021}", "{-2021, 2021}"));
        c.add(right("set", "\\boxed{x = \\pm 3}", "3, -3"));
        c.add(right("set", "\\boxed{-2021}, \\boxed{2021}", "\\pm 2021"));
        c.add(wrong("set", "\\boxed{2021}", "{-2021, 2021}"));
        c.add(wrong("set", "\\boxed{\\pm 2020}", "\\{-2021, 2021\\}"));
        c.add(wrong("set", "\\boxed{2} and \\boxed{1}", "(1, 2)"));
        c.add(wrong("set", "\\boxed{2, 1}", "(1, 2)"));
        c.add(wrong("set", "\\boxed{1, 2}", "[1, 2)"));
        c.add(wrong("set", "\\boxed{(2, 1)}", "(1, 2)"));

        // Names in front of values go when the other side has none.
        c.add(right("label", "\\boxed{x = 1/3}", "1/3"));
        c.add(right("label", "\\boxed{\\frac{1}{3}}", "x = \\frac13"));
        c.add(right("label", "\\boxed{(p,q)=(3,2)}", "(3,2)"));
        c.add(wrong("label", "\\boxed{(p,q)=(2,3)}", "(3,2)"));
        c.add(right("label", "\\boxed{k = 45, n = 2}", "45, 2"));
        c.add(wrong("label", "\\boxed{k = 45, n = 3}", "45, 2"));
        c.add(wrong("label", "\\boxed{2, 45}", "k = 45, n = 2"));
        c.add(right("label", "\\boxed{x = 2, x = -1}", "-1, 2"));
        c.add(right("label", "\\boxed{AB=4, CD=5}", "4, 5"));
        c.add(wrong("label", "\\boxed{AB=4, CD=6}", "4, 5"));
        c.add(right("label", "\\boxed{V_1:V_2=11:21}", "11:21"));
        c.add(wrong("label", "\\boxed{V_1:V_2=21:11}", "11:21"));
        c.add(right("label", "\\boxed{x \\approx 11}", "11"));
        c.add(wrong("label", "\\boxed{x \\approx 12}", "11"));
        c.add(right("label", "\\boxed{y = 2, x = 1}", "x = 1, y = 2"));
        c.add(wrong("label", "\\boxed{x = 2, y = 1}", "x = 1, y = 2"));

        // Relations written two ways, inequalities against intervals.
        c.add(right("relation", "\\boxed{x >= 5}", "x \\geq 5"));
        c.add(right("relation", "\\boxed{a <= 3}", "a \\le 3"));
        c.add(right("relation", "\\boxed{x != 2}", "x \\neq 2"));
        c.add(right("relation", "\\boxed{x \\ne 2}", "x \\neq 2"));
        c.add(wrong("relation", "\\boxed{x \\leq 5}", "x \\geq 5"));
        c.add(wrong("relation", "\\boxed{y > 3}", "x > 3"));
        c.add(right("relation", "\\boxed{x \\in [-2,7]}", "-2 \\le x \\le 7"));
        c.add(right("relation", "\\boxed{-2 \\leq x \\leq 7}", "[-2, 7]"));
        c.add(right("relation", "\\boxed{7 \\geq x \\geq -2}", "[-2, 7]"));
        c.add(wrong("relation", "\\boxed{x \\in (-2,7]}", "-2 \\le x \\le 7"));
        c.add(wrong("relation", "\\boxed{-2 < x \\leq 7}", "[-2, 7]"));
        c.add(right("relation", "\\boxed{[5, \\infty)}", "x \\geq 5"));
        c.add(wrong("relation", "\\boxed{(5, \\infty)}", "x \\geq 5"));
        c.add(right("relation", "\\boxed{(-\\infty, 3) \\cup (3, \\infty)}", "x \\neq 3"));
        c.add(right("relation", "\\boxed{[-\\frac{3}{2}, -1] \\cup [1, \\frac{3}{2}]}", "1 \\le |z| \\le 3/2"));
        c.add(wrong("relation", "\\boxed{[-\\frac{3}{2}, -1) \\cup (1, \\frac{3}{2}]}", "1 \\le |z| \\le 3/2"));
        c.add(wrong("relation", "\\boxed{[1, \\frac{3}{2}]}", "1 \\le |z| \\le 3/2"));
        c.add(right("relation", "\\boxed{|x| < 2}", "(-2, 2)"));
        c.add(wrong("relation", "\\boxed{|x| < 2}", "(0, 2)"));

        // Matrices in any environment, numbers inside compared with tolerance.
        c.add(right("matrix", "\\boxed{\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}}", "\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}"));
        c.add(right("matrix", "\\boxed{\\left[\\begin{array}{cc} 1 & 2 \\\\ 3 & 4 \\end{array}\\right]}",
                "\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}"));
        c.add(wrong("matrix", "\\boxed{\\left[\\begin{array}{cc} 1 & 2 \\\\ 3 & 5 \\end{array}\\right]}",
                "\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}"));
        c.add(wrong("matrix", "\\boxed{\\begin{pmatrix} 1 & 3 \\\\ 2 & 4 \\end{pmatrix}}", "\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}"));
        c.add(right("matrix", "\\boxed{\\begin{pmatrix} 0.33333 \\\\ 2 \\end{pmatrix}}", "\\begin{pmatrix} \\frac{1}{3} \\\\ 2 \\end{pmatrix}"));
        c.add(wrong("matrix", "\\boxed{\\begin{pmatrix} 0.33 \\\\ 2 \\end{pmatrix}}", "\\begin{pmatrix} \\frac{1}{3} \\\\ 2 \\end{pmatrix}"));
        c.add(right("matrix", "\\boxed{(0.5, 0.33333)}", "\\left(\\frac12, \\frac13\\right)"));
        c.add(wrong("matrix", "\\boxed{(0.5, 0.3)}", "\\left(\\frac12, \\frac13\\right)"));

        // Number formats.
        c.add(right("number", "\\boxed{1,000.99}", "1000.99"));
        c.add(wrong("number", "\\boxed{1,010.99}", "1000.99"));
        c.add(right("number", "\\boxed{7 425 000}", "7425000"));
        c.add(right("number", "\\boxed{7\\,425\\,000}", "7,425,000"));
        c.add(wrong("number", "\\boxed{7 425 001}", "7425000"));
        c.add(right("number", "\\boxed{2,74}", "2.74"));
        c.add(wrong("number", "\\boxed{2,75}", "2.74"));
        c.add(wrong("number", "\\boxed{2,740}", "2.74"));
        c.add(right("number", "\\boxed{1,000.99 m²}", "1000.99"));
        c.add(right("number", "\\boxed{1000 €}", "1000"));
        c.add(right("number", "\\boxed{€1,000}", "1000"));
        c.add(wrong("number", "\\boxed{€1,001}", "1000"));
        c.add(right("number", "\\boxed{28 pct}", "28\\%"));
        c.add(right("number", "\\boxed{28 percentage}", "28"));
        c.add(right("number", "\\boxed{28\\%}", "0.28"));
        c.add(wrong("number", "\\boxed{29 pct}", "28\\%"));
        c.add(right("number", "\\boxed{\\cfrac{1}{2}}", "0.5"));
        c.add(right("number", "\\boxed{\\dfrac{3}{4}}", "\\tfrac{3}{4}"));
        c.add(wrong("number", "\\boxed{\\cfrac{1}{3}}", "0.5"));

        // Prose answers.
        c.add(right("prose", "We try small cases.\nFinal Answer: The largest $n$ is 34.", "34"));
        c.add(wrong("prose", "We try small cases.\nFinal Answer: The largest $n$ is 33.", "34"));
        c.add(right("prose", "Working omitted.\nAnswer:\n$ 9 $", "9"));
        c.add(wrong("prose", "Working omitted.\nAnswer:\n$ 8 $", "9"));
        c.add(right("prose", "Counting each colour separately and adding everything up, the total number of marbles is 42.", "42"));
        c.add(wrong("prose", "Counting each colour separately and adding everything up, the total number of marbles is 41.", "42"));
        c.add(right("prose", "Answer: the smallest such $k$ is $\\frac{1}{2}$.", "0.5"));
        return c;
    }

    static Stream<Case> allCases() {
        return cases().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allCases")
    void eachCaseIsScoredAsAGraderWould(Case c) {
        assertThat(VERIFIER.verify(VerificationItem.of(c.response(), c.gold())).score())
                .as(c + " -> " + VERIFIER.explain(VerificationItem.of(c.response(), c.gold())))
                .isEqualTo(c.right() ? 1.0 : 0.0);
    }

    @Test
    void everyKindHasRightAndWrongVariants() {
        Map<String, int[]> counts = new TreeMap<>();
        int agree = 0;
        for (Case c : cases()) {
            int[] n = counts.computeIfAbsent(c.kind(), k -> new int[3]);
            n[c.right() ? 0 : 1]++;
            boolean scoredRight = VERIFIER.verify(VerificationItem.of(c.response(), c.gold())).score() == 1.0;
            if (scoredRight == c.right()) {
                n[2]++;
                agree++;
            }
        }
        counts.forEach((k, n) -> System.out.printf("answer kind %-8s: %d right, %d wrong, %d/%d agree%n", k, n[0], n[1], n[2], n[0] + n[1]));
        System.out.printf("answer kinds: %d/%d agree%n", agree, cases().size());
        assertThat(counts).hasSize(7);
        counts.values().forEach(n -> assertThat(n[0]).isPositive());
        counts.values().forEach(n -> assertThat(n[1]).isPositive());
    }
}
