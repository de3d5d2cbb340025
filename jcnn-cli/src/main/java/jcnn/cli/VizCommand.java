package jcnn.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import jcnn.data.Dataset;
import jcnn.data.Datasets;
import jcnn.nn.Conv2d;
import jcnn.nn.Sequential;
import jcnn.tensor.Tensor;
import jcnn.train.Evaluation;
import jcnn.train.Trainer;
import jcnn.viz.ConfusionChart;
import jcnn.viz.Deconvnet;
import jcnn.viz.FeatureMaps;
import jcnn.viz.FilterImages;
import jcnn.viz.ImageInput;
import jcnn.train.ModelInfo;
import jcnn.viz.Png;
import jcnn.viz.Saliency;
import jcnn.viz.Scaling;
import jcnn.viz.Style;
import jcnn.viz.TrainingCurves;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jcnn viz}: pictures of a model as PNG files: its filters, the feature maps of an image, deconvnet
 * reconstructions, saliency maps, training curves and the confusion matrix.
 */
@Command(name = "viz", mixinStandardHelpOptions = true,
        description = "Draw a model as PNG pictures: filters, feature maps, deconvnet reconstructions, saliency, training curves, confusion matrix.",
        subcommands = {VizCommand.Filters.class, VizCommand.Maps.class, VizCommand.Deconv.class, VizCommand.SaliencyMap.class,
                       VizCommand.Curves.class, VizCommand.Confusion.class},
        footerHeading = "%nExamples:%n",
        footer = {"  jcnn viz filters runs/simple-mnist10k.jcnn",
                  "  jcnn viz maps runs/simple-mnist10k.jcnn digit.png -o maps/",
                  "  jcnn viz deconv runs/simple-mnist10k.jcnn --layer 2 --channel 5 --top 9",
                  "  jcnn viz saliency runs/simple-mnist10k.jcnn digit.png",
                  "  jcnn viz curves runs/simple-mnist10k.jcnn -o curves.png",
                  "  jcnn viz confusion runs/simple-mnist10k.jcnn"})
final class VizCommand implements Callable<Integer> {
    static {
        // Pictures are drawn off-screen: never look for a display (a stale DISPLAY would make AWT fail).
        System.setProperty("java.awt.headless", "true");
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(System.out);
        return 0;
    }

    /** A model and what its file records. */
    record Model(Sequential net, int[] sampleShape, ModelInfo info, ModelSource.Loaded loaded) {
        static Model load(String spec) throws IOException {
            ModelSource.Loaded l = ModelSource.load(spec);
            ModelInfo info;
            try {
                info = l.contents() == null ? new ModelInfo(null, null, null) : ModelInfo.of(l.contents());
            } catch (IllegalArgumentException e) {
                throw new IOException(spec + ": " + e.getMessage(), e);
            }
            return new Model(l.model(), l.sampleShape(), info, l);
        }

        int[] batch(int n) {
            return loaded.batchInputShape(n);
        }

        String dataSpec(String given) {
            if (given != null) return given;
            String recorded = loaded.contents() == null ? null : loaded.contents().info("data");
            return recorded != null ? recorded : "mnist10k";
        }

        /** An image file as the model's input, before normalisation. */
        Tensor image(Path file, ImageInput.Fit fit) throws IOException {
            if (!java.nio.file.Files.isRegularFile(file)) throw new Main.UsageException("no image file " + file);
            if (sampleShape.length != 3) throw new Main.UsageException("the model's input " + Tensor.shapeString(sampleShape) + " is not an image (C, H, W)");
            try {
                return ImageInput.load(file, sampleShape, fit);
            } catch (IllegalArgumentException e) {
                throw new Main.UsageException(e.getMessage());
            }
        }
    }

    static ImageInput.Fit fit(String name) {
        try {
            return ImageInput.Fit.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Main.UsageException("--fit must be auto, digit or stretch, got '" + name + "'");
        }
    }

