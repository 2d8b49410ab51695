package org.prime4j.orchestrator.config;

import org.prime4j.orchestrator.settings.FieldError;
import org.prime4j.orchestrator.settings.Checks;

/**
 * Sampling (PRIME steps 2 and 4).
 *
 * @param k                 samples per prompt
 * @param promptsPerStep    prompts that must pass the filter per step (the batch is promptsPerStep x k)
 * @param maxTokens         response length limit
 * @param temperature       sampling temperature (PRIME: 1)
 * @param topP              nucleus cut (PRIME: 1)
 * @param requestBatchSize  prompts per HTTP request; fixed, so that seeds and batches are reproducible
 * @param oversampling      prompts drawn per needed prompt (the filter drops some)
 * @param maxRefills        further draws when too few prompts passed; then train on what passed
 */
public record RolloutSection(Integer k, Integer promptsPerStep, Integer maxTokens, Double temperature, Double topP,
                             Integer requestBatchSize, Double oversampling, Integer maxRefills) {

    public RolloutSection {
        k = Checks.atLeast("k", Checks.orDefault(k, 4), 2);
        promptsPerStep = Checks.atLeast("prompts_per_step", Checks.orDefault(promptsPerStep, 64), 1);
        maxTokens = Checks.atLeast("max_tokens", Checks.orDefault(maxTokens, 1024), 1);
        temperature = Checks.positive("temperature", Checks.orDefault(temperature, 1.0));
        topP = Checks.within("top_p", Checks.orDefault(topP, 1.0), Double.MIN_VALUE, 1.0);
        requestBatchSize = Checks.atLeast("request_batch_size", Checks.orDefault(requestBatchSize, 8), 1);
        oversampling = Checks.orDefault(oversampling, 1.5);
        if (!(oversampling >= 1) || oversampling.isInfinite()) {
            throw new FieldError("oversampling", "must be >= 1, got " + oversampling);
        }
        maxRefills = Checks.atLeast("max_refills", Checks.orDefault(maxRefills, 3), 0);
    }
}
