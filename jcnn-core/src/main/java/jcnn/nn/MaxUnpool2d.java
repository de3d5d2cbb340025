package jcnn.nn;

import jcnn.kernel.Pooling;
import jcnn.tensor.IntTensor;
import jcnn.tensor.Tensor;

/**
 * The partial inverse of {@link MaxPool2d}: puts every value back where the pooling found its maximum (the
 * "switches") and zeros elsewhere, as in Zeiler &amp; Fergus's deconvnet and PyTorch's MaxUnpool2d.
 *
 * <p>Args: {@code kernelSize}; options {@code stride} (default: kernelSize), {@code padding}. The indices come
 * from {@link #forward(Tensor, IntTensor, int...)} or, for a layer made with {@link #of(MaxPool2d)}, from that
 * pooling layer's last forward (then the output size is that layer's input size).
 *
 * <p>Shape: (N, C, H, W) → (N, C, H_out, W_out), {@code H_out = (H - 1)·stride - 2·padding + kernelSize}
 * unless an output size is given.
 */
public final class MaxUnpool2d extends Layer {
    private final int kernelH, kernelW;
    private int strideH, strideW;
    private int padH = 0, padW = 0;
    private MaxPool2d source;
    private IntTensor indices;
    private Tensor output;
    private Tensor gradInput;
    private int[] inputShape;

    public MaxUnpool2d(int kernelSize) {
        this(kernelSize, kernelSize);
    }

    public MaxUnpool2d(int kernelH, int kernelW) {
        if (kernelH < 1 || kernelW < 1) throw new IllegalArgumentException("MaxUnpool2d: kernelSize must be >= 1");
        this.kernelH = kernelH;
        this.kernelW = kernelW;
        this.strideH = kernelH;
        this.strideW = kernelW;
    }

    /** An unpooling layer that undoes {@code pool}: same window, and that layer's last indices and input size. */
    public static MaxUnpool2d of(MaxPool2d pool) {
        int[] k = pool.kernelSize(), s = pool.stride(), p = pool.padding();
        MaxUnpool2d u = new MaxUnpool2d(k[0], k[k.length - 1]).stride(s[0], s[s.length - 1]).padding(p[0], p[p.length - 1]);
        u.source = pool;
        pool.returnIndices(true);
        return u;
    }

    public MaxUnpool2d stride(int s) {
        return stride(s, s);
    }

    public MaxUnpool2d stride(int sh, int sw) {
        if (sh < 1 || sw < 1) throw error("stride must be >= 1, got (" + sh + ", " + sw + ")");
        strideH = sh;
        strideW = sw;
        return this;
    }

    public MaxUnpool2d padding(int p) {
        return padding(p, p);
    }

    public MaxUnpool2d padding(int ph, int pw) {
        if (ph < 0 || pw < 0) throw error("padding must be >= 0, got (" + ph + ", " + pw + ")");
        padH = ph;
        padW = pw;
        return this;
    }

    @Override
    public int[] outputShape(int... s) {
        checkRank(s, 4, "(N, C, H, W)");
        if (source != null && source.lastInputShape() != null) return source.lastInputShape();
        return new int[] {s[0], s[1], (s[2] - 1) * strideH - 2 * padH + kernelH, (s[3] - 1) * strideW - 2 * padW + kernelW};
    }

    /** Uses the indices of the {@link MaxPool2d} this layer was made {@link #of}. */
    @Override
    public Tensor forward(Tensor x, boolean training) {
        if (source == null) throw error("no indices: call forward(x, indices) or make the layer with MaxUnpool2d.of(pool)");
        if (source.indices() == null) throw error("the pooling layer " + source + " has not run forward yet");
        return forward(x, source.indices(), source.lastInputShape());
    }

    /**
     * Unpools {@code x} with {@code indices} (shaped like x) into an output of {@code outputSize} (N, C, H, W) or
     * (H, W), or the default size when none is given.
     */
    public Tensor forward(Tensor x, IntTensor indices, int... outputSize) {
        int[] s = x.shape();
        checkRank(s, 4, "(N, C, H, W)");
        if (!indices.hasShape(s)) {
            throw error("indices have shape " + Tensor.shapeString(indices.shape()) + " but the input has shape " + Tensor.shapeString(s));
        }
        int[] out;
        if (outputSize.length == 0) out = outputShape(s);
        else if (outputSize.length == 2) out = new int[] {s[0], s[1], outputSize[0], outputSize[1]};
        else if (outputSize.length == 4 && outputSize[0] == s[0] && outputSize[1] == s[1]) out = outputSize.clone();
        else throw error("outputSize must be (H, W) or (N, C, H, W) with N, C as the input's, got " + Tensor.shapeString(outputSize));
        int inPlane = s[2] * s[3], outPlane = out[2] * out[3];
        for (int i : indices.data()) {
            if (i < -1 || i >= outPlane) {
                throw error("index " + i + " is outside the output plane " + out[2] + "x" + out[3]);
            }
        }
        output = Tensor.reuse(output, out);
        Pooling.maxUnpoolForward(x.data(), indices.data(), inPlane, output.data(), outPlane, s[0] * s[1]);
        this.indices = indices;
        inputShape = s;
        return output;
    }

    @Override
    public Tensor backward(Tensor dy) {
        checkGradOutput(dy, output);
        gradInput = Tensor.reuse(gradInput, inputShape);
        int[] o = output.shape();
        Pooling.maxUnpoolBackward(dy.data(), indices.data(), inputShape[2] * inputShape[3], gradInput.data(),
                o[2] * o[3], inputShape[0] * inputShape[1]);
        return gradInput;
    }

    @Override
    public String toString() {
        String k = kernelH == kernelW ? Integer.toString(kernelH) : "(" + kernelH + ", " + kernelW + ")";
        String st = strideH == kernelH && strideW == kernelW ? "" : ", stride=" + (strideH == strideW ? strideH : "(" + strideH + ", " + strideW + ")");
        String pd = padH == 0 && padW == 0 ? "" : ", padding=" + (padH == padW ? padH : "(" + padH + ", " + padW + ")");
        return "MaxUnpool2d(kernelSize=" + k + st + pd + ")";
    }
}
