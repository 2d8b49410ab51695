package org.prime4j.server.model;

import java.util.Objects;
import org.prime4j.model.generate.SamplingParams;

/**
 * One sequence to sample.
 *
 * @param promptIds the prompt's token ids
 * @param params    sampling parameters, seed included
 * @param lora      name of a loaded LoRA adapter, or null for the base model
 */
public record SequenceRequest(int[] promptIds, SamplingParams params, String lora) {
    public SequenceRequest {
        Objects.requireNonNull(promptIds, "promptIds");
        Objects.requireNonNull(params, "params");
        if (promptIds.length == 0) {
            throw new IllegalArgumentException("prompt must hold at least one token");
        }
    }
}
