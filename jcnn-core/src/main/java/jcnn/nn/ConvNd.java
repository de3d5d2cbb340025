package jcnn.nn;

import java.util.ArrayList;
import java.util.List;
import jcnn.kernel.ConvGeometry;
import jcnn.kernel.Convolution;
import jcnn.tensor.Tensor;

/**
 * What {@link Conv2d}, {@link Conv1d}, {@link ConvTranspose2d} and {@link ConvTranspose1d} share: options with
 * PyTorch's names, the weight and bias, shape checks, and the forward/backward passes on one {@link Convolution}
 * engine. A 1-D layer is the 2-D computation with height 1.
 *
 * <p>For a convolution the engine runs forward / backwardData / backwardWeight. For a transposed convolution
 * (the seeds' Deconvolution) the engine describes the convolution whose <em>backward</em> this layer is: its
 * forward is the engine's backwardData, its input gradient the engine's forward, and the weight gradient the
 * same product with the two roles exchanged. There is no separate transposed-convolution loop.
 *
 * @param <T> the concrete layer, so that the option setters chain
 */
public abstract class ConvNd<T extends ConvNd<T>> extends Layer {
    private final int dims;
    private final boolean transposed;
    private final int inChannels;
    private final int outChannels;
    private final int kernelH;
    private final int kernelW;
    private int strideH = 1, strideW = 1;
    private int dilationH = 1, dilationW = 1;
    private int outputPaddingH = 0, outputPaddingW = 0;
    private int groups = 1;
    private boolean hasBias = true;
    private Padding padding = Padding.of(0);
    private Parameter weight;
    private Parameter bias;

    private Convolution engine;
    private Tensor input;
    private Tensor output;
    private Tensor gradInput;

    ConvNd(int dims, boolean transposed, int inChannels, int outChannels, int kernelH, int kernelW) {
        this.dims = dims;
        this.transposed = transposed;
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelH = kernelH;
        this.kernelW = kernelW;
        if (inChannels < 1 || outChannels < 1) {
            throw error("inChannels and outChannels must be >= 1");
        }
        if (kernelH < 1 || kernelW < 1) {
            throw error("kernelSize must be >= 1");
        }
        createParameters();
    }

    @SuppressWarnings("unchecked")
    private T self() {
        return (T) this;
    }

    // ---------------------------------------------------------------------------------------------------
    // Options (PyTorch's names). Setting groups or bias re-creates and re-initialises the parameters.
    // ---------------------------------------------------------------------------------------------------

    /** Stride along every spatial axis. */
    public T stride(int s) {
        return stride(dims == 1 ? 1 : s, s);
    }

    T stride(int sh, int sw) {
        if (sh < 1 || sw < 1) throw error("stride must be >= 1, got " + pair(sh, sw));
        if (dims == 1 && sh != 1) throw error("a 1-D layer has no height stride");
        strideH = sh;
        strideW = sw;
        engine = null;
        return self();
    }

    /** Dilation (spacing between kernel taps) along every spatial axis. */
    public T dilation(int d) {
        return dilation(d, d);
    }

    T dilation(int dh, int dw) {
        if (dh < 1 || dw < 1) throw error("dilation must be >= 1, got " + pair(dh, dw));
        dilationH = dims == 1 ? 1 : dh;
        dilationW = dw;
        engine = null;
        return self();
    }

    /** The same zero padding on every side. */
    public T padding(int p) {
        return padding(dims == 1 ? Padding.of(0, 0, p, p) : Padding.of(p));
    }

    /** "same" (output as large as the input; stride 1 only) or "valid" (no padding). */
    public T padding(String mode) {
        return padding(Padding.of(mode));
    }

    /** Any {@link Padding}. */
    public T padding(Padding p) {
        if (transposed && !p.isSymmetric()) {
            throw error("a transposed convolution takes symmetric padding (an int or a pair), got " + p);
        }
        if (dims == 1 && (p.top() != 0 || p.bottom() != 0)) {
            throw error("a 1-D layer has no height padding, got " + p);
        }
        padding = p;
        engine = null;
        return self();
    }

    /** Splits input and output channels into {@code g} groups convolved separately (PyTorch's {@code groups}). */
    public T groups(int g) {
        if (g < 1) throw error("groups must be >= 1, got " + g);
        if (inChannels % g != 0 || outChannels % g != 0) {
            throw error("groups=" + g + " must divide inChannels=" + inChannels + " and outChannels=" + outChannels);
        }
        groups = g;
        createParameters();
        return self();
    }

