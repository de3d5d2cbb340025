package jcnn.kernel;

/**
 * The elementwise and pooling loops that dominate small CNNs (SimpleConvNet spends more time in ReLU and
 * 2×2 max pooling than in its convolution unless these are vectorised). Two implementations: {@link Scalar},
 * the reference, and {@code PanamaElementwise}, chosen by {@link VectorSupport}.
 */
interface ElementwiseKernel {

    /** y[i] = max(x[i], 0) for i in [from, to); NaN stays NaN. */
    void reluForward(float[] x, float[] y, int from, int to);

    /** y[yOff + i] = max(x[xOff + i], 0) for i in [0, n): ReLU fused into a copy. */
    void reluCopy(float[] x, int xOff, float[] y, int yOff, int n);

    /**
     * Rows r in [0, rows) of n floats, x[xOff + r·xStride + i] to y[yOff + r·yStride + i], through ReLU when
     * {@code relu}: the compaction of a convolution computed on the padded width. x and y must not overlap.
     */
    void copyRows(float[] x, int xOff, int xStride, float[] y, int yOff, int yStride, int rows, int n, boolean relu);

    /** dx[i] = y[i] &gt; 0 ? dy[i] : 0 for i in [from, to), where y is ReLU's output. */
    void reluBackward(float[] y, float[] dy, float[] dx, int from, int to);

    /**
     * One plane of 2×2, stride-2, unpadded max pooling: x (H × W at xo) → y (OH × OW at yo), argmax (may be
     * null) the flat position ih·W + iw of each maximum. Ties keep the first position in scan order; a NaN wins
     * (the last NaN of the window, as PyTorch).
     */
    default void maxPool2x2(float[] x, int xo, int W, float[] y, int[] argmax, int yo, int OH, int OW) {
        maxPool2x2(x, xo, W, W, false, y, argmax, yo, OH, OW);
    }

    /**
     * {@link #maxPool2x2} of max(x, 0) (with {@code relu}; else of x) read from rows {@code stride} floats apart, the
     * positions in argmax those of a plane W wide: the pooling of a ReLU'd copy of the first W floats of each row,
     * without the copy (a convolution's output computed on a padded width, pooled where it was computed).
     */
    void maxPool2x2(float[] x, int xo, int stride, int W, boolean relu, float[] y, int[] argmax, int yo, int OH, int OW);

    /**
     * The backward of {@link #maxPool2x2} on one plane: every cell of the 2OH × 2OW windows of dx (H × W at xo) is
     * written, dy[yo + q] at argmax[yo + q] and zero elsewhere. With {@code pooled} (the forward's output, not
     * null) the gradient is dropped where pooled[yo + q] is not positive: the backward of a ReLU before the pooling.
     */
    default void maxPool2x2Backward(float[] dy, int[] argmax, float[] pooled, int yo, float[] dx, int xo, int W, int OH, int OW) {
        maxPool2x2Backward(dy, argmax, pooled, yo, dx, xo, W, W, OH, OW);
    }

    /**
     * {@link #maxPool2x2Backward} into a dx whose rows are {@code stride} floats apart, the positions in argmax those
     * of a plane W wide (the inverse of the strided {@link #maxPool2x2(float[], int, int, int, boolean, float[], int[],
     * int, int, int)}): a convolution's output gradient written straight onto the padded width its weight gradient
     * reads.
     */
    void maxPool2x2Backward(float[] dy, int[] argmax, float[] pooled, int yo, float[] dx, int xo, int stride, int W, int OH,
                            int OW);

    /**
     * x[off] + ... + x[off + n - 1] as 32 interleaved partial sums (element i goes to sum i mod 32, the last n mod 32
     * elements to sum 0, in order), folded in halves: t_l = s_l + s_(l+16), u_l = t_l + t_(l+8), then
     * ((u0 + u1) + (u2 + u3)) + ((u4 + u5) + (u6 + u7)). A fixed order, so the result depends only on the data, and
     * one that two 16-lane or four 8-lane vector accumulators reproduce bit for bit; 32 sums rather than 8, so that
     * the vector adds are independent chains (one 8-lane chain waits on the add's latency at every step).
     */
    float sum(float[] x, int off, int n);

    /** y[yOff + i] = x[xOff + 2·i] for i in [0, n): one row of a stride-2 im2col. */
    void gatherEven(float[] x, int xOff, float[] y, int yOff, int n);

    /**
     * The same, where x[xOff + 2n - 1] exists and may be read (a row with a margin after it): whole vectors to the
     * end, the last one overlapping the one before, with no element-by-element tail.
     */
    void gatherEvenWithMargin(float[] x, int xOff, float[] y, int yOff, int n);

    /**
     * x[xOff + 2·i] += y[yOff + i] for i in [0, n): one row of a stride-2 col2im. Only x[xOff .. xOff + 2n - 2] is
     * written (other threads may be writing just past it).
     */
    void scatterAddEven(float[] y, int yOff, float[] x, int xOff, int n);

    /**
     * y[yOff + i] = (((0 + x[xOff + i]) + x[xOff + stride + i]) + ...) over {@code blocks} blocks {@code stride}
     * apart, then + beta·y[yOff + i] unless beta is 0, for i in [0, n): the partial results of a split-k GEMM added
     * block by block, each element in block order.
     */
    void sumBlocks(float[] x, int xOff, int stride, int blocks, float beta, float[] y, int yOff, int n);

