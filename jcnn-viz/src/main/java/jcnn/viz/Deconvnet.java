package jcnn.viz;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import jcnn.nn.AdaptiveAvgPool2d;
import jcnn.nn.AvgPool2d;
import jcnn.nn.BatchNorm2d;
import jcnn.nn.Conv2d;
import jcnn.nn.ConvTranspose2d;
import jcnn.nn.Dropout;
import jcnn.nn.Layer;
import jcnn.nn.MaxPool2d;
import jcnn.nn.MaxUnpool2d;
import jcnn.nn.ReLU;
import jcnn.nn.Sequential;
import jcnn.tensor.IntTensor;
import jcnn.tensor.Tensor;

/**
 * The deconvnet of Zeiler &amp; Fergus (2014), "Visualizing and Understanding Convolutional Networks": projects an
 * activation of a hidden layer back to pixel space, showing which input pattern excited it.
 *
 * <p>The image is run forward to the chosen layer, recording the max-pooling switches (where each maximum was).
 * Every activation of that layer except the chosen one is set to zero ({@link Keep#STRONGEST}: only the strongest
 * activation of the chosen channel, as in the paper; {@link Keep#MAP}: that channel's whole map). The result is
 * then inverted layer by layer down to the input:
 * <ul>
 *   <li>{@link MaxPool2d}: {@link MaxUnpool2d} with the recorded switches;</li>
 *   <li>{@link ReLU}: ReLU again (the reconstruction stays positive, as the feature maps were);</li>
 *   <li>{@link Conv2d}: the transposed filters, a {@link ConvTranspose2d} with the convolution's stride, dilation
 *       and groups sharing its weight (PyTorch's layouts make the tensors identical), no bias; the convolution's
 *       padding (any, "same" included) is cropped off afterwards;</li>
 *   <li>{@link BatchNorm2d}: its per-channel scale γ/√(var+ε) (the transposed linear part of its evaluation
 *       form); {@link Dropout}: nothing (it is the identity at evaluation);</li>
 *   <li>{@link AvgPool2d}, {@link AdaptiveAvgPool2d}: their transposes (each value spread evenly over its window).</li>
 * </ul>
 * Any other layer below the chosen one (a fully connected layer, say) cannot be projected through, and the
 * constructor's checks say which.
 *
 * <p>Not thread-safe: it runs the model's own layers. Give each thread its own model.
 */
public final class Deconvnet {
    /** Which activations of the chosen layer survive before projecting down. */
    public enum Keep {
        /** Only the largest activation of the chosen channel (Zeiler &amp; Fergus). */
        STRONGEST,
        /** The chosen channel's whole map; the other channels are zeroed. */
        MAP
    }

    /**
     * One projection.
     *
     * @param image          which image of the set (0 for a single image)
     * @param activation     the strongest activation of the chosen channel in that image
     * @param y              its row in the layer's output
     * @param x              its column
     * @param reconstruction the projection in pixel space, (C, H, W) like the input
     */
    public record Projection(int image, float activation, int y, int x, Tensor reconstruction) {}

    private final Sequential model;
    private final int layer;
    private final int channel;

    /**
     * Projects from channel {@code channel} of layer {@code layer}'s output.
     *
     * @throws IllegalArgumentException when the layer does not exist, its output is not (N, C, H, W), the channel is
     *                                  out of range for {@code inputShape}, or a layer at or below it cannot be inverted
     */
    public Deconvnet(Sequential model, int layer, int channel, int... inputShape) {
        if (layer < 0 || layer >= model.size()) {
            throw new IllegalArgumentException("Deconvnet: layer " + layer + " outside [0, " + model.size() + ")");
        }
        for (int i = 0; i <= layer; i++) {
            if (!invertible(model.get(i))) {
                throw new IllegalArgumentException("Deconvnet: cannot project through layer " + i + " ('" + model.nameOf(i) + "') "
                        + model.get(i) + "; the layers up to the chosen one must be Conv2d, MaxPool2d, ReLU, BatchNorm2d, "
                        + "Dropout, AvgPool2d or AdaptiveAvgPool2d");
            }
        }
        int[] out = model.outputShapes(inputShape).get(layer);
        if (out.length != 4) {
            throw new IllegalArgumentException("Deconvnet: layer " + layer + " outputs " + Tensor.shapeString(out) + ", not (N, C, H, W) maps");
        }
        if (channel < 0 || channel >= out[1]) {
            throw new IllegalArgumentException("Deconvnet: channel " + channel + " outside [0, " + out[1] + ") of layer " + layer + " " + model.get(layer));
        }
        this.model = model;
        this.layer = layer;
        this.channel = channel;
    }