    /** With {@code false} the layer has no bias (PyTorch's {@code bias=False}). */
    public T bias(boolean enabled) {
        hasBias = enabled;
        createParameters();
        return self();
    }

    T outputPadding(int oh, int ow) {
        if (!transposed) throw error("outputPadding applies to transposed convolutions only");
        if (oh < 0 || ow < 0) throw error("outputPadding must be >= 0, got " + pair(oh, ow));
        outputPaddingH = dims == 1 ? 0 : oh;
        outputPaddingW = ow;
        engine = null;
        return self();
    }

    // ---------------------------------------------------------------------------------------------------
    // Accessors
    // ---------------------------------------------------------------------------------------------------

    public int inChannels() { return inChannels; }
    public int outChannels() { return outChannels; }
    public int groups() { return groups; }
    public boolean hasBias() { return hasBias; }
    public Padding padding() { return padding; }

    /** Kernel size per spatial axis ({kH, kW}, or {k} for 1-D). */
    public int[] kernelSize() { return axes(kernelH, kernelW); }
    public int[] stride() { return axes(strideH, strideW); }
    public int[] dilation() { return axes(dilationH, dilationW); }
    public int[] outputPadding() { return axes(outputPaddingH, outputPaddingW); }

    /** The weight, (out, in/groups, kH, kW) for a convolution, (in, out/groups, kH, kW) when transposed. */
    public Parameter weight() { return weight; }

    /** The bias (out,), or null without one. */
    public Parameter bias() { return bias; }

    @Override
    public List<Parameter> parameters() {
        return bias == null ? List.of(weight) : List.of(weight, bias);
    }

    // ---------------------------------------------------------------------------------------------------
    // Shapes
    // ---------------------------------------------------------------------------------------------------

    private String layout() {
        return dims == 2 ? "(N, C, H, W)" : "(N, C, L)";
    }

    @Override
    public int[] outputShape(int... inputShape) {
        checkInput(inputShape);
        ConvGeometry g = geometry(height(inputShape), inputShape[inputShape.length - 1]);
        int oh = transposed ? g.height() : g.outH();
        int ow = transposed ? g.width() : g.outW();
        return dims == 2 ? new int[] {inputShape[0], outChannels, oh, ow} : new int[] {inputShape[0], outChannels, ow};
    }

    private void checkInput(int[] shape) {
        checkRank(shape, dims + 2, layout());
        checkDim(shape, 1, inChannels, "channels C", layout());
    }

    private int height(int[] shape) {
        return dims == 2 ? shape[2] : 1;
    }

    /**
     * The geometry of the convolution the engine runs for an input of h × w. For a transposed convolution that
     * is the convolution from this layer's output back to its input.
     */
    private ConvGeometry geometry(int h, int w) {
        if (!transposed) {
            if (padding.mode() == Padding.Mode.SAME && (strideH != 1 || strideW != 1)) {
                throw error("padding='same' is not supported for strided convolutions (stride " + pair(strideH, strideW) + ")");
            }
            int[] pad = padding.resolve(kernelH, kernelW, dilationH, dilationW);
            int oh = ConvGeometry.outputSize(h, kernelH, strideH, pad[0] + pad[1], dilationH);
            int ow = ConvGeometry.outputSize(w, kernelW, strideW, pad[2] + pad[3], dilationW);
            if (oh < 1 || ow < 1) {
                throw error("kernel " + sizeText(kernelH, kernelW) + " (dilation " + pair(dilationH, dilationW)
                        + ") is larger than the padded input: input " + sizeText(h, w) + ", padding " + padding);
            }
            return new ConvGeometry(inChannels / groups, h, w, kernelH, kernelW, strideH, strideW,
                    pad[0], pad[1], pad[2], pad[3], dilationH, dilationW, oh, ow);
        }
        if (outputPaddingH >= Math.max(strideH, dilationH) || outputPaddingW >= Math.max(strideW, dilationW)) {
            throw error("outputPadding " + pair(outputPaddingH, outputPaddingW)
                    + " must be smaller than max(stride, dilation) = "
                    + pair(Math.max(strideH, dilationH), Math.max(strideW, dilationW)));
        }
        int ph = padding.top(), pw = padding.left();
        int oh = (h - 1) * strideH - 2 * ph + dilationH * (kernelH - 1) + outputPaddingH + 1;
        int ow = (w - 1) * strideW - 2 * pw + dilationW * (kernelW - 1) + outputPaddingW + 1;
        if (oh < 1 || ow < 1) {
            throw error("output size " + sizeText(oh, ow) + " is not positive for input " + sizeText(h, w)
                    + ": stride·(in-1) - 2·padding + dilation·(k-1) + outputPadding + 1 with padding " + padding);
        }
        return new ConvGeometry(outChannels / groups, oh, ow, kernelH, kernelW, strideH, strideW,
                ph, ph, pw, pw, dilationH, dilationW, h, w);
    }

