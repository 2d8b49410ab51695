package org.prime4j.orchestrator.loop;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every number of a {@code metrics.jsonl} line as a TensorBoard tag, grouped by phase so that TensorBoard and
 * W&amp;B show one section per phase:
 * <ul>
 *   <li>{@code rollout/}: {@link RolloutStats} (sampling, verification, the filter), plus {@code epoch} and
 *       {@code kept_accuracy};</li>
 *   <li>{@code prm/}: {@link PrmStats} without its {@code prm_} prefix ({@code prm/loss}), and the process-reward
 *       spread ({@code prm/process_reward_mean}, {@code _std}, {@code _min}, {@code _max});</li>
 *   <li>{@code policy/}: {@link PolicyStats} without the {@code policy_} prefix ({@code policy/loss},
 *       {@code policy/approx_kl}), and the advantage spread ({@code policy/advantage_mean}, ...);</li>
 *   <li>{@code time/}: seconds per phase ({@code time/rollout}, ..., {@code time/total});</li>
 *   <li>{@code eval/accuracy}: held-out accuracy, on the steps that evaluated.</li>
 * </ul>
 * The names are those of the JSON line (the same serializer), so a field added to one of the records reaches
 * TensorBoard under its phase without a change here. Values that are null in the line (NaN: not measured this
 * step) are left out of the step.
 */
final class TensorBoardScalars {

    private TensorBoardScalars() {}

    static Map<String, Double> of(StepMetrics m) {
        Map<String, Double> out = new LinkedHashMap<>();
        put(out, "rollout/epoch", (double) m.epoch());
        group(out, "rollout/", "", m.rollout());
        put(out, "rollout/kept_accuracy", m.keptAccuracy());
        group(out, "prm/", "prm_", m.prm());
        group(out, "prm/process_reward_", "", m.processReward());
        group(out, "policy/", "policy_", m.policy());
        group(out, "policy/advantage_", "", m.advantage());
        m.time().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> put(out, "time/" + e.getKey(), e.getValue()));
        put(out, "eval/accuracy", m.evalAccuracy());
        group(out, "rollout/", "", m.offPolicy()); // staleness and waits: how the samples relate to training
        return out;
    }

    /** The record's fields by their JSON names, {@code strip} cut from the front. */
    private static void group(Map<String, Double> out, String prefix, String strip, Object record) {
        JsonNode fields = MetricsLog.JSON.valueToTree(record);
        fields.fields().forEachRemaining(f -> {
            if (f.getValue().isNumber()) {
                String name = f.getKey().startsWith(strip) ? f.getKey().substring(strip.length()) : f.getKey();
                put(out, prefix + name, f.getValue().asDouble());
            }
        });
    }

    private static void put(Map<String, Double> out, String tag, Double v) {
        if (v != null && Double.isFinite(v)) {
            out.put(tag, v);
        }
    }
}