    static Scaling scaling(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "min-max", "minmax" -> Scaling.MIN_MAX;
            case "symmetric" -> Scaling.SYMMETRIC;
            default -> throw new Main.UsageException("--scaling must be min-max or symmetric, got '" + name + "'");
        };
    }

    static int layerIndex(Sequential net, String layer) {
        try {
            int i = Integer.parseInt(layer.trim());
            if (i < 0 || i >= net.size()) throw new Main.UsageException("--layer " + i + " outside [0, " + net.size() + ")");
            return i;
        } catch (NumberFormatException e) {
            try {
                return net.indexOf(layer.trim());
            } catch (IllegalArgumentException ex) {
                throw new Main.UsageException("--layer: " + ex.getMessage());
            }
        }
    }

    static void wrote(Path p) {
        System.out.println("wrote " + p);
    }

    // ---------------------------------------------------------------------------------------------------

    @Command(name = "filters", mixinStandardHelpOptions = true,
            description = "The learned filters of each convolution layer as a grid (colour for 3 input channels).")
    static final class Filters implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "MODEL", description = "a model file (.jcnn) or layer text")
        String model;

        @Option(names = "--layer", paramLabel = "LAYER", description = "only this layer (index or name); default: every Conv2d")
        String layer;

        @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "folder for filters-<layer>.png (default: .)")
        Path output = Path.of(".");

        @Option(names = "--tile", paramLabel = "PIXELS", description = "about how wide each tile is (default 40)")
        int tile = 40;

        @Option(names = "--gap", paramLabel = "PIXELS", description = "gap between tiles (default 2)")
        int gap = 2;

        @Option(names = "--scaling", paramLabel = "HOW", description = "min-max (default) or symmetric (zero is grey), per filter")
        String scalingName = "min-max";

        @Option(names = "--grey", description = "one grey tile per input channel even for 3-channel filters")
        boolean grey;

        @Override
        public Integer call() throws IOException {
            if (tile < 1 || gap < 0) throw new Main.UsageException("--tile must be >= 1 and --gap >= 0");
            Style style = new Style(scaling(scalingName), tile, gap);
            Model m = Model.load(model);
            List<Integer> layers = new ArrayList<>();
            if (layer != null) {
                int i = layerIndex(m.net(), layer);
                if (!(m.net().get(i) instanceof Conv2d)) throw new Main.UsageException("layer " + i + " (" + m.net().get(i) + ") is not a Conv2d");
                layers.add(i);
            } else {
                for (int i = 0; i < m.net().size(); i++) if (m.net().get(i) instanceof Conv2d) layers.add(i);
                if (layers.isEmpty()) throw new Main.UsageException("the model has no Conv2d layer");
            }
            for (int i : layers) {
                Path f = output.resolve("filters-" + i + ".png");
                Png.write(FilterImages.grid((Conv2d) m.net().get(i), style, !grey).image(), f);
                wrote(f);
            }
            return 0;
        }
    }

    @Command(name = "maps", mixinStandardHelpOptions = true,
            description = "The feature maps of every convolution and pooling layer for one image, and an overview.")
    static final class Maps implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "MODEL", description = "a model file (.jcnn) or layer text")
        String model;

        @Parameters(index = "1", paramLabel = "IMAGE", description = "a PNG, JPEG, GIF or BMP image")
        Path image;

        @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "folder for the pictures (default: maps)")
        Path output = Path.of("maps");

        @Option(names = "--fit", paramLabel = "HOW", description = "auto (default: digit for 1 channel), digit (MNIST-style centring), stretch")
        String fitName = "auto";

        @Option(names = "--tile", paramLabel = "PIXELS", description = "about how wide each map is (default 56)")
        int tile = 56;

        @Override
        public Integer call() throws IOException {
            if (tile < 1) throw new Main.UsageException("--tile must be >= 1");
            ImageInput.Fit f = fit(fitName);
            Model m = Model.load(model);
            Tensor x = m.image(image, f);
            // The maps are of the normalised input the model sees; the input picture is the image as given.
            List<jcnn.viz.LayerTrace.Step> trace = jcnn.viz.LayerTrace.run(m.net(), m.info().prepare(x));
            Style style = Style.MAPS.withTilePixels(tile);
            Path in = output.resolve("input.png");
            Png.write(FeatureMaps.image(x, 3 * tile / 2).image(), in);
            wrote(in);
            for (jcnn.viz.LayerTrace.Step s : trace) {
                if (!s.isFeatureMap()) continue;
                Path p = output.resolve(String.format(Locale.ROOT, "layer-%02d-%s.png", s.index(), s.layer().getClass().getSimpleName().toLowerCase(Locale.ROOT)));
                Png.write(FeatureMaps.grid(s.output(), 0, style, 0).image(), p);
                wrote(p);
            }
            Path all = output.resolve("overview.png");
            Png.write(FeatureMaps.overview(trace, x, style), all);
            wrote(all);
            Tensor logits = trace.get(trace.size() - 1).output();
            if (logits.rank() == 2) System.out.println("predicted class: " + className(m, argmax(logits.data())));
            return 0;
        }
    }

    @Command(name = "deconv", mixinStandardHelpOptions = true,
            description = "Deconvnet (Zeiler & Fergus): the top-k activations of a channel over a set of images, projected back to pixels.")
    static final class Deconv implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "MODEL", description = "a model file (.jcnn) or layer text")
        String model;

        @Option(names = "--layer", paramLabel = "LAYER", required = true, description = "the layer (index or name) whose activations are projected")
        String layer;

        @Option(names = "--channel", paramLabel = "C", description = "the channel (default 0)")
        int channel = 0;

        @Option(names = "--top", paramLabel = "K", description = "how many of the strongest activations (default 9)")
        int top = 9;

        @Option(names = "--data", paramLabel = "DATA", description = "the images searched: a data set (default: the model's, else mnist10k; its test split)")
        String data;

        @Option(names = "--count", paramLabel = "N", description = "search the first N images of the set (default 1000)")
        int count = 1000;

        @Option(names = "--keep", paramLabel = "WHAT", description = "strongest (default: only the strongest activation, as in the paper) or map (the whole channel)")
        String keep = "strongest";

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "the picture (default deconv-<layer>-<channel>.png)")
        Path output;

        @Override
        public Integer call() throws IOException {
            if (top < 1) throw new Main.UsageException("--top must be >= 1, got " + top);
            if (count < 1) throw new Main.UsageException("--count must be >= 1, got " + count);
            Deconvnet.Keep k = switch (keep.trim().toLowerCase(Locale.ROOT)) {
                case "strongest" -> Deconvnet.Keep.STRONGEST;
                case "map" -> Deconvnet.Keep.MAP;
                default -> throw new Main.UsageException("--keep must be strongest or map, got '" + keep + "'");
            };
            Model m = Model.load(model);
            int li = layerIndex(m.net(), layer);
            Deconvnet d;
            try {
                d = new Deconvnet(m.net(), li, channel, m.batch(1));
            } catch (IllegalArgumentException e) {
                throw new Main.UsageException(e.getMessage());
            }
            Dataset set = Datasets.load(m.dataSpec(data), false);
            if (!java.util.Arrays.equals(set.imageShape(), m.sampleShape())) {
                throw new Main.UsageException(set.name() + " has images " + Tensor.shapeString(set.imageShape()) + " but the model takes "
                        + Tensor.shapeString(m.sampleShape()));
            }
            Dataset sub = set.subset(0, Math.min(count, set.size()));
            Tensor raw = sub.images();
            List<Deconvnet.Projection> p = d.topK(m.info().prepare(raw), top, k);
            Path f = output != null ? output : Path.of("deconv-" + li + "-" + channel + ".png");
            Png.write(Deconvnet.render(p, raw, Style.RECONSTRUCTIONS), f);
            wrote(f);
            for (Deconvnet.Projection q : p) {
                System.out.printf(Locale.ROOT, "  image %d (label %s): activation %.4f at (%d, %d)%n", q.image(),
                        sub.className(sub.label(q.image())), q.activation(), q.y(), q.x());
            }
            return 0;
        }
    }

    @Command(name = "saliency", mixinStandardHelpOptions = true,
            description = "Saliency map |d class score / d input| of an image (default class: the predicted one).")
    static final class SaliencyMap implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "MODEL", description = "a model file (.jcnn) or layer text")
        String model;

        @Parameters(index = "1", paramLabel = "IMAGE", description = "a PNG, JPEG, GIF or BMP image")
        Path image;

        @Option(names = "--class", paramLabel = "K", description = "the class (default: the predicted one)")
        Integer cls;

        @Option(names = "--fit", paramLabel = "HOW", description = "auto (default), digit, stretch")
        String fitName = "auto";

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "the picture (default saliency.png)")
        Path output = Path.of("saliency.png");

        @Override
        public Integer call() throws IOException {
            ImageInput.Fit f = fit(fitName);
            Model m = Model.load(model);
            Tensor x = m.image(image, f);
            Tensor prepared = m.info().prepare(x);
            Saliency s = new Saliency(m.net());
            int c = cls != null ? cls : s.predictedClass(prepared);
            Tensor map;
            try {
                map = s.map(prepared, c);
            } catch (IllegalArgumentException e) {
                throw new Main.UsageException(e.getMessage());
            }
            Png.write(Saliency.render(x, map, 112), output);
            wrote(output);
            System.out.println("class: " + className(m, c) + (cls == null ? " (predicted)" : ""));
            return 0;
        }
    }

    @Command(name = "curves", mixinStandardHelpOptions = true,
            description = "Training curves (loss and accuracy per epoch) from a model file's history.")
    static final class Curves implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "MODEL", description = "a model file written by jcnn train")
        Path model;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "the chart (default curves.png)")
        Path output = Path.of("curves.png");

        @Option(names = "--width", paramLabel = "PIXELS", description = "default 1000")
        int width = TrainingCurves.DEFAULT_WIDTH;

        @Option(names = "--height", paramLabel = "PIXELS", description = "default 400")
        int height = TrainingCurves.DEFAULT_HEIGHT;

        @Override
        public Integer call() throws IOException {
            if (width < 200 || height < 150) throw new Main.UsageException("the chart must be at least 200x150 pixels, got " + width + "x" + height);
            if (!java.nio.file.Files.isRegularFile(model)) throw new Main.UsageException("no model file " + model);
            var history = TrainingCurves.history(jcnn.io.ModelFile.load(model));
            if (history.isEmpty()) throw new Main.UsageException(model + " records no training history");
            TrainingCurves.write(output, history, width, height);
            wrote(output);
            return 0;
        }
    }

    @Command(name = "confusion", mixinStandardHelpOptions = true,
            description = "The confusion matrix of a model on a data set's test split, as a heat map.")
    static final class Confusion implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "MODEL", description = "a model file written by jcnn train")
        String model;

        @Option(names = "--data", paramLabel = "DATA", description = "data set (default: the model's, else mnist10k)")
        String data;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "the heat map (default confusion.png)")
        Path output = Path.of("confusion.png");

        @Option(names = "--size", paramLabel = "PIXELS", description = "width and height (default 640)")
        int size = ConfusionChart.DEFAULT_SIZE;

        @Override
        public Integer call() throws IOException {
            if (size < 150) throw new Main.UsageException("--size must be at least 150, got " + size);
            Model m = Model.load(model);
            Dataset set = Datasets.load(m.dataSpec(data), false);
            Evaluation e = Trainer.evaluate(m.net(), set, m.info().normalize(), 200);
            List<String> names = m.info().classes() != null ? m.info().classes() : set.hasClassNames() ? set.classNames() : null;
            ConfusionChart.write(output, e, names, size, size);
            wrote(output);
            System.out.printf(Locale.ROOT, "accuracy %.2f%% on %d images of %s%n", 100 * e.accuracy(), e.count(), set.name());
            return 0;
        }
    }

    static String className(Model m, int c) {
        List<String> names = m.info().classes();
        return names != null && c < names.size() ? names.get(c) + " (" + c + ")" : Integer.toString(c);
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
