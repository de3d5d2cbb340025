package jcnn.kernel;

import java.util.Arrays;

/**
 * im2col and its adjoint col2im: the step that turns convolution into one matrix multiplication.
 *
 * <p>Layout (one image): x is (C, H, W) row-major; the column matrix is (C·kH·kW) × (outH·outW) row-major.
 * Row {@code (c·kH + i)·kW + j} holds, for every output position (oh, ow), the input pixel under kernel tap
 * (i, j) of channel c: {@code x[c][oh·sH - padTop + i·dH][ow·sW - padLeft + j·dW]}, or 0 in the padding. This
 * is the patch matrix P of the seeds (one patch per column), so a convolution is {@code W (M × C·kH·kW) · P}
 * and lands directly in (M, outH, outW) — NCHW without a transpose.
 *
 * <p>col2im is the adjoint (transpose) of im2col: each column entry is added back to the pixel it was copied
 * from, so pixels shared by overlapping windows receive the sum. That is exactly what the input gradient needs,
 * and {@code <im2col(x), y> = <x, col2im(y)>} holds for all x, y (tested).
 *
 * <p>Each has a plain reference next to the fast version; the fast ones move whole rows at a time when the
 * stride along the row is 1, which is the common case.
 */
public final class Im2col {
    private Im2col() {}

    /** col = im2col(x) for one image at {@code xOff}; col at {@code colOff} is overwritten. */
    public static void im2col(ConvGeometry g, float[] x, int xOff, float[] col, int colOff) {
        if (g.strideW() == 2) {
            im2colStride2(g, x, xOff, col, colOff);
            return;
        }
        final int H = g.height(), W = g.width(), OH = g.outH(), OW = g.outW(), P = OH * OW;
        final int sh = g.strideH(), sw = g.strideW(), dh = g.dilationH(), dw = g.dilationW();
        int row = 0;
        for (int c = 0; c < g.channels(); c++) {
            for (int ki = 0; ki < g.kernelH(); ki++) {
                for (int kj = 0; kj < g.kernelW(); kj++, row++) {
                    int dst = colOff + row * P;
                    int iw0 = kj * dw - g.padLeft();
                    // Output columns whose input column lies inside the image: ow in [lo, hi).
                    int lo = firstInside(iw0, sw), hi = endInside(iw0, sw, W, OW);
                    for (int oh = 0; oh < OH; oh++, dst += OW) {
                        int ih = oh * sh - g.padTop() + ki * dh;
                        if (ih < 0 || ih >= H || lo >= hi) {
                            Arrays.fill(col, dst, dst + OW, 0f);
                            continue;
                        }
                        int src = xOff + (c * H + ih) * W + iw0;
                        Arrays.fill(col, dst, dst + lo, 0f);
                        if (sw == 1) {
                            System.arraycopy(x, src + lo, col, dst + lo, hi - lo);
                        } else {
                            for (int ow = lo; ow < hi; ow++) col[dst + ow] = x[src + ow * sw];
                        }
                        Arrays.fill(col, dst + hi, dst + OW, 0f);
                    }
                }
            }
        }
    }

    /** A per-thread input row between zero margins, for {@link #im2colStride2}. */
    private static final ThreadLocal<float[][]> ROW = ThreadLocal.withInitial(() -> new float[][] {new float[0]});

    /**
     * im2col with a horizontal stride of 2. Each input row is copied once between zero margins that stand for the
     * padding (and cover one element past the last read); each of the kW column-matrix rows it feeds is then the
     * even elements from column kj·dW - padLeft on, gathered by whole vectors, the last overlapping the one before.
     * The general loop gathered the row again for every kj, with fills for the padding and the tail element by
     * element. A 28-wide row piece: 7 ns against 10-14; (32,64,56,56) at stride 2, im2col of 32 images 7.3 -> 6.7
     * and 12.1 -> 11.2 ms in two alternated runs (this machine's speed varies by more than that between runs).
     */
    private static void im2colStride2(ConvGeometry g, float[] x, int xOff, float[] col, int colOff) {
        final int H = g.height(), W = g.width(), OH = g.outH(), OW = g.outW(), P = OH * OW;
        final int kW = g.kernelW(), dw = g.dilationW(), pl = g.padLeft();
        // row[pl + iw] = x[.., iw]; reads go from column -pl to (kW - 1)·dW - pl + 2·OW - 1
        final int length = Math.max(pl + W, (kW - 1) * dw + 2 * OW);
        float[][] holder = ROW.get();
        if (holder[0].length < length) holder[0] = new float[length];
        float[] row = holder[0];
        Arrays.fill(row, 0, length, 0f);
        int r = 0;
        for (int c = 0; c < g.channels(); c++) {
            for (int ki = 0; ki < g.kernelH(); ki++, r += kW) {
                int dst = colOff + r * P;
                for (int oh = 0; oh < OH; oh++, dst += OW) {
                    int ih = oh * g.strideH() - g.padTop() + ki * g.dilationH();
                    if (ih < 0 || ih >= H) {
                        for (int kj = 0; kj < kW; kj++) Arrays.fill(col, dst + kj * P, dst + kj * P + OW, 0f);
                        continue;
                    }
                    System.arraycopy(x, xOff + (c * H + ih) * W, row, pl, W);
                    for (int kj = 0; kj < kW; kj++) Elementwise.gatherEvenWithMargin(row, kj * dw, col, dst + kj * P, OW);
                }
            }
        }
    }