    private Convolution engine(int h, int w) {
        ConvGeometry g = engine == null ? null : engine.geometry();
        boolean same = g != null && (transposed ? g.outH() == h && g.outW() == w : g.height() == h && g.width() == w);
        if (!same) {
            engine = new Convolution(geometry(h, w), groups, transposed ? inChannels : outChannels);
        }
        return engine;
    }

    // ---------------------------------------------------------------------------------------------------
    // Forward and backward
    // ---------------------------------------------------------------------------------------------------

    @Override
    public Tensor forward(Tensor x, boolean training) {
        return forward(x, training, false);
    }

    /** Forward with the following ReLU applied as the output is written (see Sequential's fusion). */
    Tensor forward(Tensor x, boolean training, boolean relu) {
        int[] s = x.shape();
        checkInput(s);
        int n = s[0];
        Convolution e = engine(height(s), s[s.length - 1]);
        output = Tensor.reuse(output, outputShape(s));
        float[] w = weight.value().data();
        float[] b = bias == null ? null : bias.value().data();
        if (!transposed) {
            e.forward(x.data(), w, b, output.data(), n, relu);
        } else {
            e.backwardData(x.data(), w, output.data(), n);
            if (b != null) addBias(output.data(), b, n, outChannels, e.geometry().height() * e.geometry().width());
            if (relu) jcnn.kernel.Elementwise.reluForward(output.data(), output.data(), 0, output.numel());
        }
        input = training ? x : null;
        return output;
    }

    /**
     * Forward with the following ReLU applied as the output is written when {@code relu}, and the max pooling after
     * them run image by image in the same parallel pass, each image pooled by the thread that computed it while it is
     * in cache (see Sequential's fusion). Returns the pooling's output; this layer's output is written as always.
     */
    Tensor forwardThenPool(Tensor x, boolean training, boolean relu, MaxPool2d pool) {
        return forwardThenPool(x, training, relu, pool, true);
    }

    /**
     * As above; where {@code outputNeeded} is false (nothing will read this layer's output or the ReLU's: the
     * backward goes through the pooling's indices, see Sequential), a plain 2×2 pooling runs inside the convolution
     * ({@link Convolution#forwardPooled}: in F(4×4, 3×3)'s output transform, or from a per-thread copy of each image's
     * output on the shifted GEMM's path), and this layer's output is not written.
     */
    Tensor forwardThenPool(Tensor x, boolean training, boolean relu, MaxPool2d pool, boolean outputNeeded) {
        if (transposed) throw new IllegalStateException(this + ": a transposed convolution is not fused with pooling");
        int[] s = x.shape();
        checkInput(s);
        Convolution e = engine(height(s), s[s.length - 1]);
        output = Tensor.reuse(output, outputShape(s));
        Tensor pooled = pool.prepareForward(output.shape(), training);
        if (!outputNeeded && pool.halves() && e.forwardPooled(x.data(), weight.value().data(),
                bias == null ? null : bias.value().data(), pooled.data(), pool.indexData(training), s[0], relu)) {
            input = training ? x : null;
            return pooled;
        }
        Tensor y = output;
        e.forward(x.data(), weight.value().data(), bias == null ? null : bias.value().data(), y.data(), s[0], relu,
                (n0, n1) -> pool.forwardImages(y, training, n0, n1));
        input = training ? x : null;
        return pooled;
    }

