package jcnn.kernel;

import java.util.Arrays;

/**
 * Max and average pooling over planes, forward and backward.
 *
 * <p>Layout: x is (planes, H, W) row-major, a plane being one channel of one image (N·C planes for NCHW);
 * y is (planes, outH, outW). The window geometry is a {@link ConvGeometry} with one channel; its padding is
 * virtual (max pooling treats it as -∞, average pooling as 0) and in ceil mode the last window may run past it.
 *
 * <p>The seeds pool through im2col: unfold the windows into columns, take each column's max and remember
 * where it was (the "switches"), and in backward send each gradient back to that place with col2im. The
 * references below do exactly that. The fast versions fuse the unfolding and the max into one pass over the
 * input, which is what matters: in the book's numpy code max pooling through im2col takes half the time of a
 * SimpleConvNet step.
 *
 * <p>Argmax indices are flat positions {@code ih·W + iw} within the plane, as PyTorch's {@code indices}. Ties
 * keep the first position in scan order; a NaN wins and propagates, as in PyTorch.
 */
public final class Pooling {
    private Pooling() {}

    /**
     * PyTorch's pooling output size: {@code floor-or-ceil((in + 2·pad - dilation·(k-1) - 1) / stride) + 1}, where in
     * ceil mode a last window that would start inside the right padding is dropped.
     */
    public static int outputSize(int in, int k, int stride, int pad, int dilation, boolean ceilMode) {
        int span = in + 2 * pad - dilation * (k - 1) - 1 + (ceilMode ? stride - 1 : 0);
        if (span < 0) return 0;
        int out = span / stride + 1;
        if (ceilMode && (out - 1) * stride >= in + pad) out--;
        return out;
    }

    // ---------------------------------------------------------------------------------------------------
    // Max pooling
    // ---------------------------------------------------------------------------------------------------

    /** y = max over each window, argmax = where it was; planes in parallel. {@code argmax} may be null. */
    public static void maxPoolForward(ConvGeometry g, float[] x, float[] y, int[] argmax, int planes) {
        Parallel.forParts(planes, (p0, p1, part, worker) -> maxPoolPlanes(g, x, y, argmax, p0, p1));
    }

    /** {@link #maxPoolForward} of planes [p0, p1) on the calling thread (one part of a fused pass). */
    public static void maxPoolPlanes(ConvGeometry g, float[] x, float[] y, int[] argmax, int p0, int p1) {
        final int HW = g.height() * g.width(), P = g.outH() * g.outW();
        final boolean twoByTwo = isTwoByTwo(g); // no partial window (ceil mode)
        // Per-plane calls keep the loops in small, often-called methods that the JIT compiles fully.
        for (int plane = p0; plane < p1; plane++) {
            if (twoByTwo) Elementwise.maxPool2x2(x, plane * HW, g.width(), y, argmax, plane * P, g.outH(), g.outW());
            else maxPoolPlane(g, x, plane * HW, y, argmax, plane * P);
        }
    }

    /** One plane, any window. Ties keep the first position in scan order; NaN wins. */
    static void maxPoolPlane(ConvGeometry g, float[] x, int xo, float[] y, int[] argmax, int yo) {
        final int H = g.height(), W = g.width(), OH = g.outH(), OW = g.outW();
        final int kh = g.kernelH(), kw = g.kernelW(), sh = g.strideH(), sw = g.strideW(), dh = g.dilationH(), dw = g.dilationW();
        for (int oh = 0; oh < OH; oh++) {
            int hs = oh * sh - g.padTop();
            for (int ow = 0; ow < OW; ow++) {
                int ws = ow * sw - g.padLeft();
                float best = Float.NEGATIVE_INFINITY;
                int at = -1;
                for (int ki = 0; ki < kh; ki++) {
                    int ih = hs + ki * dh;
                    if (ih < 0 || ih >= H) continue;
                    int row = ih * W;
                    for (int kj = 0; kj < kw; kj++) {
                        int iw = ws + kj * dw;
                        if (iw < 0 || iw >= W) continue;
                        float v = x[xo + row + iw];
                        if (v > best || v != v) {
                            best = v;
                            at = row + iw;
                        }
                    }
                }
                y[yo + oh * OW + ow] = best;
                if (argmax != null) argmax[yo + oh * OW + ow] = at;
            }
        }
    }

    /** dx = 0, then dx[argmax] += dy for every output (overlapping windows add up); planes in parallel. */
    public static void maxPoolBackward(ConvGeometry g, float[] dy, int[] argmax, float[] dx, int planes) {
        maxPoolBackward(g, dy, argmax, dx, planes, null);
    }

