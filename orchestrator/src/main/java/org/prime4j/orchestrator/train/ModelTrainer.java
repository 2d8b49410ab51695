package org.prime4j.orchestrator.train;

import org.prime4j.model.nn.CausalLM;

/**
 * What the policy and PRM trainers share: a model with its AdamW state, checkpointable as one
 * {@link TrainerState}. Closing frees the optimizer only; the model belongs to the caller.
 */
public abstract class ModelTrainer implements AutoCloseable {

    final OptimizedModel trained;

    ModelTrainer(CausalLM model, double lr, double weightDecay) {
        this.trained = new OptimizedModel(model, lr, weightDecay);
    }

    public CausalLM model() {
        return trained.model();
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
