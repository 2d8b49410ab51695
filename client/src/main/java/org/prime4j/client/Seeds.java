package org.prime4j.client;

/**
 * Per-request sampling seeds derived from the step's base seed and the index of the request's first
 * prompt, so a batch yields the same samples whichever server answers and however often a request is
 * retried. SplitMix64 decorrelates neighbouring indices; the result is kept non-negative because some
 * servers validate seeds as signed 64-bit or reject negatives.
 */
public final class Seeds {
    private Seeds() {}

    public static long derive(long baseSeed, int promptIndex) {
        if (promptIndex < 0) {
            throw new IllegalArgumentException("prompt index must be >= 0, got " + promptIndex);
        }
        long z = baseSeed + 0x9E3779B97F4A7C15L * (promptIndex + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return z >>> 1;
    }
}
