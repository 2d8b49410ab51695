package org.prime4j.verifiers.math;

import org.prime4j.verifiers.Verification;

/**
 * Why the math verifier scored a response as it did.
 *
 * @param gold               the answer taken from the ground truth (its boxes, answer line or math span)
 * @param response           the answer taken from the response, or empty when none was found
 * @param goldNormalized     the gold answer after normalization
 * @param responseNormalized the response's answer after normalization
 * @param rule               the rule that found them equal ({@code string}, {@code numeric}, {@code set}, ...),
 *                           or why none did
 * @param verification       the verdict, the same as {@link MathVerifier#verify} gives
 */
public record Explanation(String gold, String response, String goldNormalized, String responseNormalized, String rule,
        Verification verification) {}
