package jcnn.viz;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import jcnn.nn.Sequential;
import jcnn.tensor.Tensor;

/**
 * Feature maps: what every convolution and pooling layer outputs for one input image, one tile per channel, each
 * map normalised on its own ({@link Style#MAPS}: min–max, so an all-zero map is black).
 *
 * <pre>{@code
 * BufferedImage overview = FeatureMaps.overview(model, image);   // input and every layer, captioned
 * TileGrid conv1 = FeatureMaps.grid(trace.get(0).output(), 0, Style.MAPS, 0);
 * }</pre>
 */
public final class FeatureMaps {
    /** At most this many tiles per row in the overview. */
    public static final int OVERVIEW_COLUMNS = 16;

    private FeatureMaps() {}

    /**
     * Sample {@code n} of {@code output} (N, C, H, W) as C tiles; tile c shows channel c.
     *
     * @param columns tiles per row (0: about square)
     */
    public static TileGrid grid(Tensor output, int n, Style style, int columns) {
        int[] s = output.shape();
        if (s.length != 4) throw new IllegalArgumentException("FeatureMaps: expected (N, C, H, W) maps, got shape " + Tensor.shapeString(s));
        if (n < 0 || n >= s[0]) throw new IllegalArgumentException("FeatureMaps: sample " + n + " outside [0, " + s[0] + ")");
        int c = s[1], plane = s[2] * s[3];
        TileGrid grid = new TileGrid(c, s[2], s[3], columns, style.scaleFor(s[3]), style.gap());
        float[] d = output.data();
        for (int ch = 0; ch < c; ch++) grid.drawGrey(ch, style.scaling().apply(d, (n * c + ch) * plane, plane));
        return grid;
    }

    /**
     * One image (1, C, H, W) or (C, H, W) as a single tile: colour for 3 channels, grey for 1 (other channel
     * counts: channel 0), min–max over the whole image.
     */
    public static TileGrid image(Tensor image, int tilePixels) {
        int[] s = image.shape();
        if (s.length == 4 && s[0] == 1) s = new int[] {s[1], s[2], s[3]};
        if (s.length != 3) throw new IllegalArgumentException("FeatureMaps: expected one image (1, C, H, W) or (C, H, W), got shape " + Tensor.shapeString(image.shape()));
        int c = s[0], h = s[1], w = s[2], plane = h * w;
        TileGrid grid = new TileGrid(1, h, w, 1, TileGrid.scaleFor(w, tilePixels), 0);
        float[] v = Scaling.MIN_MAX.apply(image.data(), 0, c == 3 ? 3 * plane : plane);
        if (c == 3) {
            grid.drawColour(0, java.util.Arrays.copyOfRange(v, 0, plane), java.util.Arrays.copyOfRange(v, plane, 2 * plane),
                    java.util.Arrays.copyOfRange(v, 2 * plane, 3 * plane));
        } else {
            grid.drawGrey(0, v);
        }
        return grid;
    }

    /** The input and the feature maps of every convolution and pooling layer, captioned, in one picture. */
    public static BufferedImage overview(Sequential model, Tensor input) {
        return overview(LayerTrace.run(model, checkOne(input)), input, Style.MAPS);
    }

    /** The same from a finished trace of {@code input}. */
    public static BufferedImage overview(List<LayerTrace.Step> trace, Tensor input, Style style) {
        Sheet sheet = new Sheet();
        sheet.add("input " + Tensor.shapeString(dropBatch(input.shape())), image(input, 3 * style.tilePixels() / 2).image());
        for (LayerTrace.Step step : trace) {
            if (!step.isFeatureMap()) continue;
            int c = step.output().size(1);
            sheet.add(caption(step), grid(step.output(), 0, style, Math.min(c, OVERVIEW_COLUMNS)).image());
        }
        return sheet.render();
    }

    /**
     * Writes {@code input.png}, one {@code layer-<index>-<name>.png} per convolution and pooling layer, and
     * {@code overview.png} into {@code dir}; returns the files written.
     */
    public static List<Path> write(Sequential model, Tensor input, Path dir, Style style) throws IOException {
        List<LayerTrace.Step> trace = LayerTrace.run(model, checkOne(input));
        List<Path> files = new ArrayList<>();
        Path in = dir.resolve("input.png");
        Png.write(image(input, 3 * style.tilePixels() / 2).image(), in);
        files.add(in);
        for (LayerTrace.Step step : trace) {
            if (!step.isFeatureMap()) continue;
            Path f = dir.resolve(String.format(Locale.ROOT, "layer-%02d-%s.png", step.index(),
                    step.layer().getClass().getSimpleName().toLowerCase(Locale.ROOT)));
            Png.write(grid(step.output(), 0, style, 0).image(), f);
            files.add(f);
        }
        Path all = dir.resolve("overview.png");
        Png.write(overview(trace, input, style), all);
        files.add(all);
        return files;
    }

    /** "0: Conv2d(1, 8, kernelSize=5) → (8, 24, 24)". */
    public static String caption(LayerTrace.Step step) {
        String name = step.name().equals(Integer.toString(step.index())) ? "" : " '" + step.name() + "'";
        return step.index() + name + ": " + step.layer() + " \u2192 " + Tensor.shapeString(dropBatch(step.output().shape()));
    }

    static Tensor checkOne(Tensor input) {
        int[] s = input.shape();
        if (s.length == 3) return input.reshape(1, s[0], s[1], s[2]);
        if (s.length != 4 || s[0] != 1) {
            throw new IllegalArgumentException("expected one image (1, C, H, W) or (C, H, W), got shape " + Tensor.shapeString(s));
        }
        return input;
    }

    static int[] dropBatch(int[] s) {
        return s.length > 1 && s[0] == 1 ? java.util.Arrays.copyOfRange(s, 1, s.length) : s;
    }
}
