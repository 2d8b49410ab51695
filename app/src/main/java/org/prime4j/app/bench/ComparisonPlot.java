package org.prime4j.app.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The comparison's plot: training reward and held-out greedy accuracy per step, a solid mean line per method and
 * dashed lines for the min and max over seeds (the band).
 */
final class ComparisonPlot {

    private static final Color PRIME = new Color(0xC0392B);
    private static final Color RLOO = new Color(0x2471A3);

    private ComparisonPlot() {}

    static void write(Path png, PrimeVsRloo.Result r) throws IOException {
        XYChart chart = new XYChartBuilder().width(1000).height(560)
                .title("PRIME vs outcome-only RLOO (" + r.options().seeds().size() + " seeds; dashed: min-max)")
                .xAxisTitle("step").yAxisTitle("accuracy").build();
        chart.getStyler().setMarkerSize(4);
        for (MethodCurves m : List.of(r.prime(), r.rloo())) {
            Color c = m == r.prime() ? PRIME : RLOO;
            band(chart, m.method() + " train reward", m.steps(), m.trainReward(), c, false);
            band(chart, m.method() + " held-out greedy", m.steps(), m.heldOut(), c.darker(), true);
        }
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static void band(XYChart chart, String name, int[] steps, MethodCurves.Band b, Color c, boolean marked) {
        line(chart, name, steps, b.mean(), c, new BasicStroke(2f), marked);
        BasicStroke dashed = new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f);
        line(chart, name + " min", steps, b.min(), c, dashed, false);
        line(chart, name + " max", steps, b.max(), c, dashed, false);
    }

    private static void line(XYChart chart, String name, int[] steps, double[] v, Color c, BasicStroke stroke,
                             boolean marked) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (int i = 0; i < steps.length; i++) {
            if (Double.isFinite(v[i])) {
                xs.add((double) steps[i]);
                ys.add(v[i]);
            }
        }
        if (xs.isEmpty()) {
            return;
        }
        XYSeries s = chart.addSeries(name, xs, ys);
        s.setLineColor(c);
        s.setLineStyle(stroke);
        s.setMarkerColor(c);
        s.setMarker(marked ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        s.setShowInLegend(!name.endsWith(" min") && !name.endsWith(" max"));
    }
}
