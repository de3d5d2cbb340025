package jcnn.kernel;

/**
 * 3×3 convolution with stride 2 by a minimal filtering algorithm: every 2×2 block of outputs ("tile") is computed
 * from the 5×5 input patch under it with 25 multiplications per channel pair instead of 36 — 6.25 per output
 * instead of 9.
 *
 * <p>In one dimension, two outputs of a 3-tap correlation with stride 2 read five inputs d0..d4:
 * <pre>
 *   y0 = d0·g0 + d1·g1 + d2·g2        y1 = d2·g0 + d3·g1 + d4·g2
 * </pre>
 * Split by phase, the even inputs (d0, d2, d4) meet the even taps (g0, g2) in a 2-tap correlation with stride 1,
 * which Winograd's F(2, 2) computes with three multiplications instead of four; the odd inputs (d1, d3) meet the one
 * odd tap g1, which no algorithm can do in fewer than two:
 * <pre>
 *   m0 = (d0 - d2)·g0    m1 = d2·(g0 + g2)    m2 = (d4 - d2)·g2    m3 = d1·g1    m4 = d3·g1
 *   y0 = m0 + m1 + m3                           y1 = m1 + m2 + m4
 * </pre>
 * That is y = Aᵀ[(G·g) ⊙ (Bᵀ·d)] with
 * <pre>
 *        | 1  0 -1  0  0 |          | 1  0  0 |
 *        | 0  0  1  0  0 |          | 1  0  1 |
 *   Bᵀ = | 0  0 -1  0  1 |      G = | 0  0  1 |     Aᵀ = | 1  1  0  1  0 |
 *        | 0  1  0  0  0 |          | 0  1  0 |          | 0  1  1  0  1 |
 *        | 0  0  0  1  0 |          | 0  1  0 |
 * </pre>
 * and, nested in two dimensions, Y = Aᵀ·[(G·k·Gᵀ) ⊙ (Bᵀ·d·B)]·A: 25 points, each summed over the input channels as
 * one matrix product, as in {@link Winograd}. The factors are 0 and ±1, so the only rounding besides the products'
 * is that of a few additions: the results agree with the direct sum about as closely as im2col's do.
 *
 * <p>The copies, blocks and the loop of a call are {@link InterleavedWinograd}'s: eight images at once, one per
 * vector lane. Tile (ty, tx) reads rows 4·ty .. 4·ty + 4 and columns 4·tx .. 4·tx + 4 of the padded image.
 */
final class WinogradStride2 extends InterleavedWinograd {
    /** Points of one tile's transformed patch. */
    static final int POINTS = 25;

    /** Whether {@code g} is a convolution this class computes: kernel 3×3, stride 2, no dilation. */
    static boolean applies(ConvGeometry g) {
        return g.kernelH() == 3 && g.kernelW() == 3 && g.strideH() == 2 && g.strideW() == 2
                && g.dilationH() == 1 && g.dilationW() == 1;
    }

    /**
     * @param g           geometry of one group (C = g.channels())
     * @param outChannels M, output channels of one group
     * @param mr          row tile of the GEMM's packed A panels
     * @param nr          column tile of its packed B panels (a multiple of 8)
     * @param kc          depth of its packed blocks
     */
    WinogradStride2(ConvGeometry g, int outChannels, int mr, int nr, int kc) {
        super(checked(g), outChannels, 2, 5, 4, POINTS, mr, nr, kc, Alignment.FLOATS);
    }

    private static ConvGeometry checked(ConvGeometry g) {
        if (!applies(g)) throw new IllegalArgumentException("Winograd for stride 2 needs a 3x3 kernel, stride 2, no dilation: " + g);
        return g;
    }

    // ---------------------------------------------------------------------------------------------------
    // Weights: U = G·k·Gᵀ
    // ---------------------------------------------------------------------------------------------------

    /** U = G·k·Gᵀ for every (m, c), packed (see {@link InterleavedWinograd#packWeights}). */
    @Override
    void packWeights(float[] w, int wOff, float[] dst) {
        java.util.Arrays.fill(dst, 0, packedWeightSize(), 0f);
        for (int m = 0; m < outChannels; m++) {
            for (int c = 0; c < channels; c++) transformWeight(w, wOff + (m * channels + c) * 9, dst, packedIndex(m, c), weightStride());
        }
    }

    /**
     * U = G·k·Gᵀ of one 3×3 kernel (at w[o], row-major), in double and rounded once: point ξ (row-major in the 5×5)
     * stored at dst[at + ξ·stride]. {@link WinogradStride2Gradient} packs the same values transposed.
     */
    static void transformWeight(float[] w, int o, float[] dst, int at, int stride) {
        double a0 = w[o], a1 = w[o + 1], a2 = w[o + 2];          // k's rows 0, 1, 2
        double b0 = w[o + 3], b1 = w[o + 4], b2 = w[o + 5];
        double c0 = w[o + 6], c1 = w[o + 7], c2 = w[o + 8];
        // the rows of G·k are k's rows 0, 0 + 2, 2, 1, 1; each then ·Gᵀ
        weightRow(a0, a1, a2, dst, at, stride);
        weightRow(a0 + c0, a1 + c1, a2 + c2, dst, at + 5 * stride, stride);
        weightRow(c0, c1, c2, dst, at + 10 * stride, stride);
        weightRow(b0, b1, b2, dst, at + 15 * stride, stride);
        weightRow(b0, b1, b2, dst, at + 20 * stride, stride);
    }

    /** A row (h0, h1, h2) of G·k times Gᵀ: (h0, h0 + h2, h2, h1, h1), at dst[at + j·stride]. */
    private static void weightRow(double h0, double h1, double h2, float[] dst, int at, int stride) {
        dst[at] = (float) h0;
        dst[at + stride] = (float) (h0 + h2);
        dst[at + 2 * stride] = (float) h2;
        dst[at + 3 * stride] = (float) h1;
        dst[at + 4 * stride] = (float) h1;
    }

