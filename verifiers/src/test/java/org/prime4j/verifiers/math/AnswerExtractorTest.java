package org.prime4j.verifiers.math;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnswerExtractorTest {

    private static String extract(String response) {
        return AnswerExtractor.extract(response).orElse("<none>");
    }

    @Test
    void theLastBoxedWinsAndItsBracesAreMatched() {
        assertThat(extract("First \\boxed{1}, then $\\boxed{\\frac{1}{2}}$ and words.")).isEqualTo("\\frac{1}{2}");
        assertThat(extract("so \\fbox{\\{1, \\sqrt{2}\\}} done")).isEqualTo("\\{1, \\sqrt{2}\\}");
        assertThat(extract("The answer is \\boxed 7 .")).isEqualTo("7");
    }

    @Test
    void anUnclosedBoxFallsThroughToTheNextRule() {
        assertThat(extract("Answer: 12\n\\boxed{3")).isEqualTo("12");
    }

    @Test
    void boxedBeatsTheFinalAnswerPhrase() {
        assertThat(extract("The final answer is 4. Check: \\boxed{5}")).isEqualTo("5");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Work...\\nThe final answer is $\\frac{3}{4}$. I hope it is correct.|\\frac{3}{4}",
        "So the final answer is 42.|42",
        "Adding up, the answer is 12 apples.|12 apples",
        "Final Answer: the final answer is 2\\sqrt{3}. I hope it is correct.|2\\sqrt{3}",
        "We get x = 3.\\nAnswer: 17 apples|17 apples",
        "**Answer:** $-2$|-2",
        "Hence $$x^2 + 1$$ and later $$7$$ is it.|7",
        "We compute $a=3$ and then $b = 4$ so it is over|b = 4",
        "We compute \\(a\\) and \\(9\\) there now: really long sentence with no inline math left|9",
        "Hence \\[ 10 \\] as shown in the long explanation, which goes on and on and on for a while|10",
        "  12.5  |12.5",
    })
    void theRulesApplyInOrder(String response, String expected) {
        assertThat(extract(response.replace("\\n", "\n"))).isEqualTo(expected);
    }

    @Test
    void aLongResponseWithoutAnyMarkerHasNoAnswer() {
        assertThat(AnswerExtractor.extract("I think about this problem for a long time and it is hard to say anything at all")).isEmpty();
        assertThat(AnswerExtractor.extract("   ")).isEmpty();
    }

    @Test
    void boxesSideBySideAreOneAnswerList() {
        assertThat(AnswerExtractor.boxedGroup("so \\boxed{1}, \\boxed{2} and $\\boxed{3}$.")).containsExactly("1", "2", "3");
        assertThat(AnswerExtractor.boxedGroup("$x = \\boxed{1}$ or $x = \\boxed{-2}$")).containsExactly("1", "-2");
        assertThat(AnswerExtractor.boxedGroup("first \\boxed{3}, but checking again gives \\boxed{5}")).containsExactly("5");
        assertThat(AnswerExtractor.boxedGroup("no box here")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Final Answer: The largest $n$ is 34.|34",
        "Answer: the smallest value of $k$ is $\\frac{1}{2}$.|\\frac{1}{2}",
        "The solutions are 1 and 2|1 and 2",
        "Answer:\\n$ 9 $|9",
        "Adding the three cases together, the total number of paths from A to B comes out as = 42.|42",
    })
    void proseAnswersGiveTheirValue(String response, String expected) {
        assertThat(extract(response.replace("\\n", "\n"))).isEqualTo(expected);
    }

    @Test
    void proseIsToldFromFormulas() {
        assertThat(AnswerExtractor.isProse("The largest $n$ is 34.")).isTrue();
        assertThat(AnswerExtractor.isProse("$x \\geq 5$")).isFalse();
        assertThat(AnswerExtractor.isProse("6 \\text{ and } 8")).isFalse();
        assertThat(AnswerExtractor.isProse("\\text{Evelyn}")).isFalse();
    }
}
