package org.prime4j.orchestrator.loop;

import java.nio.file.Path;
import java.util.List;

/**
 * What a {@link PrimeTraining#run} did.
 *
 * @param out            the run's output directory
 * @param firstStep      the step the run started after (0, or the resumed checkpoint's step)
 * @param lastStep       the last step completed
 * @param steps          the metrics of the steps this call ran, in order
 * @param lastCheckpoint the newest checkpoint directory, or null
 * @param policyWeights  the newest published policy (a complete HF model directory), or null if none was
 *                       published (e.g. no prompt ever passed the filter)
 * @param interrupted    stopped early by SIGINT (after finishing and checkpointing a step)
 */
public record TrainingSummary(Path out, int firstStep, int lastStep, List<StepMetrics> steps, Path lastCheckpoint,
                              Path policyWeights, boolean interrupted) {
    public TrainingSummary {
        steps = List.copyOf(steps);
    }

    /** The metrics of the last step run, or null when this call ran none. */
    public StepMetrics last() {
        return steps.isEmpty() ? null : steps.get(steps.size() - 1);
    }
}
