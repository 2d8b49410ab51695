package org.prime4j.orchestrator.loop;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one PRIME step measured, assembled from the result of each phase: one flat line of
 * {@code metrics.jsonl}. NaN (a metric without a value this step, e.g. anything of the PRM when no prompt
 * passed the filter) is written as null.
 *
 * @param rollout        sampling, verification and the filter (steps 1-4)
 * @param keptAccuracy   mean outcome of the trained responses
 * @param prm            the implicit PRM's step (6)
 * @param processReward  the process rewards r_t = beta * q_t (7), over every trained token
 * @param advantage      the advantages handed to PPO (8), over every trained token
 * @param policy         the PPO update (9)
 * @param evalAccuracy   held-out greedy accuracy, when this step evaluated
 * @param time           seconds per phase (rollout, verify, ref, prm, advantage, policy, publish, eval, total)
 * @param offPolicy      staleness of the samples and the waits of {@code run.async}
 */
public record StepMetrics(
        int step,
        long epoch,
        @JsonUnwrapped RolloutStats rollout,
        double keptAccuracy,
        @JsonUnwrapped PrmStats prm,
        @JsonUnwrapped(prefix = "process_reward_") Spread processReward,
        @JsonUnwrapped(prefix = "advantage_") Spread advantage,
        @JsonUnwrapped PolicyStats policy,
        double evalAccuracy,
        Map<String, Double> time,
        @JsonUnwrapped OffPolicyStats offPolicy) {

    public StepMetrics {
        time = Map.copyOf(time);
        offPolicy = offPolicy == null ? OffPolicyStats.SYNC : offPolicy;
    }

    /** A synchronous step. */
    public StepMetrics(int step, long epoch, RolloutStats rollout, double keptAccuracy, PrmStats prm,
                       Spread processReward, Spread advantage, PolicyStats policy, double evalAccuracy,
                       Map<String, Double> time) {
        this(step, epoch, rollout, keptAccuracy, prm, processReward, advantage, policy, evalAccuracy, time, null);
    }

    /** The metrics of an overlapped step: its off-policy figures and its wall time since the previous step. */
    StepMetrics withOffPolicy(OffPolicyStats o, double totalSeconds) {
        Map<String, Double> t = new LinkedHashMap<>(time);
        t.put("total", totalSeconds);
        return new StepMetrics(step, epoch, rollout, keptAccuracy, prm, processReward, advantage, policy,
                evalAccuracy, t, o);
    }

    /** A step in which no prompt passed the filter: nothing trained, nothing published. */
    static StepMetrics untrained(int step, long epoch, RolloutStats rollout, Map<String, Double> time) {
        return new StepMetrics(step, epoch, rollout, Double.NaN, PrmStats.NONE, Spread.NONE, Spread.NONE,
                PolicyStats.NONE, Double.NaN, time);
    }

    /** Whether the step trained (some prompt passed the filter). */
    @JsonIgnore
    public boolean trained() {
        return rollout.keptPrompts() > 0;
    }

    /** The metrics with the held-out accuracy of this step filled in. */
    public StepMetrics withEvalAccuracy(double a, double seconds) {
        Map<String, Double> t = new LinkedHashMap<>(time);
        t.put("eval", seconds);
        t.merge("total", seconds, Double::sum);
        return new StepMetrics(step, epoch, rollout, keptAccuracy, prm, processReward, advantage, policy, a, t,
                offPolicy);
    }
}