    /**
     * The backward of the max pooling after this convolution (and of the ReLU between them when {@code relu}) and
     * this layer's backward, with the pooling's run image by image inside the gradients' parallel pass (see
     * Sequential's fusion; both gradients in that one pass where the engine has it, {@link Convolution#backward}):
     * each thread first writes the output gradient of the images it is about to use. With
     * {@code reluOutput}, as {@link #backward(Tensor, Tensor)}. Returns this layer's input gradient, or null when
     * none is required.
     */
    Tensor backwardThroughPool(Tensor poolGrad, MaxPool2d pool, boolean relu, Tensor reluOutput) {
        if (transposed) throw new IllegalStateException(this + ": a transposed convolution is not fused with pooling");
        if (input == null) throw new IllegalStateException(this + ": backward needs a forward with training=true");
        Tensor dy = pool.prepareBackward(poolGrad);
        checkGradOutput(dy, output);
        int n = input.size(0);
        if (isInputGradRequired()) {
            // both gradients in one pass where the engine has one for this shape, the pooling's backward first per group
            gradInput = Tensor.reuse(gradInput, input.shape());
            if (engine.backward(input.data(), dy.data(), weight.value().data(), gradInput.data(), weight.grad().data(),
                    bias == null ? null : bias.grad().data(), n, (n0, n1) -> pool.backwardImages(poolGrad, relu, n0, n1),
                    reluMask(reluOutput, n))) {
                return gradInput;
            }
        }
        if (!isInputGradRequired() && pool.halves() && engine.backwardWeightPooled(input.data(), poolGrad.data(),
                pool.indices().data(), relu ? pool.outputData() : null, weight.grad().data(), bias == null ? null : bias.grad().data(), n)) {
            // the pooling's backward wrote each image's output gradient where the weight gradient reads it (not to dy)
            return null;
        }
        engine.backwardWeight(input.data(), dy.data(), weight.grad().data(), bias == null ? null : bias.grad().data(), n,
                (n0, n1) -> pool.backwardImages(poolGrad, relu, n0, n1));
        if (!isInputGradRequired()) return null;
        gradInput = Tensor.reuse(gradInput, input.shape());
        engine.backwardData(dy.data(), weight.value().data(), gradInput.data(), n, reluMask(reluOutput, n));
        return gradInput;
    }

    /** The backward of a ReLU whose output is this layer's input, on images of the input gradient; null for none. */
    private Convolution.ImageRange reluMask(Tensor reluOutput, int batch) {
        if (reluOutput == null) return null;
        if (!reluOutput.hasShape(input.shape())) {
            throw new IllegalArgumentException(this + ": the ReLU output " + Tensor.shapeString(reluOutput.shape())
                    + " is not this layer's input " + Tensor.shapeString(input.shape()));
        }
        float[] y = reluOutput.data(), dx = gradInput.data();
        int per = batch == 0 ? 0 : reluOutput.numel() / batch;
        return (n0, n1) -> jcnn.kernel.Elementwise.reluBackward(y, dx, dx, n0 * per, n1 * per);
    }

    /** Whether {@link #forwardThenPool} and {@link #backwardThroughPool} apply: a convolution, not a transposed one. */
    boolean fusesPooling() {
        return !transposed;
    }

    /**
     * For an evaluation-mode forward that runs this layer inside a chain (see Sequential): checks the input shape,
     * forgets the last training input (so that a backward cannot use it), and returns the engine for this input and
     * the weights and bias to run with.
     */
    Convolution evaluationEngine(int[] inputShape) {
        if (transposed) throw new IllegalStateException(this + ": a transposed convolution is not chained");
        checkInput(inputShape);
        input = null;
        return engine(height(inputShape), inputShape[inputShape.length - 1]);
    }

    /** The weights' values, in PyTorch's order. */
    float[] weightData() {
        return weight.value().data();
    }

    /** The bias values, or null. */
    float[] biasData() {
        return bias == null ? null : bias.value().data();
    }

    /** The output of the last forward. */
    Tensor lastOutput() {
        return output;
    }

    @Override
    public Tensor backward(Tensor dy) {
        return backward(dy, null);
    }

