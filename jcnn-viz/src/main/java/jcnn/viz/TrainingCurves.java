package jcnn.viz;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import jcnn.io.ModelFile;
import jcnn.train.EpochStats;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Training curves: loss (left) and accuracy (right) per epoch, training and validation, drawn with XChart.
 *
 * <pre>{@code
 * TrainingCurves.write(Path.of("curves.png"), history, 1000, 400);                  // at the end of training
 * TrainingCurves.write(Path.of("curves.png"), TrainingCurves.history(ModelFile.load(model)), 1000, 400);
 * }</pre>
 *
 * <p>Validation curves are drawn when the history has validation figures (epochs without them are left out).
 */
public final class TrainingCurves {
    public static final int DEFAULT_WIDTH = 1000;
    public static final int DEFAULT_HEIGHT = 400;
    static final Color TRAIN = new Color(0x1f, 0x77, 0xb4);
    static final Color VALIDATION = new Color(0xd6, 0x27, 0x28);

    private TrainingCurves() {}

    /** The history of a model file, parsed ({@link EpochStats#parse}); empty when the file records none. */
    public static List<EpochStats> history(ModelFile.Contents contents) {
        List<EpochStats> out = new ArrayList<>();
        for (String line : contents.history()) out.add(EpochStats.parse(line));
        return out;
    }

    /** Writes the loss and accuracy charts side by side as a PNG of {@code width × height} pixels. */
    public static void write(Path png, List<EpochStats> history, int width, int height) throws IOException {
        Png.write(render(history, width, height), png);
    }

    /** The same with the default size (1000 × 400). */
    public static void write(Path png, List<EpochStats> history) throws IOException {
        write(png, history, DEFAULT_WIDTH, DEFAULT_HEIGHT);
    }

    /** The loss and accuracy charts side by side, {@code width × height} pixels. */
    public static BufferedImage render(List<EpochStats> history, int width, int height) {
        if (history.isEmpty()) throw new IllegalArgumentException("TrainingCurves: the history is empty (no epoch was recorded)");
        if (width < 200 || height < 150) throw new IllegalArgumentException("TrainingCurves: " + width + "x" + height + " is too small; at least 200x150");
        int left = width / 2;
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(BitmapEncoder.getBufferedImage(lossChart(history, left, height)), 0, 0, null);
        g.drawImage(BitmapEncoder.getBufferedImage(accuracyChart(history, width - left, height)), left, 0, null);
        g.dispose();
        return out;
    }

    /** The loss chart alone. */
    public static XYChart lossChart(List<EpochStats> history, int width, int height) {
        XYChart chart = chart("Loss", "loss", width, height);
        add(chart, "train", history, EpochStats::trainLoss, TRAIN);
        add(chart, "validation", history, EpochStats::valLoss, VALIDATION);
        return chart;
    }

    /** The accuracy chart alone, in percent. */
    public static XYChart accuracyChart(List<EpochStats> history, int width, int height) {
        XYChart chart = chart("Accuracy", "accuracy (%)", width, height);
        add(chart, "train", history, s -> 100 * s.trainAccuracy(), TRAIN);
        add(chart, "validation", history, s -> 100 * s.valAccuracy(), VALIDATION);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        return chart;
    }

    private static XYChart chart(String title, String yTitle, int width, int height) {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle("epoch").yAxisTitle(yTitle).build();
        Styler s = chart.getStyler();
        s.setLegendPosition(Styler.LegendPosition.InsideNE);
        s.setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(0xe0, 0xe0, 0xe0));
        chart.getStyler().setXAxisDecimalPattern("#");
        chart.getStyler().setAntiAlias(true);
        return chart;
    }

    private static void add(XYChart chart, String name, List<EpochStats> history, ToDoubleFunction<EpochStats> f, Color colour) {
        List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
        for (EpochStats s : history) {
            double v = f.applyAsDouble(s);
            if (Double.isFinite(v)) {
                xs.add((double) s.epoch());
                ys.add(v);
            }
        }
        if (xs.isEmpty()) return;
        XYSeries series = chart.addSeries(name, xs, ys);
        series.setLineColor(colour);
        series.setMarkerColor(colour);
        series.setMarker(SeriesMarkers.CIRCLE);
        series.setLineStyle(new BasicStroke(2f));
    }
}
