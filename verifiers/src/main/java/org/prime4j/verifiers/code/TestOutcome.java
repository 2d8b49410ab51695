package org.prime4j.verifiers.code;

/**
 * How a program fared on its tests.
 *
 * @param passed       tests passed
 * @param total        tests counted
 * @param firstFailure {@code test <i>: <why>} for the first failed test, empty when all passed
 */
public record TestOutcome(int passed, int total, String firstFailure) {

    public TestOutcome {
        if (total < 1 || passed < 0 || passed > total) {
            throw new IllegalArgumentException("need 0 <= passed <= total, total >= 1; got " + passed + "/" + total);
        }
        firstFailure = firstFailure == null ? "" : firstFailure;
    }
}
