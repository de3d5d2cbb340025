package jcnn.viz;

import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jcnn.train.Evaluation;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.style.HeatMapStyler;
import org.knowm.xchart.style.Styler;

/**
 * The confusion matrix of an {@link Evaluation} as a heat map (XChart): true classes down the side (the first at
 * the top), predicted classes along the bottom. Each cell's colour is the fraction of its true class predicted as
 * that class (so rare classes are as readable as common ones), printed in the cell as a percentage; the diagonal
 * is the per-class accuracy. The counts are {@link Evaluation#report}'s.
 */
public final class ConfusionChart {
    public static final int DEFAULT_SIZE = 640;
    /** The colour of 0% and of 100% (mid-blue, dark enough to stand out, light enough for black labels). */
    static final Color EMPTY = new Color(0xf7, 0xfb, 0xff), FULL = new Color(0x42, 0x92, 0xc6);

    private ConfusionChart() {}

    /** Writes the heat map as a PNG of {@code width × height} pixels. */
    public static void write(Path png, Evaluation eval, List<String> classNames, int width, int height) throws IOException {
        Png.write(render(eval, classNames, width, height), png);
    }

    /** The same at the default size (640 × 640). */
    public static void write(Path png, Evaluation eval, List<String> classNames) throws IOException {
        write(png, eval, classNames, DEFAULT_SIZE, DEFAULT_SIZE);
    }

    public static BufferedImage render(Evaluation eval, List<String> classNames, int width, int height) {
        return BitmapEncoder.getBufferedImage(chart(eval, classNames, width, height));
    }

    /** The chart, for further styling. */
    public static HeatMapChart chart(Evaluation eval, List<String> classNames, int width, int height) {
        int k = eval.classes();
        if (k < 1) throw new IllegalArgumentException("ConfusionChart: the evaluation has no classes");
        if (width < 150 || height < 150) throw new IllegalArgumentException("ConfusionChart: " + width + "x" + height + " is too small; at least 150x150");
        int[][] m = eval.confusion();
        List<String> predicted = new ArrayList<>(), actual = new ArrayList<>();
        for (int c = 0; c < k; c++) predicted.add(name(classNames, c));
        for (int c = k - 1; c >= 0; c--) actual.add(name(classNames, c)); // y runs upwards: the last class at the bottom
        List<Number[]> cells = new ArrayList<>();
        for (int t = 0; t < k; t++) {
            int total = 0;
            for (int v : m[t]) total += v;
            for (int p = 0; p < k; p++) {
                double fraction = total == 0 ? 0 : (double) m[t][p] / total;
                cells.add(new Number[] {p, k - 1 - t, fraction});
            }
        }
        HeatMapChart chart = new HeatMapChartBuilder().width(width).height(height)
                .title(String.format(java.util.Locale.ROOT, "Confusion matrix: accuracy %.2f%%, %d samples", 100 * eval.accuracy(), eval.count()))
                .xAxisTitle("predicted").yAxisTitle("true").build();
        HeatMapStyler s = chart.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setLegendVisible(false);
        s.setShowValue(k <= 20);
        s.setMin(0);
        s.setMax(1);
        s.setRangeColors(new Color[] {EMPTY, new Color(0x9e, 0xca, 0xe1), FULL});
        s.setValueFont(new Font(Font.SANS_SERIF, Font.PLAIN, k <= 10 ? 12 : 9));
        s.setValueFontColor(Color.BLACK);
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setHeatMapValueDecimalPattern("0%");
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        chart.addSeries("confusion", predicted, actual, cells);
        return chart;
    }

    private static String name(List<String> names, int c) {
        return names != null && c < names.size() ? names.get(c) : Integer.toString(c);
    }
}