    /** Whether the deconvnet can pass through {@code l}. */
    public static boolean invertible(Layer l) {
        return l instanceof Conv2d || l.getClass() == MaxPool2d.class || l instanceof ReLU || l instanceof BatchNorm2d
                || l instanceof Dropout || l.getClass() == AvgPool2d.class || l instanceof AdaptiveAvgPool2d;
    }

    /** The layers the deconvnet can start from: those with feature maps and only invertible layers up to them. */
    public static List<Integer> projectableLayers(Sequential model, int... inputShape) {
        List<Integer> out = new ArrayList<>();
        List<int[]> shapes = model.outputShapes(inputShape);
        for (int i = 0; i < model.size() && invertible(model.get(i)); i++) {
            if (shapes.get(i).length == 4) out.add(i);
        }
        return out;
    }

    public int layer() { return layer; }
    public int channel() { return channel; }

    // ---------------------------------------------------------------------------------------------------
    // Projection
    // ---------------------------------------------------------------------------------------------------

    /** Projects the chosen channel's activations for one image (1, C, H, W) or (C, H, W). */
    public Projection project(Tensor image, Keep keep) {
        return project(FeatureMaps.checkOne(image), 0, keep);
    }

    /**
     * The {@code k} images of {@code images} (N, C, H, W) whose strongest activation of the chosen channel is the
     * largest, each projected down, strongest first.
     */
    public List<Projection> topK(Tensor images, int k, Keep keep) {
        int[] s = images.shape();
        if (s.length != 4 || s[0] < 1) throw new IllegalArgumentException("Deconvnet: expected images (N, C, H, W), got shape " + Tensor.shapeString(s));
        if (k < 1) throw new IllegalArgumentException("Deconvnet: k must be >= 1, got " + k);
        float[] strongest = strongestPerImage(images);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < s[0]; i++) order.add(i);
        order.sort(Comparator.comparingDouble((Integer i) -> -strongest[i]).thenComparingInt(i -> i));
        int per = s[1] * s[2] * s[3];
        List<Projection> out = new ArrayList<>();
        for (int r = 0; r < Math.min(k, s[0]); r++) {
            int i = order.get(r);
            Tensor one = Tensor.zeros(1, s[1], s[2], s[3]);
            System.arraycopy(images.data(), i * per, one.data(), 0, per);
            out.add(project(one, i, keep));
        }
        return out;
    }

    /** The strongest activation of the chosen channel in each image, batch by batch. */
    private float[] strongestPerImage(Tensor images) {
        int[] s = images.shape();
        int n = s[0], per = s[1] * s[2] * s[3], batch = 64;
        float[] out = new float[n];
        for (int from = 0; from < n; from += batch) {
            int m = Math.min(batch, n - from);
            Tensor x = Tensor.zeros(m, s[1], s[2], s[3]);
            System.arraycopy(images.data(), from * per, x.data(), 0, m * per);
            Tensor h = x;
            for (int i = 0; i <= layer; i++) h = model.get(i).forward(h, false);
            int[] hs = h.shape();
            int plane = hs[2] * hs[3];
            for (int j = 0; j < m; j++) {
                int off = (j * hs[1] + channel) * plane;
                float best = Float.NEGATIVE_INFINITY;
                for (int p = 0; p < plane; p++) best = Math.max(best, h.data()[off + p]);
                out[from + j] = best;
            }
        }
        return out;
    }

    private Projection project(Tensor image, int imageIndex, Keep keep) {
        // Forward to the chosen layer, keeping each layer's input and each max pooling's switches.
        Tensor[] inputs = new Tensor[layer + 1];
        IntTensor[] switches = new IntTensor[layer + 1];
        Tensor h = image;
        for (int i = 0; i <= layer; i++) {
            Layer l = model.get(i);
            inputs[i] = h;
            if (l instanceof MaxPool2d pool) {
                h = pool.forward(h, true).copy(); // training and evaluation outputs agree; training keeps the switches
                switches[i] = pool.indices().copy();
            } else {
                h = l.forward(h, false).copy();
            }
        }
        // Keep one channel (or one activation of it); zero the rest.
        int[] hs = h.shape();
        int plane = hs[2] * hs[3], off = channel * plane;
        int best = 0;
        for (int p = 1; p < plane; p++) if (h.data()[off + p] > h.data()[off + best]) best = p;
        float activation = h.data()[off + best];
        Tensor signal = Tensor.zeros(hs);
        if (keep == Keep.STRONGEST) signal.data()[off + best] = activation;
        else System.arraycopy(h.data(), off, signal.data(), off, plane);
        // Down, layer by layer.
        for (int i = layer; i >= 0; i--) signal = invert(model.get(i), signal, inputs[i], switches[i]);
        int[] is = image.shape();
        return new Projection(imageIndex, activation, best / hs[3], best % hs[3], signal.reshape(is[1], is[2], is[3]).copy());
    }

    private static Tensor invert(Layer l, Tensor signal, Tensor input, IntTensor switches) {
        int[] in = input.shape();
        if (l instanceof Conv2d conv) return transposedFilters(conv, signal, in);
        if (l instanceof MaxPool2d pool) {
            int[] k = pool.kernelSize(), s = pool.stride(), p = pool.padding();
            return new MaxUnpool2d(k[0], k[1]).stride(s[0], s[1]).padding(p[0], p[1]).forward(signal, switches, in).copy();
        }
        if (l instanceof ReLU) {
            Tensor out = signal.copy();
            float[] d = out.data();
            for (int i = 0; i < d.length; i++) d[i] = Math.max(d[i], 0f);
            return out;
        }
        if (l instanceof Dropout) return signal;
        if (l instanceof BatchNorm2d bn) return ModelCopies.batchNormScale(bn, signal, input);
        // Average pooling: the transpose of a linear map is its backward pass.
        l.forward(input, true);
        return l.backward(signal).copy();
    }

    /** The convolution's transpose applied to {@code signal} (N, out, oh, ow), giving (N, in, H, W) = {@code in}. */
    static Tensor transposedFilters(Conv2d conv, Tensor signal, int[] in) {
        int[] k = conv.kernelSize(), st = conv.stride(), dil = conv.dilation();
        int[] pad = conv.padding().resolve(k[0], k[1], dil[0], dil[1]);
        ConvTranspose2d t = new ConvTranspose2d(conv.outChannels(), conv.inChannels(), k[0], k[1])
                .stride(st[0], st[1]).dilation(dil[0], dil[1]).groups(conv.groups()).bias(false);
        t.weight().value().copyFrom(conv.weight().value());
        // Without padding the transposed convolution gives the padded input's size, less any rows and columns
        // the convolution's windows never reached; crop the padding off, and leave those unreached ones zero.
        Tensor full = t.forward(signal, false);
        int[] fs = full.shape();
        Tensor out = Tensor.zeros(in);
        int n = in[0], c = in[1], h = in[2], w = in[3];
        float[] src = full.data(), dst = out.data();
        for (int b = 0; b < n * c; b++) {
            for (int y = 0; y < h; y++) {
                int sy = y + pad[0];
                if (sy >= fs[2]) break;
                for (int x = 0; x < w; x++) {
                    int sx = x + pad[2];
                    if (sx >= fs[3]) break;
                    dst[(b * h + y) * w + x] = src[(b * fs[2] + sy) * fs[3] + sx];
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------------
    // Pictures
    // ---------------------------------------------------------------------------------------------------

    /**
     * The projections as a picture: the images (top row) and their reconstructions (bottom row), reconstructions
     * scaled with {@code style} (by default zero is grey).
     *
     * @param images the images the projections came from ((N, C, H, W); index {@link Projection#image()})
     */
    public static BufferedImage render(List<Projection> projections, Tensor images, Style style) {
        if (projections.isEmpty()) throw new IllegalArgumentException("Deconvnet.render: no projections");
        int[] s = images.shape();
        int c = s[1], h = s[2], w = s[3], per = c * h * w, plane = h * w, k = projections.size();
        int scale = style.scaleFor(w);
        TileGrid top = new TileGrid(k, h, w, k, scale, style.gap());
        TileGrid bottom = new TileGrid(k, h, w, k, scale, style.gap());
        for (int i = 0; i < k; i++) {
            Projection p = projections.get(i);
            float[] img = Scaling.MIN_MAX.apply(images.data(), p.image() * per, c == 3 ? per : plane);
            float[] rec = p.reconstruction().data();
            if (c == 3) {
                float[] v = style.scaling().apply(rec, 0, per);
                top.drawColour(i, slice(img, 0, plane), slice(img, plane, plane), slice(img, 2 * plane, plane));
                bottom.drawColour(i, slice(v, 0, plane), slice(v, plane, plane), slice(v, 2 * plane, plane));
            } else {
                top.drawGrey(i, img);
                // Several channels: show their sum, the input's total contribution.
                float[] sum = new float[plane];
                for (int ch = 0; ch < c; ch++) for (int q = 0; q < plane; q++) sum[q] += rec[ch * plane + q];
                bottom.drawGrey(i, style.scaling().apply(sum));
            }
        }
        StringBuilder caption = new StringBuilder("images (strongest first), activations:");
        for (Projection p : projections) caption.append(String.format(Locale.ROOT, " %.3g", p.activation()));
        return new Sheet().add(caption.toString(), top.image()).add("deconvnet reconstructions", bottom.image()).render();
    }

    private static float[] slice(float[] v, int from, int n) {
        return java.util.Arrays.copyOfRange(v, from, from + n);
    }
}
