package org.prime4j.verifiers.math;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MathEquivalenceTest {

    private static final MathEquivalence EQ = new MathEquivalence(Duration.ofSeconds(5));

    @ParameterizedTest(name = "{0} == {1} ({2})")
    @CsvSource(delimiter = '|', value = {
        "0.5|\\frac{1}{2}|numeric",
        ".5|1/2|numeric",
        "\\dfrac{3}{4}|0.75|numeric",
        "6.0|6|numeric",
        "0.33333|\\frac{1}{3}|numeric",
        "137.5|137 \\frac{1}{2}|numeric",
        "50\\%|0.5|numeric",
        "10\\%|0.1|numeric",
        "x = 5|5|string",
        "\\$32,348|32348|string",
        "2\\sqrt{3}|\\sqrt{12}|symbolic",
        "\\frac{\\sqrt{3}}{3}|\\frac{1}{\\sqrt{3}}|symbolic",
        "3.14159|\\pi|symbolic",
        "e^{i\\pi}|-1|symbolic",
        "\\sqrt[3]{8}|2|symbolic",
        "(x+1)^2|x^2+2x+1|symbolic",
        "8n^2+4n+1|1+4n+8n^2|symbolic",
        "x^5-x^4+x^3-x^2+x-1|(x-1)(x^4+x^2+1)|symbolic",
        "(3, \\frac{\\pi}{2})|\\left( 3, \\frac{\\pi}{2} \\right)|string",
        "(3, 0.5)|(3, \\frac12)|tuple",
        "[1, \\sqrt{8})|[1, 2\\sqrt{2})|interval",
        "\\{2, 1\\}|\\{1,2\\}|set",
        "2, 1|1, 2|set",
        "1+\\sqrt{19}, 1-\\sqrt{19}|1 \\pm \\sqrt{19}|set",
        "(3,\\infty)\\cup(-\\infty,2)|(-\\infty, 2) \\cup (3, \\infty)|set",
        "-5x+7y-11z-4=0|5x - 7y + 11z + 4 = 0|relation",
        "3 \\ge x|x \\le 3|relation",
        "180 + 24 = 204|204|string",
        "a = b + 1 = 7|7|string",
        "2x < 6|x < 3|relation",
        "\\begin{pmatrix} 1 \\\\ 0.5 \\end{pmatrix}|\\begin{pmatrix} 1 \\\\ \\frac12 \\end{pmatrix}|matrix",
        "\\begin{bmatrix} 2 & 0 \\\\ 0 & 2 \\end{bmatrix}|\\begin{pmatrix} 2 & 0 \\\\ 0 & 2 \\end{pmatrix}|matrix",
        "\\text{(B)}|B|string",
        "evelyn|\\text{Evelyn}|string",
        "5.4|5.4 \\text{ cents}|string",
    })
    void equal(String predicted, String gold, String how) {
        assertThat(EQ.match(predicted, gold)).contains(how);
    }

    @ParameterizedTest(name = "{0} != {1}")
    @CsvSource(delimiter = '|', value = {
        "2|3",
        "1000001|1000000",
        "50|0.5",
        "0.3|\\frac{1}{3}",
        "3.1|\\pi",
        "\\frac{1}{2}|1\\frac{1}{2}",
        "x^2+2x+2|x^2+2x+1",
        "[3, 5)|(3, 5)",
        "(1, 2)|(2, 1)",
        "\\{1, 2\\}|\\{1, 2, 3\\}",
        "(1, 2)|\\{1, 2\\}",
        "x < 3|x > 3",
        "-2x < 6|x < 3",
        "x = 3|x^2 = 9",
        "2 + 2 = 4|5",
        "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}|\\begin{pmatrix} 1 & 2 \\end{pmatrix}",
        "(B)|\\text{(C)}",
        "east|west",
        "9|\\text{Evelyn}",
        "\\sqrt{2}|\\sqrt{3}",
    })
    void different(String predicted, String gold) {
        assertThat(EQ.match(predicted, gold)).isEmpty();
    }
}
