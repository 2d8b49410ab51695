package org.prime4j.verifiers.math;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnswerNormalizerTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "$\\frac{1}{2}$|\\frac{1}{2}",
        "\\left( 3, \\frac{\\pi}{2} \\right)|( 3, \\frac{\\pi}{2} )",
        "\\dfrac{17}{50}|\\frac{17}{50}",
        "\\tfrac{1}{3}|\\frac{1}{3}",
        "\\frac12|\\frac{1}{2}",
        "\\frac9{19}|\\frac{9}{19}",
        "\\frac{270}7\\text{ degrees}|\\frac{270}{7}",
        "15\\mbox{ cm}^2|15",
        "5.4 \\text{ cents}|5.4",
        "864 \\mbox{ inches}^2|864",
        "10 inches|10",
        "30^\\circ|30",
        "30^{\\circ}|30",
        "25\\%|25",
        "\\$32,\\!348|32348",
        "11,\\! 111,\\! 111,\\! 100|11111111100",
        "1{,}000|1000",
        "12.|12",
        "x = 5|5",
        "k=-3|-3",
        "x \\in [-2,7]|[-2,7]",
        "\\sqrt3|\\sqrt{3}",
        ".5|0.5",
        "-.25|-0.25",
        "137 \\frac{1}{2}|\\frac{275}{2}",
        "\\text{(B)}|B",
        "(c)|C",
        "\\text{Evelyn}|Evelyn",
        "Infinity|\\infty",
        "x \\le 3|x \\leq 3",
        "5x - 7y + 11z + 4 = 0|5x - 7y + 11z + 4 = 0",
        "1, 234|1, 234",
        "7 425 000|7425000",
        "1,000.99 m²|1000.99",
        "€1,000|1000",
        "1000 €|1000",
        "28 pct|28",
        "28 percentage|28",
        "\\cfrac{1}{2}|\\frac{1}{2}",
        "x >= 5|x \\geq 5",
        "x <= 5|x \\leq 5",
        "x != 5|x \\neq 5",
        "x \\ne 5|x \\neq 5",
        "x \\approx 11|11",
        "6 \\text{ and } 8|6, 8",
        "21, 16 or 11|21, 16, 11",
        "{1,2,3}|\\{1,2,3\\}",
        "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}|\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}",
    })
    void normalizes(String raw, String expected) {
        assertThat(AnswerNormalizer.normalize(raw)).isEqualTo(expected);
    }
}