    /**
     * As above, for a pooling whose input is a ReLU's output, with that ReLU's backward done in the same pass:
     * where the pooling's own forward output {@code pooled} (per output, null for the plain backward) is not
     * positive, the gradient is dropped. Exact: the gradient of an output goes to its argmax, and there the ReLU's
     * output is the pooled value itself (the forward stores the chosen cell's value), so testing the small
     * pooled array gives the same mask as testing the ReLU's output at the argmax — without reading that
     * four-times-larger array at scattered positions.
     */
    public static void maxPoolBackward(ConvGeometry g, float[] dy, int[] argmax, float[] dx, int planes, float[] pooled) {
        Parallel.forParts(planes, (p0, p1, part, worker) -> maxPoolBackwardPlanes(g, dy, argmax, dx, p0, p1, pooled));
    }

    /** {@link #maxPoolBackward} of planes [p0, p1) on the calling thread (one part of a fused pass). */
    public static void maxPoolBackwardPlanes(ConvGeometry g, float[] dy, int[] argmax, float[] dx, int p0, int p1,
                                             float[] pooled) {
        final int HW = g.height() * g.width(), P = g.outH() * g.outW();
        final boolean twoByTwo = isTwoByTwo(g);
        for (int plane = p0; plane < p1; plane++) {
            if (twoByTwo) scatter2x2(dy, argmax, plane * P, g, dx, plane * HW, pooled);
            else if (pooled == null) scatterPlane(dy, argmax, plane * P, P, dx, plane * HW, HW);
            else scatterPlaneMasked(dy, argmax, plane * P, P, dx, plane * HW, HW, pooled);
        }
    }

    /** 2×2 windows, stride 2, no padding, none partial: every input cell belongs to at most one window. */
    private static boolean isTwoByTwo(ConvGeometry g) {
        return g.kernelH() == 2 && g.kernelW() == 2 && g.strideH() == 2 && g.strideW() == 2
                && g.padTop() == 0 && g.padLeft() == 0 && g.dilationH() == 1 && g.dilationW() == 1
                && 2 * g.outH() <= g.height() && 2 * g.outW() <= g.width();
    }

    /**
     * The backward of one plane of 2×2 pooling in one pass ({@link Elementwise#maxPool2x2Backward}): windows do not
     * overlap, so each window's four cells are written once, the gradient at the switch and zeros elsewhere — no
     * separate fill. Cells outside every window (an odd last row or column) are zeroed.
     */
    private static void scatter2x2(float[] dy, int[] argmax, int yo, ConvGeometry g, float[] dx, int xo, float[] pooled) {
        final int W = g.width(), H = g.height(), OH = g.outH(), OW = g.outW();
        Elementwise.maxPool2x2Backward(dy, argmax, pooled, yo, dx, xo, W, OH, OW);
        if (2 * OW < W) {
            for (int oh = 0; oh < OH; oh++) {
                int row = xo + 2 * oh * W;
                Arrays.fill(dx, row + 2 * OW, row + W, 0f);
                Arrays.fill(dx, row + W + 2 * OW, row + 2 * W, 0f);
            }
        }
        if (2 * OH < H) Arrays.fill(dx, xo + 2 * OH * W, xo + H * W, 0f);
    }

    private static void scatterPlane(float[] dy, int[] argmax, int yo, int P, float[] dx, int xo, int HW) {
        Arrays.fill(dx, xo, xo + HW, 0f);
        for (int q = 0; q < P; q++) {
            int at = argmax[yo + q];
            if (at >= 0) dx[xo + at] += dy[yo + q];
        }
    }

    private static void scatterPlaneMasked(float[] dy, int[] argmax, int yo, int P, float[] dx, int xo, int HW, float[] pooled) {
        Arrays.fill(dx, xo, xo + HW, 0f);
        for (int q = 0; q < P; q++) {
            int at = argmax[yo + q];
            if (at >= 0 && pooled[yo + q] > 0f) dx[xo + at] += dy[yo + q];
        }
    }

    /**
     * Reference max pooling, the seeds' way: im2col each plane with -∞ padding, take each column's max and its
     * row, and turn the row back into a plane position.
     */
    public static void maxPoolReference(ConvGeometry g, float[] x, float[] y, int[] argmax, int planes) {
        int K = g.kernelH() * g.kernelW(), P = g.outH() * g.outW(), HW = g.height() * g.width();
        float[] col = new float[K * P];
        for (int plane = 0; plane < planes; plane++) {
            Im2col.im2colReference(g, x, plane * HW, col, 0, Float.NEGATIVE_INFINITY);
            for (int q = 0; q < P; q++) {
                int bestRow = -1;
                float best = Float.NEGATIVE_INFINITY;
                for (int r = 0; r < K; r++) {
                    float v = col[r * P + q];
                    boolean inside = positionOf(g, r, q) >= 0;
                    if (inside && (v > best || v != v)) {
                        best = v;
                        bestRow = r;
                    }
                }
                y[plane * P + q] = best;
                argmax[plane * P + q] = bestRow < 0 ? -1 : positionOf(g, bestRow, q);
            }
        }
    }

