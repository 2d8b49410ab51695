package org.prime4j.app.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/** The probe's plot: held-out ranking and calibration of the PRM per epoch, with the length-only baseline. */
final class ProbePlot {

    private ProbePlot() {}

    static void write(Path png, PrmProbe.Result r) throws IOException {
        PrmProbe.Options o = r.options();
        String title = String.format(Locale.ROOT, "implicit PRM probe: %s, beta %s, lr %s, %d train / %d held-out responses",
                o.model().getFileName(), o.prm().beta(), o.prm().lr(), r.trainResponses(), r.heldOutResponses());
        XYChart chart = new XYChartBuilder().width(900).height(520).title(title).xAxisTitle("epoch")
                .yAxisTitle("held-out value").build();
        chart.getStyler().setMarkerSize(5);
        add(chart, "AUC of the outcome logit", r, s -> s.auc());
        add(chart, "AUC of length alone", r, s -> s.lengthAuc());
        add(chart, "within-group pairwise accuracy", r, s -> s.pairwiseAccuracy());
        add(chart, "Brier score", r, s -> s.brier());
        add(chart, "lowest line = first wrong line", r, s -> s.lowestIsFirstWrong());
        add(chart, "chance of that", r, s -> s.chance());
        add(chart, "most frequent first-wrong position", r, s -> s.positional());
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static void add(XYChart chart, String name, PrmProbe.Result r, ToDoubleFunction<ProbeScores> f) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (PrmProbe.Epoch e : r.epochs()) {
            double y = f.applyAsDouble(e.heldOut());
            if (Double.isFinite(y)) {
                xs.add((double) e.epoch());
                ys.add(y);
            }
        }
        if (!xs.isEmpty()) {
            chart.addSeries(name, xs, ys);
        }
    }
}
