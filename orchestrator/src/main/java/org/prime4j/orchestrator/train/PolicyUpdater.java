package org.prime4j.orchestrator.train;

import java.util.List;
import org.prime4j.model.nn.CausalLM;

/**
 * What a PRIME step needs of the policy (docs/design.md steps 9-10): one update on a batch with per-token
 * advantages, and the model to publish afterwards. {@link PolicyTrainer} is the implementation; the seam lets
 * the step's wiring be tested without training a model.
 */
public interface PolicyUpdater {

    /** One update on a batch; {@code advantages[i][t]} belongs to response token t of sample i. */
    PolicyResult update(List<TrainSample> batch, double[][] advantages);

    /** The policy as it stands after the last update. */
    CausalLM model();
}