    /**
     * Backward, and when {@code reluOutput} is not null, the backward of the ReLU before this layer (whose output,
     * this layer's input, it is) applied to each image of the input gradient as soon as it is written, in the same
     * parallel pass (see Sequential's fusion): the input gradient is then zero where that output is not positive.
     */
    Tensor backward(Tensor dy, Tensor reluOutput) {
        checkGradOutput(dy, output);
        if (input == null) throw new IllegalStateException(this + ": backward needs a forward with training=true");
        int n = input.size(0);
        float[] w = weight.value().data();
        if (!transposed && isInputGradRequired()) {
            // both gradients in one pass where the engine has one for this shape
            gradInput = Tensor.reuse(gradInput, input.shape());
            if (engine.backward(input.data(), dy.data(), w, gradInput.data(), weight.grad().data(),
                    bias == null ? null : bias.grad().data(), n, null, reluMask(reluOutput, n))) {
                return gradInput;
            }
        }
        if (!transposed) {
            // the bias gradient is summed alongside, image by image
            engine.backwardWeight(input.data(), dy.data(), weight.grad().data(), bias == null ? null : bias.grad().data(), n);
        } else {
            engine.backwardWeight(dy.data(), input.data(), weight.grad().data(), n);
            if (bias != null) {
                int spatial = dy.numel() / (n * outChannels);
                Convolution.biasGradient(dy.data(), bias.grad().data(), n, outChannels, spatial);
            }
        }
        if (!isInputGradRequired()) return null;
        gradInput = Tensor.reuse(gradInput, input.shape());
        if (!transposed) {
            engine.backwardData(dy.data(), w, gradInput.data(), n, reluMask(reluOutput, n));
        } else {
            engine.forward(dy.data(), w, null, gradInput.data(), n);
            if (reluOutput != null) reluMask(reluOutput, n).run(0, n);
        }
        return gradInput;
    }

    private static void addBias(float[] y, float[] bias, int batch, int channels, int spatial) {
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < channels; c++) {
                int o = (n * channels + c) * spatial;
                float b = bias[c];
                for (int i = 0; i < spatial; i++) y[o + i] += b;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Parameters
    // ---------------------------------------------------------------------------------------------------

    private void createParameters() {
        int rows = transposed ? inChannels : outChannels;
        int perGroup = (transposed ? outChannels : inChannels) / groups;
        int[] shape = dims == 2 ? new int[] {rows, perGroup, kernelH, kernelW} : new int[] {rows, perGroup, kernelW};
        int receptive = kernelH * kernelW;
        // PyTorch's fan computation reads dims 1 and 0 of the weight, whatever the layer.
        int fanIn = perGroup * receptive, fanOut = rows * receptive;
        weight = new Parameter("weight", Parameter.Kind.WEIGHT, Tensor.zeros(shape), fanIn, fanOut);
        bias = hasBias ? new Parameter("bias", Parameter.Kind.BIAS, Tensor.zeros(outChannels), fanIn, fanOut) : null;
        initialize(Init.pytorchDefault(), Init.globalGenerator());
        engine = null;
    }

    // ---------------------------------------------------------------------------------------------------
    // Text
    // ---------------------------------------------------------------------------------------------------

    /** PyTorch's repr in camelCase, showing only options that differ from the defaults. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        parts.add(Integer.toString(inChannels));
        parts.add(Integer.toString(outChannels));
        parts.add("kernelSize=" + axisText(kernelH, kernelW));
        if (strideH != 1 || strideW != 1) parts.add("stride=" + axisText(strideH, strideW));
        if (padding != null && !padding.isZero()) parts.add("padding=" + paddingText());
        if (dilationH != 1 || dilationW != 1) parts.add("dilation=" + axisText(dilationH, dilationW));
        if (outputPaddingH != 0 || outputPaddingW != 0) parts.add("outputPadding=" + axisText(outputPaddingH, outputPaddingW));
        if (groups != 1) parts.add("groups=" + groups);
        if (!hasBias) parts.add("bias=false");
        return getClass().getSimpleName() + "(" + String.join(", ", parts) + ")";
    }

    private String paddingText() {
        if (dims == 2 || padding.mode() != Padding.Mode.EXPLICIT) return padding.toString();
        return padding.left() == padding.right() ? Integer.toString(padding.left()) : "(" + padding.left() + ", " + padding.right() + ")";
    }

    private String axisText(int h, int w) {
        return dims == 1 || h == w ? Integer.toString(w) : "(" + h + ", " + w + ")";
    }

    private String pair(int h, int w) {
        return dims == 1 ? Integer.toString(w) : "(" + h + ", " + w + ")";
    }

    private String sizeText(int h, int w) {
        return dims == 1 ? Integer.toString(w) : h + "x" + w;
    }

    private int[] axes(int h, int w) {
        return dims == 1 ? new int[] {w} : new int[] {h, w};
    }
}