    /** x = col2im(col) for one image at {@code xOff}: x is overwritten with the sum of the entries of col. */
    public static void col2im(ConvGeometry g, float[] col, int colOff, float[] x, int xOff) {
        final int H = g.height(), W = g.width(), OH = g.outH(), OW = g.outW(), P = OH * OW;
        final int sh = g.strideH(), sw = g.strideW(), dh = g.dilationH(), dw = g.dilationW();
        Arrays.fill(x, xOff, xOff + g.inputSize(), 0f);
        int row = 0;
        for (int c = 0; c < g.channels(); c++) {
            for (int ki = 0; ki < g.kernelH(); ki++) {
                for (int kj = 0; kj < g.kernelW(); kj++, row++) {
                    int src = colOff + row * P;
                    int iw0 = kj * dw - g.padLeft();
                    int lo = firstInside(iw0, sw), hi = endInside(iw0, sw, W, OW);
                    for (int oh = 0; oh < OH; oh++, src += OW) {
                        int ih = oh * sh - g.padTop() + ki * dh;
                        if (ih < 0 || ih >= H) continue;
                        int dst = xOff + (c * H + ih) * W + iw0;
                        if (sw == 1) {
                            for (int ow = lo; ow < hi; ow++) x[dst + ow] += col[src + ow];
                        } else if (sw == 2) {
                            Elementwise.scatterAddEven(col, src + lo, x, dst + 2 * lo, hi - lo);
                        } else {
                            for (int ow = lo; ow < hi; ow++) x[dst + ow * sw] += col[src + ow];
                        }
                    }
                }
            }
        }
    }

    /** The smallest ow >= 0 with iw0 + ow·stride >= 0. */
    private static int firstInside(int iw0, int stride) {
        return iw0 >= 0 ? 0 : (-iw0 + stride - 1) / stride;
    }

    /** One past the largest ow < outW with iw0 + ow·stride < width. */
    private static int endInside(int iw0, int stride, int width, int outW) {
        if (iw0 >= width) return 0;
        return Math.min(outW, (width - 1 - iw0) / stride + 1);
    }

    // ---------------------------------------------------------------------------------------------------
    // References: the definitions, element by element.
    // ---------------------------------------------------------------------------------------------------

    /** Reference im2col: every entry of the column matrix computed from its definition. */
    public static void im2colReference(ConvGeometry g, float[] x, int xOff, float[] col, int colOff) {
        im2colReference(g, x, xOff, col, colOff, 0f);
    }

    /**
     * Reference im2col with {@code padValue} in the padding: max pooling pads with -∞ so that padding never wins.
     */
    public static void im2colReference(ConvGeometry g, float[] x, int xOff, float[] col, int colOff, float padValue) {
        int P = g.outH() * g.outW();
        for (int c = 0; c < g.channels(); c++)
            for (int ki = 0; ki < g.kernelH(); ki++)
                for (int kj = 0; kj < g.kernelW(); kj++) {
                    int row = (c * g.kernelH() + ki) * g.kernelW() + kj;
                    for (int oh = 0; oh < g.outH(); oh++)
                        for (int ow = 0; ow < g.outW(); ow++) {
                            int ih = oh * g.strideH() - g.padTop() + ki * g.dilationH();
                            int iw = ow * g.strideW() - g.padLeft() + kj * g.dilationW();
                            boolean inside = ih >= 0 && ih < g.height() && iw >= 0 && iw < g.width();
                            col[colOff + row * P + oh * g.outW() + ow] =
                                    inside ? x[xOff + (c * g.height() + ih) * g.width() + iw] : padValue;
                        }
                }
    }

    /** Reference col2im: zero x, then add every entry of the column matrix to the pixel it came from. */
    public static void col2imReference(ConvGeometry g, float[] col, int colOff, float[] x, int xOff) {
        Arrays.fill(x, xOff, xOff + g.inputSize(), 0f);
        int P = g.outH() * g.outW();
        for (int c = 0; c < g.channels(); c++)
            for (int ki = 0; ki < g.kernelH(); ki++)
                for (int kj = 0; kj < g.kernelW(); kj++) {
                    int row = (c * g.kernelH() + ki) * g.kernelW() + kj;
                    for (int oh = 0; oh < g.outH(); oh++)
                        for (int ow = 0; ow < g.outW(); ow++) {
                            int ih = oh * g.strideH() - g.padTop() + ki * g.dilationH();
                            int iw = ow * g.strideW() - g.padLeft() + kj * g.dilationW();
                            if (ih >= 0 && ih < g.height() && iw >= 0 && iw < g.width()) {
                                x[xOff + (c * g.height() + ih) * g.width() + iw] += col[colOff + row * P + oh * g.outW() + ow];
                            }
                        }
                }
    }
}