    /** The plain loops: the definition the vector version is tested against, and the fallback. */
    final class Scalar implements ElementwiseKernel {
        @Override
        public void gatherEven(float[] x, int xOff, float[] y, int yOff, int n) {
            for (int i = 0; i < n; i++) y[yOff + i] = x[xOff + 2 * i];
        }

        @Override
        public void gatherEvenWithMargin(float[] x, int xOff, float[] y, int yOff, int n) {
            gatherEven(x, xOff, y, yOff, n);
        }

        @Override
        public void scatterAddEven(float[] y, int yOff, float[] x, int xOff, int n) {
            for (int i = 0; i < n; i++) x[xOff + 2 * i] += y[yOff + i];
        }

        @Override
        public void sumBlocks(float[] x, int xOff, int stride, int blocks, float beta, float[] y, int yOff, int n) {
            for (int i = 0; i < n; i++) {
                float sum = 0f;
                for (int b = 0, q = xOff + i; b < blocks; b++, q += stride) sum += x[q];
                y[yOff + i] = beta == 0f ? sum : sum + beta * y[yOff + i];
            }
        }

        @Override
        public float sum(float[] x, int off, int n) {
            float[] s = new float[32];
            int i = 0;
            for (; i + 32 <= n; i += 32) {
                for (int l = 0; l < 32; l++) s[l] += x[off + i + l];
            }
            for (; i < n; i++) s[0] += x[off + i];
            float[] u = new float[8];
            for (int l = 0; l < 8; l++) u[l] = (s[l] + s[l + 16]) + (s[l + 8] + s[l + 24]);
            return ((u[0] + u[1]) + (u[2] + u[3])) + ((u[4] + u[5]) + (u[6] + u[7]));
        }

        @Override
        public void reluForward(float[] x, float[] y, int from, int to) {
            for (int i = from; i < to; i++) y[i] = Math.max(x[i], 0f);
        }

        @Override
        public void reluCopy(float[] x, int xOff, float[] y, int yOff, int n) {
            for (int i = 0; i < n; i++) y[yOff + i] = Math.max(x[xOff + i], 0f);
        }

        @Override
        public void copyRows(float[] x, int xOff, int xStride, float[] y, int yOff, int yStride, int rows, int n, boolean relu) {
            for (int r = 0; r < rows; r++, xOff += xStride, yOff += yStride) {
                if (relu) reluCopy(x, xOff, y, yOff, n);
                else System.arraycopy(x, xOff, y, yOff, n);
            }
        }

        @Override
        public void reluBackward(float[] y, float[] dy, float[] dx, int from, int to) {
            for (int i = from; i < to; i++) dx[i] = y[i] > 0f ? dy[i] : 0f;
        }

        @Override
        public void maxPool2x2(float[] x, int xo, int stride, int W, boolean relu, float[] y, int[] argmax, int yo, int OH,
                               int OW) {
            for (int oh = 0; oh < OH; oh++) {
                for (int ow = 0; ow < OW; ow++) maxPool2x2At(x, xo, stride, W, relu, y, argmax, yo, OW, oh, ow);
            }
        }

        @Override
        public void maxPool2x2Backward(float[] dy, int[] argmax, float[] pooled, int yo, float[] dx, int xo, int stride, int W,
                                       int OH, int OW) {
            for (int oh = 0; oh < OH; oh++) {
                for (int ow = 0; ow < OW; ow++) maxPool2x2BackwardAt(dy, argmax, pooled, yo, dx, xo, stride, W, OW, oh, ow);
            }
        }

        /** One window of {@link #maxPool2x2Backward}: its four cells on rows {@code stride} apart, argmax counted on W. */
        static void maxPool2x2BackwardAt(float[] dy, int[] argmax, float[] pooled, int yo, float[] dx, int xo, int stride,
                                         int W, int OW, int oh, int ow) {
            int top = xo + 2 * oh * stride + 2 * ow, q = yo + oh * OW + ow;
            dx[top] = 0f;
            dx[top + 1] = 0f;
            dx[top + stride] = 0f;
            dx[top + stride + 1] = 0f;
            int local = argmax[q] - (2 * oh * W + 2 * ow), below = local >= W ? 1 : 0;
            dx[top + below * stride + local - below * W] = pooled == null || pooled[q] > 0f ? dy[q] : 0f;
        }

        /**
         * One output of 2×2 pooling, in scan order: (0,0), (0,1), (1,0), (1,1); each candidate read at row·stride +
         * column, ReLU'd first with {@code relu}, its position counted as row·W + column.
         */
        static void maxPool2x2At(float[] x, int xo, int stride, int W, boolean relu, float[] y, int[] argmax, int yo, int OW,
                                 int oh, int ow) {
            int top = 2 * oh * W + 2 * ow, read = xo + 2 * oh * stride + 2 * ow;
            float best = relu ? Math.max(x[read], 0f) : x[read];
            int at = top;
            for (int k = 1; k < 4; k++) {
                float v = x[read + (k >> 1) * stride + (k & 1)];
                if (relu) v = Math.max(v, 0f);
                if (v > best || v != v) {
                    best = v;
                    at = top + (k >> 1) * W + (k & 1);
                }
            }
            y[yo + oh * OW + ow] = best;
            if (argmax != null) argmax[yo + oh * OW + ow] = at;
        }
    }
}
