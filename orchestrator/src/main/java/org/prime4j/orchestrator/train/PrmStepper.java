package org.prime4j.orchestrator.train;

import java.util.List;

/**
 * What a PRIME step needs of the implicit PRM (docs/design.md step 6): its settings (beta turns q into process
 * rewards) and one step on a batch of outcome-labelled responses. {@link PrmTrainer} is the implementation;
 * the seam lets the step's wiring be tested without a model.
 */
public interface PrmStepper {

    PrmSettings settings();

    /**
     * One PRM step over a batch laid out in groups of {@code groupSize} consecutive responses to one prompt;
     * returns the per-token log-ratios q of every response, in batch order.
     */
    PrmResult step(List<TrainSample> batch, int groupSize);
}
