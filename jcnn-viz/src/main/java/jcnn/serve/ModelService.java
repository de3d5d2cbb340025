package jcnn.serve;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jcnn.data.Normalize;
import jcnn.io.ModelFile;
import jcnn.nn.Conv2d;
import jcnn.nn.Layer;
import jcnn.nn.Sequential;
import jcnn.tensor.Tensor;
import jcnn.viz.Colormap;
import jcnn.viz.Deconvnet;
import jcnn.viz.FeatureMaps;
import jcnn.viz.FilterImages;
import jcnn.viz.ImageInput;
import jcnn.viz.LayerTrace;
import jcnn.train.ModelInfo;
import jcnn.viz.ModelCopies;
import jcnn.viz.Png;
import jcnn.viz.Saliency;
import jcnn.viz.Scaling;
import jcnn.viz.Style;
import jcnn.viz.TileGrid;

/**
 * What the demo server asks of a model: predictions, feature maps, filters, deconvnet projections and saliency, as
 * plain maps ready for {@link Json#write}.
 *
 * <p>Thread safety: layers keep per-call state, so every use of the model is serialised on this object; the model
 * is a private {@link ModelCopies#copy copy}, and new weights (from a training run) are copied in under the same
 * lock with {@link #loadWeights}, so a request sees either the old weights or the new ones, never a mix.
 *
 * <p>Inputs are pictures in [0, 1] of the model's sample shape (C, H, W); when the model was trained on
 * standardised data, {@code normalize} is applied after ({@code null}: none).
 */
public final class ModelService {
    /** Feature-map tiles in the page: about this many pixels wide. */
    static final int MAP_PIXELS = 48;
    static final int FILTER_PIXELS = 32;
    static final int MAP_COLUMNS = 8;

    private final Sequential model;
    private final int[] sampleShape;
    private final List<String> classNames;
    private final Normalize normalize;
    private String description;
    private Saliency saliency;
    private long version;

    /**
     * @param sampleShape one input (C, H, W)
     * @param classNames  a name per output class, or null for "0", "1", ...
     * @param normalize   applied to every input after it is brought to [0, 1] (null: none)
     * @param description a line about where the model came from (shown on the page)
     */
    public ModelService(Sequential model, int[] sampleShape, List<String> classNames, Normalize normalize, String description) {
        if (sampleShape.length != 3) throw new IllegalArgumentException("ModelService: the input must be one image (C, H, W), got " + Tensor.shapeString(sampleShape));
        this.model = ModelCopies.copy(model);
        this.sampleShape = sampleShape.clone();
        int[] out = this.model.outputShape(batch(1));
        if (out.length != 2) throw new IllegalArgumentException("ModelService: the model must output class scores (N, K), it outputs " + Tensor.shapeString(out));
        int k = out[1];
        List<String> names = new ArrayList<>();
        for (int c = 0; c < k; c++) names.add(classNames != null && c < classNames.size() ? classNames.get(c) : Integer.toString(c));
        this.classNames = List.copyOf(names);
        this.normalize = normalize;
        this.description = description == null ? "" : description;
    }

    /**
     * The service for a model file written by {@code jcnn train} (or {@link DemoModel}): it reads the input shape
     * ({@code input-shape}), the class names ({@code classes}, comma-separated) and the normalisation
     * ({@code normalize-mean}, {@code normalize-std}) from the file's info.
     *
     * @throws IllegalArgumentException naming the key when one is missing or malformed
     */
    public static ModelService of(ModelFile.Contents c, String description) {
        ModelInfo info = ModelInfo.of(c);
        if (info.sampleShape() == null) throw new IllegalArgumentException("the model file does not record its input shape (info 'input-shape')");
        return new ModelService(c.model(), info.sampleShape(), info.classes(), info.normalize(), description);
    }

    /** The normalisation applied to inputs (null: none). */
    public Normalize normalize() {
        return normalize;
    }

    public int[] sampleShape() {
        return sampleShape.clone();
    }

    public int classes() {
        return classNames.size();
    }

    int[] batch(int n) {
        return new int[] {n, sampleShape[0], sampleShape[1], sampleShape[2]};
    }

