package org.prime4j.orchestrator.sft;

/**
 * Hyper-parameters of supervised fine-tuning (docs/design.md "Demo sizing": AdamW lr 2e-3, batch 32).
 *
 * @param steps        optimizer steps
 * @param batchSize    sequences per step
 * @param lr           peak learning rate
 * @param weightDecay  AdamW's decoupled decay
 * @param warmupSteps  linear warm-up from 0 (0: none)
 * @param cosine       cosine decay to 0 after warm-up; otherwise constant
 * @param maxGradNorm  global-norm clip (<= 0: off)
 * @param seed         data order
 * @param evalEvery    held-out greedy accuracy every this many steps (0: only at the end)
 */
public record SftSettings(int steps, int batchSize, double lr, double weightDecay, int warmupSteps, boolean cosine,
                          double maxGradNorm, long seed, int evalEvery) {

    public SftSettings {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (!(lr > 0)) {
            throw new IllegalArgumentException("lr must be > 0, got " + lr);
        }
        if (warmupSteps < 0 || evalEvery < 0) {
            throw new IllegalArgumentException("warmup and eval-every must be >= 0");
        }
    }

    /** The learning rate of step {@code step} (0-based). */
    public double lrAt(int step) {
        if (step < warmupSteps) {
            return lr * (step + 1) / warmupSteps;
        }
        if (!cosine) {
            return lr;
        }
        double progress = (double) (step - warmupSteps) / Math.max(1, steps - warmupSteps);
        return lr * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
