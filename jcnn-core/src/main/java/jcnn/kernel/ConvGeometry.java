package jcnn.kernel;

/**
 * The geometry of one convolution window sliding over one image (one group's channels): everything im2col,
 * col2im and pooling need to know, with the output size already worked out.
 *
 * <p>Input (channels, height, width); window kernelH × kernelW with taps {@code dilation} apart, moved by
 * {@code stride}; the input is zero-padded by padTop/padBottom rows and padLeft/padRight columns. Output size per
 * axis, the seeds' {@code (H + 2P - FH) / S + 1} generalised to dilation and uneven padding:
 * <pre>  outH = (height + padTop + padBottom - dilationH·(kernelH - 1) - 1) / strideH + 1</pre>
 * 1-D convolution is the case height = kernelH = 1.
 */
public record ConvGeometry(int channels, int height, int width,
                           int kernelH, int kernelW,
                           int strideH, int strideW,
                           int padTop, int padBottom, int padLeft, int padRight,
                           int dilationH, int dilationW,
                           int outH, int outW) {

    public ConvGeometry {
        if (channels < 1 || height < 1 || width < 1 || kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1
                || dilationH < 1 || dilationW < 1 || padTop < 0 || padBottom < 0 || padLeft < 0 || padRight < 0
                || outH < 1 || outW < 1) {
            throw new IllegalArgumentException("invalid convolution geometry " + describe(channels, height, width,
                    kernelH, kernelW, strideH, strideW, padTop, padBottom, padLeft, padRight, dilationH, dilationW)
                    + " -> output " + outH + "x" + outW);
        }
    }

    /**
     * The geometry of a convolution with the output size computed by the floor formula. Throws when the
     * (dilated) kernel does not fit in the padded input.
     */
    public static ConvGeometry of(int channels, int height, int width, int kernelH, int kernelW,
                                  int strideH, int strideW, int padTop, int padBottom, int padLeft, int padRight,
                                  int dilationH, int dilationW) {
        int outH = outputSize(height, kernelH, strideH, padTop + padBottom, dilationH);
        int outW = outputSize(width, kernelW, strideW, padLeft + padRight, dilationW);
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("kernel larger than the padded input: "
                    + describe(channels, height, width, kernelH, kernelW, strideH, strideW,
                    padTop, padBottom, padLeft, padRight, dilationH, dilationW));
        }
        return new ConvGeometry(channels, height, width, kernelH, kernelW, strideH, strideW,
                padTop, padBottom, padLeft, padRight, dilationH, dilationW, outH, outW);
    }

    /**
     * Output length along one axis: {@code floor((size + totalPad - dilation·(kernel-1) - 1) / stride) + 1};
     * zero or negative when the dilated kernel is larger than the padded input.
     */
    public static int outputSize(int size, int kernel, int stride, int totalPad, int dilation) {
        int span = size + totalPad - dilation * (kernel - 1) - 1;
        return span < 0 ? 0 : span / stride + 1;
    }

    /** Rows of the im2col matrix: one per (channel, kernel row, kernel column). */
    public int colRows() {
        return channels * kernelH * kernelW;
    }

    /** Columns of the im2col matrix: one per output position. */
    public int colCols() {
        return outH * outW;
    }

    /** Elements of one input image (channels × height × width). */
    public int inputSize() {
        return channels * height * width;
    }

    /** True when im2col is the identity (1×1 kernel, stride 1, no padding): the input already is the matrix. */
    public boolean isPointwise() {
        return kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1
                && padTop == 0 && padBottom == 0 && padLeft == 0 && padRight == 0;
    }

    @Override
    public String toString() {
        return describe(channels, height, width, kernelH, kernelW, strideH, strideW, padTop, padBottom, padLeft,
                padRight, dilationH, dilationW) + " -> output " + outH + "x" + outW;
    }

    private static String describe(int c, int h, int w, int kh, int kw, int sh, int sw,
                                   int pt, int pb, int pl, int pr, int dh, int dw) {
        return "input " + c + "x" + h + "x" + w + ", kernel " + kh + "x" + kw + ", stride " + sh + "x" + sw
                + ", padding (top " + pt + ", bottom " + pb + ", left " + pl + ", right " + pr + "), dilation "
                + dh + "x" + dw;
    }
}
