package org.prime4j.orchestrator.loop;

/**
 * How far off-policy a step trained ({@code run.async}, docs/design.md "One step off-policy").
 *
 * @param staleness          steps between the weights that sampled the step's responses and the weights the
 *                           step trained from: 0 at the first async step, then 1 (NaN in a synchronous run,
 *                           where it is always 0: left out of the line, as the waits)
 * @param trainerWaitSeconds how long the trainer, done with its update, waited for the next step's sampling
 *                           (NaN in a synchronous run)
 * @param samplerWaitSeconds how long the servers, done sampling the next step, waited for the trainer's update
 *                           before its publish (NaN in a synchronous run)
 */
public record OffPolicyStats(double staleness, double trainerWaitSeconds, double samplerWaitSeconds) {

    /** A synchronous step: sampled by the weights it trains from; nothing to report. */
    public static final OffPolicyStats SYNC = new OffPolicyStats(Double.NaN, Double.NaN, Double.NaN);
}