    @Override
    void transformInput(ConvDriver driver, float[] xi, int u0, int units, int width, float[] v) {
        driver.stride2Input(this, xi, u0, units, width, v);
    }

    @Override
    void transformOutput(ConvDriver driver, float[] prod, int u0, int units, int width, float[] bias, int biasOff,
                         float[] y, int yOff, int yStride, int count, boolean relu) {
        driver.stride2Output(this, prod, u0, units, width, bias, biasOff, y, yOff, yStride, count, relu);
    }

    // ---------------------------------------------------------------------------------------------------
    // Scalar references of the transforms
    // ---------------------------------------------------------------------------------------------------

    /**
     * Bᵀ applied down one column of five values: (d0 - d2, d2, d4 - d2, d1, d3), at out[o + k·step]. The vector
     * transform does the same subtractions, so the results are the same bit for bit.
     */
    static void inputColumn(float d0, float d1, float d2, float d3, float d4, float[] out, int o, int step) {
        out[o] = d0 - d2;
        out[o + step] = d2;
        out[o + 2 * step] = d4 - d2;
        out[o + 3 * step] = d1;
        out[o + 4 * step] = d3;
    }

    /**
     * The scalar reference of {@link ConvDriver#stride2Input}: V = Bᵀ·d·B for units [u0, u0 + units) and every
     * channel, d read from the interleaved copies (unit u is tile u % tiles of group u / tiles), stored as the GEMM's
     * B operand: point ξ's matrix (C × width) at ξ·{@link Winograd#pointStride}, in depth blocks of kc channels,
     * each in panels of nr columns (k-major); unit u's lane e is column 8·(u - u0) + e.
     */
    void inputTransform(float[] xi, int u0, int units, int width, float[] v) {
        int vPoint = Winograd.pointStride(channels, width), row = rowStep;
        float[] t = new float[25], vt = new float[25];
        for (int u = u0; u < u0 + units; u++) {
            int group = u / tiles, ty = u % tiles / tilesW, tx = u % tilesW;
            for (int c = 0; c < channels; c++) {
                int patch = base + group * groupSize() + c * channelStep + 4 * ty * rowStep + 4 * tx * LANES;
                for (int e = 0; e < LANES; e++) {
                    // Bᵀ·d, column by column (t[5·i + j] = row i, column j), then each row ·B
                    for (int j = 0; j < 5; j++) {
                        int at = patch + j * LANES + e;
                        inputColumn(xi[at], xi[at + row], xi[at + 2 * row], xi[at + 3 * row], xi[at + 4 * row], t, j, 5);
                    }
                    for (int i = 0; i < 5; i++) inputColumn(t[5 * i], t[5 * i + 1], t[5 * i + 2], t[5 * i + 3], t[5 * i + 4], vt, 5 * i, 1);
                    int o = transformedIndex(c, (u - u0) * LANES + e, width);
                    for (int point = 0; point < POINTS; point++) v[o + point * vPoint] = vt[point];
                }
            }
        }
    }

    /**
     * The scalar reference of {@link ConvDriver#stride2Output}: Y = Aᵀ·P·A for units [u0, u0 + units) and every
     * output channel — per row i of the points, s = ((P[i][0] + P[i][1]) + P[i][3], (P[i][1] + P[i][2]) + P[i][4]);
     * then rows 0, 1, 3 and rows 1, 2, 4 of s summed the same way — plus the bias, with {@code relu} max(·, 0),
     * stored to NCHW where the 2×2 tile lies inside the output, for the images below count (lane e of group γ is
     * image 8·γ + e, its output at yOff + (8·γ + e)·yStride).
     */
    void outputTransform(float[] prod, int u0, int units, int width, float[] bias, int biasOff, float[] y, int yOff,
                         int yStride, int count, boolean relu) {
        int pPoint = Winograd.pointStride(outChannels, width), outH = g.outH(), outW = g.outW();
        float[] s0 = new float[5], s1 = new float[5];
        for (int u = u0; u < u0 + units; u++) {
            int group = u / tiles, ty = u % tiles / tilesW, tx = u % tilesW;
            for (int m = 0; m < outChannels; m++) {
                float b = bias == null ? 0f : bias[biasOff + m];
                for (int e = 0; e < LANES; e++) {
                    int image = group * LANES + e;
                    if (image >= count) continue;
                    int q = base + m * width + (u - u0) * LANES + e;
                    // Aᵀ·P, column by column
                    for (int j = 0; j < 5; j++) {
                        float p0 = prod[q + j * pPoint], p1 = prod[q + (5 + j) * pPoint], p2 = prod[q + (10 + j) * pPoint];
                        float p3 = prod[q + (15 + j) * pPoint], p4 = prod[q + (20 + j) * pPoint];
                        s0[j] = p0 + p1 + p3;
                        s1[j] = p1 + p2 + p4;
                    }
                    for (int i = 0; i < 2; i++) {
                        float[] s = i == 0 ? s0 : s1;
                        int oh = 2 * ty + i;
                        if (oh >= outH) continue;
                        float y0 = s[0] + s[1] + s[3] + b, y1 = s[1] + s[2] + s[4] + b;
                        if (relu) {
                            y0 = Math.max(y0, 0f);
                            y1 = Math.max(y1, 0f);
                        }
                        int ow = 2 * tx, o = yOff + image * yStride + (m * outH + oh) * outW + ow;
                        y[o] = y0;
                        if (ow + 1 < outW) y[o + 1] = y1;
                    }
                }
            }
        }
    }
}
