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
                        } else {
                            for (int ow = lo; ow < hi; ow++) x[dst + ow * sw] += col[src + ow];
                        }
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Straight into GEMM panels: the fast convolution writes im2col's output in the layout the GEMM
    // micro-kernel reads, so there is no column matrix and no separate packing pass.
    // ---------------------------------------------------------------------------------------------------

    /**
     * Entries q in [q0, q1) of row {@code row} of the column matrix: out[outOff + q - q0] = col[row][q]. A row
     * is one (channel, kernel tap); its entries are the input pixels under that tap for consecutive output
     * positions, so within one output row they are a strided (usually contiguous) run of the input.
     */
    public static void row(ConvGeometry g, float[] x, int xOff, int row, int q0, int q1, float[] out, int outOff) {
        final int H = g.height(), W = g.width(), OW = g.outW();
        int kj = row % g.kernelW(), ki = (row / g.kernelW()) % g.kernelH(), c = row / (g.kernelW() * g.kernelH());
        int iw0 = kj * g.dilationW() - g.padLeft(), sw = g.strideW();
        int lo = firstInside(iw0, sw), hi = endInside(iw0, sw, W, OW);
        int q = q0;
        while (q < q1) {
            int oh = q / OW, ow = q % OW;
            int end = Math.min(q1 - q + ow, OW); // one output row at a time
            int ih = oh * g.strideH() - g.padTop() + ki * g.dilationH();
            int d = outOff + q - q0 - ow;         // out index of (oh, 0)
            if (ih < 0 || ih >= H) {
                for (int o = ow; o < end; o++) out[d + o] = 0f;
            } else {
                int src = xOff + (c * H + ih) * W + iw0;
                int a = Math.max(ow, Math.min(lo, end)), b = Math.max(a, Math.min(hi, end));
                for (int o = ow; o < a; o++) out[d + o] = 0f;
                if (sw == 1) System.arraycopy(x, src + a, out, d + a, b - a);
                else for (int o = a; o < b; o++) out[d + o] = x[src + o * sw];
                for (int o = b; o < end; o++) out[d + o] = 0f;
            }
            q += end - ow;
        }
    }

    /**
     * Rows [r0, r0 + kc) of the column matrix, every column, as GEMM B panels: panel t holds columns
     * [t·nr, t·nr + nr), k-major, zero-padded past the last column:
     * {@code dst[t·nr·kc + (r - r0)·nr + (q mod nr)] = col[r][q]}. {@code rowBuffer} holds one row (P floats).
     */
    public static void panels(ConvGeometry g, float[] x, int xOff, int r0, int kc, int nr, float[] dst, float[] rowBuffer) {
        final int P = g.colCols();
        for (int r = 0; r < kc; r++) {
            row(g, x, xOff, r0 + r, 0, P, rowBuffer, 0);
            for (int t = 0, q = 0; q < P; t++, q += nr) {
                int d = t * nr * kc + r * nr, n = Math.min(nr, P - q);
                System.arraycopy(rowBuffer, q, dst, d, n);
                for (int j = n; j < nr; j++) dst[d + j] = 0f;
            }
        }
    }

    /**
     * Columns [q0, q0 + kc) of the column matrix transposed (kc × K), as GEMM B panels of nr of its K columns,
     * zero-padded: {@code dst[t·nr·kc + (q - q0)·nr + (r mod nr)] = col[r][q]} for r in panel t. This is the
     * weight gradient's operand colᵀ. {@code rowBuffer} holds kc floats.
     */
    public static void transposedPanels(ConvGeometry g, float[] x, int xOff, int q0, int kc, int nr, float[] dst, float[] rowBuffer) {
        final int K = g.colRows();
        int panels = (K + nr - 1) / nr;
        for (int r = 0; r < panels * nr; r++) {
            int d = (r / nr) * nr * kc + (r % nr);
            if (r >= K) {
                for (int q = 0; q < kc; q++) dst[d + q * nr] = 0f;
                continue;
            }
            row(g, x, xOff, r, q0, q0 + kc, rowBuffer, 0);
            for (int q = 0; q < kc; q++) dst[d + q * nr] = rowBuffer[q];
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
