package org.prime4j.orchestrator.data;

import java.util.SplittableRandom;

/**
 * An endless, epoch-aware stream of prompt indices: each epoch is a fresh permutation of {@code 0..n-1}
 * drawn from (seed, epoch) alone, so the order is the same on every machine and after every resume.
 */
public final class PromptOrder {

    private final int n;
    private final long seed;
    private long epoch;
    private int position;
    private int[] order;

    public PromptOrder(int n, long seed, DataCursor cursor) {
        if (n < 1) {
            throw new IllegalArgumentException("no prompts to draw from");
        }
        if (cursor.position() > n) {
            throw new IllegalArgumentException("data cursor position " + cursor.position() + " is past the "
                    + n + " prompts of the dataset (was it changed since the checkpoint?)");
        }
        this.n = n;
        this.seed = seed;
        this.epoch = cursor.epoch();
        this.position = cursor.position();
        this.order = permutation(n, seed, epoch);
    }

    /** The next prompt index; crosses into the next epoch (a new permutation) when this one is used up. */
    public int next() {
        if (position == n) {
            epoch++;
            position = 0;
            order = permutation(n, seed, epoch);
        }
        return order[position++];
    }

    public DataCursor cursor() {
        return new DataCursor(epoch, position);
    }

    /** Fisher-Yates under SplittableRandom, seeded by a mix of seed and epoch. */
    static int[] permutation(int n, long seed, long epoch) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
