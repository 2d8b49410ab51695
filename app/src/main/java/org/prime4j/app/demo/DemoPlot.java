package org.prime4j.app.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.prime4j.orchestrator.loop.StepMetrics;

/**
 * The demo's plot: per PRIME step, training accuracy (the mean outcome reward of all samples), the mean
 * outcome reward of the responses trained on, PRM loss and pairwise accuracy, held-out greedy accuracy where
 * measured; before/after held-out accuracy as the first and last points of their own series.
 */
public final class DemoPlot {

    private DemoPlot() {}

    public static void write(Path png, List<StepMetrics> steps, double before, double after, String title)
            throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(520).title(title).xAxisTitle("PRIME step")
                .yAxisTitle("value").build();
        chart.getStyler().setMarkerSize(4);
        add(chart, "train accuracy (outcome reward)", steps, m -> m.rollout().accuracy());
        add(chart, "kept responses' reward", steps, StepMetrics::keptAccuracy);
        add(chart, "PRM loss", steps, m -> m.prm().prmLoss());
        add(chart, "PRM pairwise accuracy", steps, m -> m.prm().prmPairwiseAccuracy());
        add(chart, "held-out greedy (server)", steps, StepMetrics::evalAccuracy);
        int last = steps.isEmpty() ? 1 : steps.get(steps.size() - 1).step();
        XYSeries s = chart.addSeries("held-out greedy before/after", new double[] {0, last},
                new double[] {before, after});
        s.setMarker(SeriesMarkers.DIAMOND);
        s.setLineStyle(SeriesLines.NONE); // two measurements, not a trajectory
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** A series of the finite values only (a metric may be missing on some steps). */
    private static void add(XYChart chart, String name, List<StepMetrics> steps, ToDoubleFunction<StepMetrics> f) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (StepMetrics m : steps) {
            double y = f.applyAsDouble(m);
            if (Double.isFinite(y)) {
                xs.add((double) m.step());
                ys.add(y);
            }
        }
        if (!xs.isEmpty()) {
            chart.addSeries(name, xs, ys);
        }
    }
}