    /** The plane position that im2col row r, column q reads, or -1 in the padding. */
    private static int positionOf(ConvGeometry g, int r, int q) {
        int ki = r / g.kernelW(), kj = r % g.kernelW();
        int ih = (q / g.outW()) * g.strideH() - g.padTop() + ki * g.dilationH();
        int iw = (q % g.outW()) * g.strideW() - g.padLeft() + kj * g.dilationW();
        return ih < 0 || ih >= g.height() || iw < 0 || iw >= g.width() ? -1 : ih * g.width() + iw;
    }

    // ---------------------------------------------------------------------------------------------------
    // Average pooling (PyTorch's divisor rules)
    // ---------------------------------------------------------------------------------------------------

    /**
     * The divisor of output (oh, ow): {@code divisorOverride} if positive; else the window's size clipped to
     * the padded input when {@code countIncludePad}, or clipped to the input itself when not.
     */
    static int divisor(ConvGeometry g, int oh, int ow, boolean countIncludePad, int divisorOverride) {
        if (divisorOverride > 0) return divisorOverride;
        int hs = oh * g.strideH() - g.padTop(), ws = ow * g.strideW() - g.padLeft();
        int he = Math.min(hs + g.kernelH(), g.height() + g.padBottom());
        int we = Math.min(ws + g.kernelW(), g.width() + g.padRight());
        if (countIncludePad) return (he - hs) * (we - ws);
        return (Math.min(he, g.height()) - Math.max(hs, 0)) * (Math.min(we, g.width()) - Math.max(ws, 0));
    }

    /** y = mean over each window (see {@link #divisor}); planes in parallel. */
    public static void avgPoolForward(ConvGeometry g, float[] x, float[] y, int planes, boolean countIncludePad,
                                      int divisorOverride) {
        final int H = g.height(), W = g.width(), OH = g.outH(), OW = g.outW();
        Parallel.forParts(planes, (p0, p1, part, worker) -> {
            for (int plane = p0; plane < p1; plane++) {
                int xo = plane * H * W, yo = plane * OH * OW;
                for (int oh = 0; oh < OH; oh++) {
                    int hs = Math.max(oh * g.strideH() - g.padTop(), 0);
                    int he = Math.min(oh * g.strideH() - g.padTop() + g.kernelH(), H);
                    for (int ow = 0; ow < OW; ow++) {
                        int ws = Math.max(ow * g.strideW() - g.padLeft(), 0);
                        int we = Math.min(ow * g.strideW() - g.padLeft() + g.kernelW(), W);
                        float s = 0f;
                        for (int ih = hs; ih < he; ih++)
                            for (int iw = ws; iw < we; iw++) s += x[xo + ih * W + iw];
                        y[yo + oh * OW + ow] = s / divisor(g, oh, ow, countIncludePad, divisorOverride);
                    }
                }
            }
        });
    }

    /** dx = 0, then every input of a window gets dy / divisor; planes in parallel. */
    public static void avgPoolBackward(ConvGeometry g, float[] dy, float[] dx, int planes, boolean countIncludePad,
                                       int divisorOverride) {
        final int H = g.height(), W = g.width(), OH = g.outH(), OW = g.outW();
        Parallel.forParts(planes, (p0, p1, part, worker) -> {
            Arrays.fill(dx, p0 * H * W, p1 * H * W, 0f);
            for (int plane = p0; plane < p1; plane++) {
                int xo = plane * H * W, yo = plane * OH * OW;
                for (int oh = 0; oh < OH; oh++) {
                    int hs = Math.max(oh * g.strideH() - g.padTop(), 0);
                    int he = Math.min(oh * g.strideH() - g.padTop() + g.kernelH(), H);
                    for (int ow = 0; ow < OW; ow++) {
                        int ws = Math.max(ow * g.strideW() - g.padLeft(), 0);
                        int we = Math.min(ow * g.strideW() - g.padLeft() + g.kernelW(), W);
                        float share = dy[yo + oh * OW + ow] / divisor(g, oh, ow, countIncludePad, divisorOverride);
                        for (int ih = hs; ih < he; ih++)
                            for (int iw = ws; iw < we; iw++) dx[xo + ih * W + iw] += share;
                    }
                }
            }
        });
    }