    // ---------------------------------------------------------------------------------------------------
    // Inputs
    // ---------------------------------------------------------------------------------------------------

    /** A picture brought to the model's input (before normalisation): (1, C, H, W) in [0, 1]. */
    public Tensor input(BufferedImage image, ImageInput.Fit fit) {
        return ImageInput.toTensor(image, sampleShape, fit);
    }

    /** Raw pixel values, C·H·W of them, row-major, as the model's input. */
    public Tensor input(float[] pixels) {
        int n = sampleShape[0] * sampleShape[1] * sampleShape[2];
        if (pixels.length != n) {
            throw new IllegalArgumentException("\"pixels\" has " + pixels.length + " values; the model takes " + Tensor.shapeString(sampleShape)
                    + " = " + n + " values (channels, rows, columns; row-major)");
        }
        return Tensor.of(pixels, batch(1));
    }

    private Tensor normalized(Tensor x) {
        return normalize == null ? x : normalize.apply(x);
    }

    // ---------------------------------------------------------------------------------------------------
    // Queries (each serialised on this object)
    // ---------------------------------------------------------------------------------------------------

    /** The model: layers, shapes, classes, which layers have feature maps and filters, and where it came from. */
    public synchronized Map<String, Object> info() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("description", description);
        out.put("inputShape", sampleShape);
        out.put("classes", classNames);
        out.put("version", version);
        List<int[]> shapes = model.outputShapes(batch(1));
        List<Integer> projectable = Deconvnet.projectableLayers(model, batch(1));
        List<Object> layers = new ArrayList<>();
        for (int i = 0; i < model.size(); i++) {
            Layer l = model.get(i);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", i);
            m.put("name", model.nameOf(i));
            m.put("layer", l.toString());
            m.put("outputShape", java.util.Arrays.copyOfRange(shapes.get(i), 1, shapes.get(i).length));
            m.put("parameters", l.parameterCount());
            m.put("featureMaps", shapes.get(i).length == 4 && LayerTrace.isConvOrPool(l));
            m.put("filters", l instanceof Conv2d);
            m.put("deconv", projectable.contains(i));
            layers.add(m);
        }
        out.put("layers", layers);
        return out;
    }

    /** Class probabilities (softmax of the scores) and the predicted class. */
    public synchronized Map<String, Object> predict(Tensor input) {
        Tensor logits = model.predict(normalized(input));
        return prediction(logits.data());
    }

    private Map<String, Object> prediction(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) max = Math.max(max, v);
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) sum += p[i] = Math.exp(logits[i] - max);
        int best = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
            if (p[i] > p[best]) best = i;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("predicted", best);
        out.put("label", classNames.get(best));
        out.put("probabilities", p);
        out.put("version", version);
        return out;
    }

    /** The prediction, the input as the model sees it, and the feature maps of every convolution and pooling layer. */
    public synchronized Map<String, Object> analyze(Tensor input) {
        List<LayerTrace.Step> trace = LayerTrace.run(model, normalized(input));
        Map<String, Object> out = prediction(trace.get(trace.size() - 1).output().data());
        out.put("input", Png.dataUrl(FeatureMaps.image(input, 112).image()));
        List<Object> maps = new ArrayList<>();
        Style style = Style.MAPS.withTilePixels(MAP_PIXELS);
        for (LayerTrace.Step s : trace) {
            if (!s.isFeatureMap()) continue;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", s.index());
            m.put("caption", FeatureMaps.caption(s));
            int c = s.output().size(1);
            m.put("image", Png.dataUrl(FeatureMaps.grid(s.output(), 0, style, Math.min(c, MAP_COLUMNS)).image()));
            maps.add(m);
        }
        out.put("layers", maps);
        return out;
    }

    /** The filters of every {@link Conv2d} (or only of layer {@code only}, when not null). */
    public synchronized List<Object> filters(Integer only) {
        if (only != null) {
            checkLayer(only);
            if (!(model.get(only) instanceof Conv2d)) throw new IllegalArgumentException("layer " + only + " (" + model.get(only) + ") is not a Conv2d and has no filters");
        }
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < model.size(); i++) {
            if (!(model.get(i) instanceof Conv2d conv) || (only != null && only != i)) continue;
            int tiles = conv.weight().shape()[0] * (conv.weight().shape()[1] == 3 ? 1 : conv.weight().shape()[1]);
            TileGrid g = FilterImages.grid(conv, Style.FILTERS.withTilePixels(tiles > 64 ? FILTER_PIXELS / 2 : FILTER_PIXELS), true);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", i);
            m.put("caption", i + ": " + conv + " weight " + Tensor.shapeString(conv.weight().shape()));
            m.put("image", Png.dataUrl(g.image()));
            out.add(m);
        }
        return out;
    }

    /**
     * The deconvnet projection of the strongest activation of {@code channel} in layer {@code layer} for this input;
     * a null channel means the channel whose strongest activation is the largest.
     */
    public synchronized Map<String, Object> deconv(Tensor input, int layer, Integer channel) {
        checkLayer(layer);
        Tensor x = normalized(input);
        if (channel == null) {
            new Deconvnet(model, layer, 0, batch(1)); // says why when the layer cannot be projected from
            channel = strongestChannel(x, layer);
        }
        Deconvnet d = new Deconvnet(model, layer, channel, batch(1));
        Deconvnet.Projection p = d.project(x, Deconvnet.Keep.STRONGEST);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("layer", layer);
        out.put("channel", channel);
        out.put("activation", p.activation());
        out.put("position", new int[] {p.y(), p.x()});
        TileGrid g = new TileGrid(1, sampleShape[1], sampleShape[2], 1, TileGrid.scaleFor(sampleShape[2], 112), 0);
        float[] rec = p.reconstruction().data();
        int plane = sampleShape[1] * sampleShape[2];
        float[] sum = new float[plane];
        for (int c = 0; c < sampleShape[0]; c++) for (int q = 0; q < plane; q++) sum[q] += rec[c * plane + q];
        g.drawGrey(0, Scaling.SYMMETRIC.apply(sum));
        out.put("image", Png.dataUrl(g.image()));
        return out;
    }

    private int strongestChannel(Tensor x, int layer) {
        Tensor h = x;
        for (int i = 0; i <= layer; i++) h = model.get(i).forward(h, false);
        if (h.rank() != 4) throw new IllegalArgumentException("layer " + layer + " outputs " + Tensor.shapeString(h.shape()) + ", not feature maps");
        int c = h.size(1), plane = h.size(2) * h.size(3), best = 0;
        float bestValue = Float.NEGATIVE_INFINITY;
        for (int ch = 0; ch < c; ch++) {
            for (int p = 0; p < plane; p++) {
                float v = h.data()[ch * plane + p];
                if (v > bestValue) {
                    bestValue = v;
                    best = ch;
                }
            }
        }
        return best;
    }

    /** The saliency map for class {@code cls} (null: the predicted class). */
    public synchronized Map<String, Object> saliency(Tensor input, Integer cls) {
        if (saliency == null) saliency = new Saliency(model);
        Tensor x = normalized(input);
        int c = cls == null ? saliency.predictedClass(x) : cls;
        if (c < 0 || c >= classes()) throw new IllegalArgumentException("class " + c + " outside [0, " + classes() + ")");
        Tensor map = saliency.map(x, c);
        TileGrid g = new TileGrid(1, sampleShape[1], sampleShape[2], 1, TileGrid.scaleFor(sampleShape[2], 112), 0);
        g.drawRgb(0, Colormap.HOT.apply(Scaling.MIN_MAX.apply(map.data())));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("class", c);
        out.put("image", Png.dataUrl(g.image()));
        return out;
    }

    /** Copies new weights in (from a training run); the next request sees them. */
    public synchronized void loadWeights(Map<String, Tensor> state) {
        model.loadStateDict(state);
        saliency = null;
        version++;
    }

    /** Replaces the line about where the model came from (after a training run, say). */
    public synchronized void setDescription(String text) {
        this.description = text == null ? "" : text;
    }

    /** How many times the weights were replaced. */
    public synchronized long version() {
        return version;
    }

    private void checkLayer(int layer) {
        if (layer < 0 || layer >= model.size()) throw new IllegalArgumentException("layer " + layer + " outside [0, " + model.size() + ")");
    }
}
