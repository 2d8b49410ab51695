package org.prime4j.orchestrator.loop;

import java.nio.file.Path;

/**
 * PRIME step 10 as the step sees it: make the updated policy what the policy servers sample from. Full
 * fine-tuning reloads whole weights ({@link WeightPublisher}); LoRA loads the step's adapter under a fresh name
 * ({@link AdapterPublisher}), which rollouts then ask for by name.
 */
interface PolicyPublisher {

    /** Publishes the policy after {@code step}; returns the directory the servers loaded. */
    Path publish(int step) throws Exception;

    /**
     * Makes sure every policy server holds the run's initial policy before the first step samples (a remote server
     * may still hold another run's weights). LoRA needs nothing: each step loads its adapter under a new name.
     */
    default void adoptInitial() throws Exception {
    }

    /**
     * Puts the policy published after {@code step} back on the servers from its copy {@code dir} (an async resume
     * redoes the in-flight rollouts with the weights that sampled them, which are older than the trained ones).
     */
    void restore(int step, Path dir) throws Exception;

    /** The {@code model} rollouts must request: null for the servers' only model, else the adapter's name. */
    default String servedModel() {
        return null;
    }
}