    /** Reference average pooling: im2col with zero padding, column sums, divided by {@link #divisor}. */
    public static void avgPoolReference(ConvGeometry g, float[] x, float[] y, int planes, boolean countIncludePad,
                                        int divisorOverride) {
        int K = g.kernelH() * g.kernelW(), P = g.outH() * g.outW(), HW = g.height() * g.width();
        float[] col = new float[K * P];
        for (int plane = 0; plane < planes; plane++) {
            Im2col.im2colReference(g, x, plane * HW, col, 0);
            for (int q = 0; q < P; q++) {
                double s = 0;
                for (int r = 0; r < K; r++) s += col[r * P + q];
                y[plane * P + q] = (float) (s / divisor(g, q / g.outW(), q % g.outW(), countIncludePad, divisorOverride));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Adaptive average pooling
    // ---------------------------------------------------------------------------------------------------

    /** Start of adaptive window i of n over a length of {@code size}: floor(i·size / n). */
    public static int adaptiveStart(int i, int n, int size) {
        return (int) ((long) i * size / n);
    }

    /** End of adaptive window i of n: ceil((i+1)·size / n). */
    public static int adaptiveEnd(int i, int n, int size) {
        return (int) (((long) (i + 1) * size + n - 1) / n);
    }

    /** y (planes, OH, OW) = mean of each adaptive window of x (planes, H, W), PyTorch's AdaptiveAvgPool2d. */
    public static void adaptiveAvgForward(float[] x, int H, int W, float[] y, int OH, int OW, int planes) {
        Parallel.forParts(planes, (p0, p1, part, worker) -> {
            for (int plane = p0; plane < p1; plane++) {
                int xo = plane * H * W, yo = plane * OH * OW;
                for (int oh = 0; oh < OH; oh++) {
                    int hs = adaptiveStart(oh, OH, H), he = adaptiveEnd(oh, OH, H);
                    for (int ow = 0; ow < OW; ow++) {
                        int ws = adaptiveStart(ow, OW, W), we = adaptiveEnd(ow, OW, W);
                        float s = 0f;
                        for (int ih = hs; ih < he; ih++)
                            for (int iw = ws; iw < we; iw++) s += x[xo + ih * W + iw];
                        y[yo + oh * OW + ow] = s / ((he - hs) * (we - ws));
                    }
                }
            }
        });
    }

    /** The backward of {@link #adaptiveAvgForward}: each window's inputs get dy / window size. */
    public static void adaptiveAvgBackward(float[] dy, int OH, int OW, float[] dx, int H, int W, int planes) {
        Parallel.forParts(planes, (p0, p1, part, worker) -> {
            Arrays.fill(dx, p0 * H * W, p1 * H * W, 0f);
            for (int plane = p0; plane < p1; plane++) {
                int xo = plane * H * W, yo = plane * OH * OW;
                for (int oh = 0; oh < OH; oh++) {
                    int hs = adaptiveStart(oh, OH, H), he = adaptiveEnd(oh, OH, H);
                    for (int ow = 0; ow < OW; ow++) {
                        int ws = adaptiveStart(ow, OW, W), we = adaptiveEnd(ow, OW, W);
                        float share = dy[yo + oh * OW + ow] / ((he - hs) * (we - ws));
                        for (int ih = hs; ih < he; ih++)
                            for (int iw = ws; iw < we; iw++) dx[xo + ih * W + iw] += share;
                    }
                }
            }
        });
    }

    // ---------------------------------------------------------------------------------------------------
    // Max unpooling: the switches used forwards
    // ---------------------------------------------------------------------------------------------------

    /** y (planes, outSize) = 0 except y[indices[i]] = x[i] per plane (PyTorch's max_unpool2d). */
    public static void maxUnpoolForward(float[] x, int[] indices, int inSize, float[] y, int outSize, int planes) {
        Parallel.forParts(planes, (p0, p1, part, worker) -> {
            Arrays.fill(y, p0 * outSize, p1 * outSize, 0f);
            for (int plane = p0; plane < p1; plane++) {
                for (int i = 0; i < inSize; i++) {
                    int at = indices[plane * inSize + i];
                    if (at >= 0) y[plane * outSize + at] = x[plane * inSize + i];
                }
            }
        });
    }

    /** dx[i] = dy[indices[i]] per plane: the gradient of {@link #maxUnpoolForward}. */
    public static void maxUnpoolBackward(float[] dy, int[] indices, int inSize, float[] dx, int outSize, int planes) {
        Parallel.forParts(planes, (p0, p1, part, worker) -> {
            for (int plane = p0; plane < p1; plane++) {
                for (int i = 0; i < inSize; i++) {
                    int at = indices[plane * inSize + i];
                    dx[plane * inSize + i] = at >= 0 ? dy[plane * outSize + at] : 0f;
                }
            }
        });
    }
}
