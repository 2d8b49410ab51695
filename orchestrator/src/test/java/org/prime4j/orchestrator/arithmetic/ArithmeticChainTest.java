package org.prime4j.orchestrator.arithmetic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ArithmeticChainTest {

    @Test
    void referenceLinesOfTheDemoTaskAreTheWorkedAnswer() {
        Random rng = new Random(3);
        for (int i = 0; i < 20; i++) {
            ArithmeticProblem p = ArithmeticProblem.random(rng);
            assertThat(ArithmeticChain.referenceLines(p.prompt())).isEqualTo(ArithmeticChain.lines(p.workedAnswer()));
        }
    }

    @Test
    void longerChainsAndOtherPrompts() {
        assertThat(ArithmeticChain.referenceLines("What is 10-20+5-1?\n"))
                .containsExactly("10-20=-10", "-10+5=-5", "-5-1=-6", "\\boxed{-6}");
        assertThat(ArithmeticChain.referenceLines("Solve x^2 = 4")).isNull();
    }

    @Test
    void firstWrongLineIsTheFirstThatDiffers() {
        List<String> ref = List.of("47+18=65", "65-25=40", "\\boxed{40}");
        assertThat(ArithmeticChain.firstWrongLine(List.of("47+18=64", "64-25=39", "\\boxed{39}"), ref)).isZero();
        assertThat(ArithmeticChain.firstWrongLine(List.of("47+18=65", "65-25=39", "\\boxed{39}"), ref)).isEqualTo(1);
        assertThat(ArithmeticChain.firstWrongLine(List.of("47+18=65", "65-25=40", "\\boxed{41}"), ref)).isEqualTo(2);
        assertThat(ArithmeticChain.firstWrongLine(List.of("47+18=65", "65-25=40", "\\boxed{40}", "x"), ref)).isEqualTo(3);
        assertThat(ArithmeticChain.firstWrongLine(List.of("47+18=65", "65-25=4"), ref)).isEqualTo(1);
        assertThat(ArithmeticChain.firstWrongLine(List.of("47+18=65", "65-25=40"), ref)).isEqualTo(-1);
    }

    @Test
    void tokensBelongToTheLineTheyStartIn() {
        // "ab\n" "c" "\nd" "": the newline ending line 0 is line 0's; a token starting with \n ends line 1
        List<String> tokens = List.of("a", "b\n", "c", "\nd", "");
        assertThat(ArithmeticChain.tokenLines(tokens, 3)).containsExactly(0, 0, 1, 1, 2);
        assertThat(ArithmeticChain.lines(String.join("", tokens))).containsExactly("ab", "c", "d");
        assertThat(ArithmeticChain.lines("a\nb\n")).containsExactly("a", "b");
        assertThat(ArithmeticChain.tokenLines(List.of("a\n", "\n", "b"), 2)).containsExactly(0, 1, 1);
    }
}
