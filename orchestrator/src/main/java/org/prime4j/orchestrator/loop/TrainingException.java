package org.prime4j.orchestrator.loop;

/**
 * A step that could not complete: names the step and the phase. Nothing of that step was published or
 * checkpointed, so the last checkpoint stays valid and {@code --resume} starts over from it.
 */
public final class TrainingException extends RuntimeException {

    private final int step;
    private final Phase phase;

    public TrainingException(int step, Phase phase, String message, Throwable cause) {
        super("step " + step + ", " + phase.label() + ": " + message, cause);
        this.step = step;
        this.phase = phase;
    }

    public int step() {
        return step;
    }

    public Phase phase() {
        return phase;
    }
}
