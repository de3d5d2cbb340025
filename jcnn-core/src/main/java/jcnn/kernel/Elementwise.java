package jcnn.kernel;

/**
 * Entry points of the elementwise kernels (see {@link ElementwiseKernel}): the Vector API versions when
 * available, else the scalar ones. Ranges are [from, to).
 */
public final class Elementwise {
    private static final ElementwiseKernel FAST = VectorSupport.ELEMENTWISE;
    private static final ElementwiseKernel REFERENCE = new ElementwiseKernel.Scalar();

    private Elementwise() {}

    public static void reluForward(float[] x, float[] y, int from, int to) {
        FAST.reluForward(x, y, from, to);
    }

    /** y[yOff + i] = max(x[xOff + i], 0) for i in [0, n). */
    public static void reluCopy(float[] x, int xOff, float[] y, int yOff, int n) {
        FAST.reluCopy(x, xOff, y, yOff, n);
    }

    /** See {@link ElementwiseKernel#copyRows}. */
    public static void copyRows(float[] x, int xOff, int xStride, float[] y, int yOff, int yStride, int rows, int n, boolean relu) {
        FAST.copyRows(x, xOff, xStride, y, yOff, yStride, rows, n, relu);
    }

    public static void reluBackward(float[] y, float[] dy, float[] dx, int from, int to) {
        FAST.reluBackward(y, dy, dx, from, to);
    }

    /** One plane of 2×2 stride-2 max pooling; see {@link ElementwiseKernel#maxPool2x2}. */
    public static void maxPool2x2(float[] x, int xo, int W, float[] y, int[] argmax, int yo, int OH, int OW) {
        FAST.maxPool2x2(x, xo, W, y, argmax, yo, OH, OW);
    }

    /**
     * 2×2 max pooling of a plane whose rows are {@code stride} floats apart, of max(x, 0) with {@code relu}, the
     * positions counted on a width of W; see {@link ElementwiseKernel#maxPool2x2(float[], int, int, int, boolean,
     * float[], int[], int, int, int)}.
     */
    public static void maxPool2x2(float[] x, int xo, int stride, int W, boolean relu, float[] y, int[] argmax, int yo, int OH,
                                  int OW) {
        FAST.maxPool2x2(x, xo, stride, W, relu, y, argmax, yo, OH, OW);
    }

    /** The scalar reference of the strided, optionally ReLU'd {@link #maxPool2x2}, for tests. */
    public static void maxPool2x2Reference(float[] x, int xo, int stride, int W, boolean relu, float[] y, int[] argmax, int yo, int OH,
                                           int OW) {
        REFERENCE.maxPool2x2(x, xo, stride, W, relu, y, argmax, yo, OH, OW);
    }

    /** The backward of {@link #maxPool2x2} for one plane; see {@link ElementwiseKernel#maxPool2x2Backward}. */
    public static void maxPool2x2Backward(float[] dy, int[] argmax, float[] pooled, int yo, float[] dx, int xo, int W, int OH, int OW) {
        FAST.maxPool2x2Backward(dy, argmax, pooled, yo, dx, xo, W, OH, OW);
    }

    /** x[off] + ... + x[off + n - 1] in a fixed order; see {@link ElementwiseKernel#sum}. */
    public static float sum(float[] x, int off, int n) {
        return FAST.sum(x, off, n);
    }

    /** y[yOff + i] = x[xOff + 2·i] for i in [0, n); see {@link ElementwiseKernel#gatherEven}. */
    public static void gatherEven(float[] x, int xOff, float[] y, int yOff, int n) {
        FAST.gatherEven(x, xOff, y, yOff, n);
    }

    /** As {@link #gatherEven}, where x[xOff + 2n - 1] may be read; see {@link ElementwiseKernel#gatherEvenWithMargin}. */
    public static void gatherEvenWithMargin(float[] x, int xOff, float[] y, int yOff, int n) {
        FAST.gatherEvenWithMargin(x, xOff, y, yOff, n);
    }

    /** x[xOff + 2·i] += y[yOff + i] for i in [0, n); see {@link ElementwiseKernel#scatterAddEven}. */
    public static void scatterAddEven(float[] y, int yOff, float[] x, int xOff, int n) {
        FAST.scatterAddEven(y, yOff, x, xOff, n);
    }

    /** Split-k partial blocks added in block order; see {@link ElementwiseKernel#sumBlocks}. */
    public static void sumBlocks(float[] x, int xOff, int stride, int blocks, float beta, float[] y, int yOff, int n) {
        FAST.sumBlocks(x, xOff, stride, blocks, beta, y, yOff, n);
    }

    /** The scalar reference of {@link #sumBlocks}, for tests. */
    public static void sumBlocksReference(float[] x, int xOff, int stride, int blocks, float beta, float[] y, int yOff, int n) {
        REFERENCE.sumBlocks(x, xOff, stride, blocks, beta, y, yOff, n);
    }

    /** The scalar reference of {@link #sum}, for tests. */
    public static float sumReference(float[] x, int off, int n) {
        return REFERENCE.sum(x, off, n);
    }

    /** {@link #maxPool2x2Backward} into rows {@code stride} apart, the positions counted on W; see {@link ElementwiseKernel}. */
    public static void maxPool2x2Backward(float[] dy, int[] argmax, float[] pooled, int yo, float[] dx, int xo, int stride, int W,
                                          int OH, int OW) {
        FAST.maxPool2x2Backward(dy, argmax, pooled, yo, dx, xo, stride, W, OH, OW);
    }

    /** The scalar reference of the strided {@link #maxPool2x2Backward}, for tests. */
    public static void maxPool2x2BackwardReference(float[] dy, int[] argmax, float[] pooled, int yo, float[] dx, int xo, int stride,
                                                   int W, int OH, int OW) {
        REFERENCE.maxPool2x2Backward(dy, argmax, pooled, yo, dx, xo, stride, W, OH, OW);
    }

    /** The scalar reference of {@link #maxPool2x2Backward}, for tests. */
    public static void maxPool2x2BackwardReference(float[] dy, int[] argmax, float[] pooled, int yo, float[] dx, int xo, int W, int OH, int OW) {
        REFERENCE.maxPool2x2Backward(dy, argmax, pooled, yo, dx, xo, W, OH, OW);
    }

    /** The scalar reference of {@link #maxPool2x2}, for tests. */
    public static void maxPool2x2Reference(float[] x, int xo, int W, float[] y, int[] argmax, int yo, int OH, int OW) {
        REFERENCE.maxPool2x2(x, xo, W, y, argmax, yo, OH, OW);
    }

    /** The scalar reference of {@link #reluForward}, for tests. */
    public static void reluForwardReference(float[] x, float[] y, int from, int to) {
        REFERENCE.reluForward(x, y, from, to);
    }

    /** The scalar reference of {@link #reluBackward}, for tests. */
    public static void reluBackwardReference(float[] y, float[] dy, float[] dx, int from, int to) {
        REFERENCE.reluBackward(y, dy, dx, from, to);
    }
}
