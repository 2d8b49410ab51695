/**
 * The DJL trainers of a PRIME step (docs/design.md steps 6 and 9): {@link org.prime4j.orchestrator.train.PrmTrainer}
 * updates the implicit PRM and returns the token log-ratios q_t that become process rewards;
 * {@link org.prime4j.orchestrator.train.PolicyTrainer} runs PPO on the policy with the advantages computed from
 * them ({@code org.prime4j.orchestrator.prime}). Both take a batch of
 * {@link org.prime4j.orchestrator.train.TrainSample}s laid out group by group (K consecutive responses per
 * prompt), left-pad micro-batches, accumulate gradients, clip by global norm and step AdamW, and expose their
 * weights and optimizer moments as a {@link org.prime4j.orchestrator.train.TrainerState} for exact resume.
 *
 * <p>Only one gradient scope may be open per process (DJL), so the two trainers run one after the other, on the
 * calling thread. {@code TrainerBench} ({@code prime4j bench trainer}) times both against PyTorch eager.
 */
package org.prime4j.orchestrator.train;
