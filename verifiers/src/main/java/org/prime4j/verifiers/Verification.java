package org.prime4j.verifiers;

/**
 * A verifier's verdict.
 *
 * @param score  in [0, 1]: 0/1 for math, the fraction of tests passed for code
 * @param reason short and machine-greppable, e.g. {@code correct}, {@code wrong answer: 7 != 8},
 *               {@code no answer found}, {@code timeout}, {@code error: ...}
 */
public record Verification(double score, String reason) {

    public Verification {
        if (!(score >= 0.0 && score <= 1.0)) {
            throw new IllegalArgumentException("score must lie in [0, 1], got " + score);
        }
        reason = reason == null ? "" : reason;
    }

    public static Verification correct(String reason) {
        return new Verification(1.0, reason);
    }

    public static Verification wrong(String reason) {
        return new Verification(0.0, reason);
    }
}
