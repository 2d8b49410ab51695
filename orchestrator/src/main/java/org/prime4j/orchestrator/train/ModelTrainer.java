package org.prime4j.orchestrator.train;

import org.prime4j.model.lora.LoraAdapter;
import org.prime4j.model.nn.CausalLM;

/**
 * What the policy and PRM trainers share: a model (or a LoRA adapter over a frozen base) with its AdamW state,
 * checkpointable as one {@link TrainerState}. Closing frees the optimizer only; model and adapter belong to the
 * caller.
 */
public abstract class ModelTrainer implements AutoCloseable {

    final OptimizedModel trained;

    ModelTrainer(CausalLM model, LoraAdapter adapter, LoraSettings lora, double lr, double weightDecay) {
        this.trained = new OptimizedModel(model, adapter, adapter != null && checkpointing(model, lora), lr,
                weightDecay);
    }

    /** A frozen 16-bit base always recomputes (a recorded pass would keep an FP32 copy of it); else as set. */
    private static boolean checkpointing(CausalLM model, LoraSettings lora) {
        return model.frozenWeights() != null || lora == null || lora.activationCheckpointing();
    }

    /** The trained model, or with LoRA the frozen base (whichever adapter a pass last installed is on it). */
    public CausalLM model() {
        return trained.model();
    }

    /** The trained LoRA adapter, or null when the whole model is trained. */
    public LoraAdapter adapter() {
        return trained.adapter();
    }

    /** Whether training passes recompute each layer in backward (activation checkpointing). */
    public boolean recomputesLayers() {
        return trained.checkpointing();
    }

    /** Weights + optimizer moments + step count, for a checkpoint. */
    public TrainerState state() {
        return trained.state();
    }

    /** Restores a {@link #state()}; the next update continues exactly where that one left off. */
    public void restore(TrainerState state) {
        trained.restore(state);
    }

    /** Optimizer steps taken so far. */
    public long steps() {
        return trained.optimizer().steps();
    }

    @Override
    public void close() {
        trained.close();
    }
}
