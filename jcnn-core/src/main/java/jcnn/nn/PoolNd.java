package jcnn.nn;

import java.util.ArrayList;
import java.util.List;
import jcnn.kernel.ConvGeometry;
import jcnn.kernel.Pooling;
import jcnn.tensor.Tensor;

/**
 * What max and average pooling share, in 1-D and 2-D: PyTorch's options ({@code kernelSize}, {@code stride}
 * defaulting to the kernel, symmetric {@code padding}, {@code dilation} for max pooling, {@code ceilMode}), their
 * checks, and the window geometry. Each channel of each image is pooled on its own ("planes").
 *
 * @param <T> the concrete layer, so that the option setters chain
 */
public abstract class PoolNd<T extends PoolNd<T>> extends Layer {
    private final int dims;
    private final int kernelH, kernelW;
    private int strideH, strideW;
    private int padH = 0, padW = 0;
    private int dilationH = 1, dilationW = 1;
    private boolean ceilMode = false;

    PoolNd(int dims, int kernelH, int kernelW) {
        this.dims = dims;
        this.kernelH = kernelH;
        this.kernelW = kernelW;
        this.strideH = kernelH;
        this.strideW = kernelW;
        if (kernelH < 1 || kernelW < 1) throw error("kernelSize must be >= 1");
    }

    @SuppressWarnings("unchecked")
    T self() {
        return (T) this;
    }

    /** Stride along every axis (default: the kernel size). */
    public T stride(int s) {
        return stride(dims == 1 ? 1 : s, s);
    }

    T stride(int sh, int sw) {
        if (sh < 1 || sw < 1) throw error("stride must be >= 1, got " + pair(sh, sw));
        if (dims == 1 && sh != 1) throw error("a 1-D layer has no height stride");
        strideH = sh;
        strideW = sw;
        return self();
    }

    /** Implicit padding on both sides of every axis: -∞ for max pooling, 0 for average pooling. */
    public T padding(int p) {
        return padding(dims == 1 ? 0 : p, p);
    }

    T padding(int ph, int pw) {
        if (ph < 0 || pw < 0) throw error("padding must be >= 0, got " + pair(ph, pw));
        if (dims == 1 && ph != 0) throw error("a 1-D layer has no height padding");
        padH = ph;
        padW = pw;
        return self();
    }

    T dilation(int dh, int dw) {
        if (dh < 1 || dw < 1) throw error("dilation must be >= 1, got " + pair(dh, dw));
        if (dims == 1 && dh != 1) throw error("a 1-D layer has no height dilation");
        dilationH = dh;
        dilationW = dw;
        return self();
    }

    /** Use ceil instead of floor in the output size, so partial windows at the end count. */
    public T ceilMode(boolean ceil) {
        ceilMode = ceil;
        return self();
    }

    public int[] kernelSize() { return axes(kernelH, kernelW); }
    public int[] stride() { return axes(strideH, strideW); }
    public int[] padding() { return axes(padH, padW); }
    public int[] dilation() { return axes(dilationH, dilationW); }
    public boolean ceilMode() { return ceilMode; }

    String layout() {
        return dims == 2 ? "(N, C, H, W)" : "(N, C, L)";
    }

    /** Checks the rank and returns the geometry of one plane of this input. */
    ConvGeometry geometry(int[] shape) {
        checkRank(shape, dims + 2, layout());
        if (padH > kernelH / 2 || padW > kernelW / 2) {
            throw error("padding " + pair(padH, padW) + " must be at most half the kernel size " + pair(kernelH, kernelW));
        }
        int h = dims == 2 ? shape[2] : 1, w = shape[shape.length - 1];
        int oh = Pooling.outputSize(h, kernelH, strideH, padH, dilationH, ceilMode);
        int ow = Pooling.outputSize(w, kernelW, strideW, padW, dilationW, ceilMode);
        if (oh < 1 || ow < 1 || h < 1 || w < 1) {
            throw error("input " + Tensor.shapeString(shape) + " is too small: the output would be "
                    + (dims == 2 ? oh + "x" + ow : Integer.toString(ow)));
        }
        return new ConvGeometry(1, h, w, kernelH, kernelW, strideH, strideW, padH, padH, padW, padW,
                dilationH, dilationW, oh, ow);
    }

    int[] outputShape(int[] s, ConvGeometry g) {
        return dims == 2 ? new int[] {s[0], s[1], g.outH(), g.outW()} : new int[] {s[0], s[1], g.outW()};
    }

    @Override
    public int[] outputShape(int... inputShape) {
        return outputShape(inputShape, geometry(inputShape));
    }

    /** The options that differ from the defaults, PyTorch-style; subclasses add their own. */
    List<String> reprParts() {
        List<String> parts = new ArrayList<>();
        parts.add("kernelSize=" + axisText(kernelH, kernelW));
        if (strideH != kernelH || strideW != kernelW) parts.add("stride=" + axisText(strideH, strideW));
        if (padH != 0 || padW != 0) parts.add("padding=" + axisText(padH, padW));
        if (dilationH != 1 || dilationW != 1) parts.add("dilation=" + axisText(dilationH, dilationW));
        if (ceilMode) parts.add("ceilMode=true");
        return parts;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + String.join(", ", reprParts()) + ")";
    }

    private String axisText(int h, int w) {
        return dims == 1 || h == w ? Integer.toString(w) : "(" + h + ", " + w + ")";
    }

    String pair(int h, int w) {
        return dims == 1 ? Integer.toString(w) : "(" + h + ", " + w + ")";
    }

    private int[] axes(int h, int w) {
        return dims == 1 ? new int[] {w} : new int[] {h, w};
    }
}
