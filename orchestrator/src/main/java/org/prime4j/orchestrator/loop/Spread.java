package org.prime4j.orchestrator.loop;

/** Mean, population standard deviation, min and max over every token of ragged rows. */
public record Spread(double mean, double std, double min, double max) {

    /** Nothing measured (a step that did not train): written as nulls. */
    public static final Spread NONE = new Spread(Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    static Spread of(double[][] rows) {
        double sum = 0;
        double sq = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        long n = 0;
        for (double[] r : rows) {
            for (double v : r) {
                sum += v;
                sq += v * v;
                min = Math.min(min, v);
                max = Math.max(max, v);
                n++;
            }
        }
        double mean = sum / n;
        return new Spread(mean, Math.sqrt(Math.max(0, sq / n - mean * mean)), min, max);
    }

    boolean finite() {
        return Double.isFinite(mean) && Double.isFinite(std);
    }
}
