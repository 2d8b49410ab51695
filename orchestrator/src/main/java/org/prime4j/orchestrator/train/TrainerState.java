package org.prime4j.orchestrator.train;

import java.util.Map;
import org.prime4j.model.io.HostTensor;
import org.prime4j.model.lora.LoraConfig;

/**
 * Everything a trainer needs to resume exactly, on the host: the model's weights by HF name, AdamW's moments
 * ({@code <param>.exp_avg}, {@code <param>.exp_avg_sq}) and the optimizer's step count (bias correction).
 * With LoRA, {@code weights} are the adapter's factors by PEFT name and {@code adapter} its config.
 */
public record TrainerState(Map<String, HostTensor> weights, Map<String, HostTensor> optimizer, long steps,
                           LoraConfig adapter) {

    public TrainerState {
        if (weights == null || optimizer == null) {
            throw new IllegalArgumentException("trainer state needs weights and optimizer tensors");
        }
        if (steps < 0) {
            throw new IllegalArgumentException("optimizer steps must be >= 0, got " + steps);
        }
        weights = Map.copyOf(weights);
        optimizer = Map.copyOf(optimizer);
    }

    /** The state of a fully trained model. */
    public TrainerState(Map<String, HostTensor> weights, Map<String, HostTensor> optimizer, long steps) {
        this(weights, optimizer, steps, null);
    }
}
