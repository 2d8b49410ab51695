package org.prime4j.app.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.prime4j.orchestrator.loop.StepMetrics;

/**
 * One method's runs (one per seed, the same steps) as per-step curves: mean and min-max band over seeds of the
 * training reward (the mean outcome of all sampled responses) and of the held-out greedy accuracy (on the steps
 * that evaluated), plus the wall time per step.
 */
public record MethodCurves(String method, int[] steps, Band trainReward, Band heldOut, double secondsPerStep) {

    /** Per step: mean, min and max over seeds; NaN where no seed has a value. */
    public record Band(double[] mean, double[] min, double[] max) {}

    /** Each run's steps must be 1..n in order. Seconds per step exclude the held-out evaluation. */
    public static MethodCurves of(String method, List<List<StepMetrics>> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException(method + ": no runs");
        }
        int n = runs.get(0).size();
        for (List<StepMetrics> r : runs) {
            if (r.size() != n) {
                throw new IllegalArgumentException(method + ": runs of " + n + " and " + r.size() + " steps");
            }
        }
        int[] steps = new int[n];
        for (int i = 0; i < n; i++) {
            steps[i] = runs.get(0).get(i).step();
        }
        double seconds = 0;
        int count = 0;
        for (List<StepMetrics> r : runs) {
            for (StepMetrics m : r) {
                seconds += m.time().getOrDefault("total", Double.NaN) - m.time().getOrDefault("eval", 0.0);
                count++;
            }
        }
        return new MethodCurves(method, steps, band(runs, m -> m.rollout().accuracy()),
                band(runs, StepMetrics::evalAccuracy), count == 0 ? Double.NaN : seconds / count);
    }

    static Band band(List<List<StepMetrics>> runs, ToDoubleFunction<StepMetrics> f) {
        int n = runs.get(0).size();
        double[] mean = new double[n];
        double[] min = new double[n];
        double[] max = new double[n];
        for (int i = 0; i < n; i++) {
            List<Double> v = new ArrayList<>();
            for (List<StepMetrics> r : runs) {
                double x = f.applyAsDouble(r.get(i));
                if (Double.isFinite(x)) {
                    v.add(x);
                }
            }
            mean[i] = v.isEmpty() ? Double.NaN : v.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            min[i] = v.isEmpty() ? Double.NaN : v.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            max[i] = v.isEmpty() ? Double.NaN : v.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        }
        return new Band(mean, min, max);
    }

    /** Mean of the seed-mean training reward over the last {@code window} steps. */
    public double finalTrainReward(int window) {
        return trailing(trainReward.mean(), trainReward.mean().length - 1, window);
    }

    /**
     * The first step at which the seed-mean training reward, averaged over a trailing window of {@code window}
     * steps (fewer at the start), reaches {@code target}; -1 if it never does.
     */
    public int stepsToReach(double target, int window) {
        for (int i = 0; i < steps.length; i++) {
            if (trailing(trainReward.mean(), i, window) >= target) {
                return steps[i];
            }
        }
        return -1;
    }

    /** The last held-out measurement: mean, min and max over seeds (NaN if the runs never evaluated). */
    public double[] finalHeldOut() {
        for (int i = steps.length - 1; i >= 0; i--) {
            if (Double.isFinite(heldOut.mean()[i])) {
                return new double[] {heldOut.mean()[i], heldOut.min()[i], heldOut.max()[i]};
            }
        }
        return new double[] {Double.NaN, Double.NaN, Double.NaN};
    }

    private static double trailing(double[] v, int end, int window) {
        double s = 0;
        int n = 0;
        for (int i = Math.max(0, end - window + 1); i <= end; i++) {
            if (Double.isFinite(v[i])) {
                s += v[i];
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }
}
