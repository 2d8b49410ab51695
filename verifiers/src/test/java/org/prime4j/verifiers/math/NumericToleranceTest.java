package org.prime4j.verifiers.math;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Numeric answers at several magnitudes against the documented rule (Numbers, MathEquivalence and
 * docs/design.md: two whole numbers must be equal exactly; otherwise |a - b| <= 1e-4 * max(|a|, |b|), the
 * Qwen2.5-Math grader's relative tolerance). Each expectation below is worked out by hand from that rule, in
 * the comment beside it; the cases are chosen where a relative and an absolute tolerance of 1e-4 disagree
 * (large values differing by more than 1e-4, small values differing by less), so the rule's kind is checked,
 * not only its size. Checked both on {@link Numbers} directly and through {@link MathEquivalence}, whose
 * answer must be {@code numeric} for equal pairs and empty (not even {@code symbolic}) for different ones.
 */
class NumericToleranceTest {

    private static final MathEquivalence EQ = new MathEquivalence(Duration.ofSeconds(5));

    @ParameterizedTest(name = "{0} == {1}")
    @CsvSource(delimiter = '|', value = {
        "12345.6|12345.7",                  // |d| 0.1 <= 1e-4 * 12345.7 = 1.23
        "25000000.5|25001000",              // |d| 999.5 <= 2500.1
        "98765.4321|98766",                 // |d| 0.57 <= 9.88
        "-\\frac{1}{3}|-0.33333",           // |d| 3.3e-6 <= 3.3e-5
        "-\\frac{7}{2}|-3.5",               // exact
        "-\\frac{22}{7}|-3.1428",           // |d| 5.7e-5 <= 3.1e-4
        "0.0000012345|0.0000012346",        // |d| 1e-10 <= 1.2e-10
    })
    void closeWithinTheRelativeTolerance(String a, String b) {
        assertThat(Numbers.close(value(a), value(b))).as("Numbers.close").isTrue();
        assertThat(EQ.match(a, b)).contains("numeric");
    }

    @ParameterizedTest(name = "{0} != {1}")
    @CsvSource(delimiter = '|', value = {
        "0.000001|0.000002",                // |d| 1e-6 > 1e-4 * 2e-6 = 2e-10
        "1e-6|2e-6",                        // the same in e-notation
        "0.00012|0.00013",                  // |d| 1e-5 > 1.3e-8
        "0.5|0.50006",                      // |d| 6e-5 > 5.0006e-5
        "-\\frac{1}{3000}|-0.0003",         // |d| 3.3e-5 > 3.3e-8
        "-\\frac{1}{3}|-0.333",             // |d| 3.3e-4 > 3.3e-5
        "-\\frac{1}{3}|\\frac{1}{3}",       // opposite signs
        "12345.6|12347.0",                  // |d| 1.4 > 1.2347
        "1000001|1000000",                  // whole numbers: exact
    })
    void differentBeyondTheRelativeTolerance(String a, String b) {
        assertThat(Numbers.close(value(a), value(b))).as("Numbers.close").isFalse();
        assertThat(EQ.match(a, b)).isEmpty();
    }

    private static Numbers.Value value(String s) {
        return Numbers.parse(AnswerNormalizer.normalize(s)).orElseThrow(() -> new AssertionError("not a number: " + s));
    }
}
