package jcnn.kernel;

/**
 * 3×3 convolution with stride 1 by Winograd's F(4×4, 3×3) (Lavin and Gray, 2015): every 4×4 block of outputs
 * ("tile") is computed from the 6×6 input patch under it with 36 multiplications per channel pair instead of 144 —
 * 2.25 per output, against 4 for {@link Winograd}'s F(2×2, 3×3) and 9 for the direct sum.
 *
 * <p>The algebra is F(2×2, 3×3)'s with bigger matrices, built on the interpolation points 0, 1, -1, 2, -2 and ∞:
 * <pre>
 *   Y = Aᵀ·[(G·g·Gᵀ) ⊙ (Bᵀ·d·B)]·A
 *
 *        | 4  0 -5  0  1  0 |          |  1/4    0     0  |
 *        | 0 -4 -4  1  1  0 |          | -1/6  -1/6  -1/6 |          | 1  1  1  1  1  0 |
 *   Bᵀ = | 0  4 -4 -1  1  0 |      G = | -1/6   1/6  -1/6 |     Aᵀ = | 0  1 -1  2 -2  0 |
 *        | 0 -2 -1  2  1  0 |          | 1/24  1/12   1/6 |          | 0  1  1  4  4  0 |
 *        | 0  2 -1 -2  1  0 |          | 1/24 -1/12   1/6 |          | 0  1 -1  8 -8  1 |
 *        | 0  4  0 -5  0  1 |          |   0     0     1  |
 * </pre>
 * Summed over input channels, each of the 36 points ξ of U ⊙ V is one matrix product (out channels × in channels
 * times in channels × tiles). The price of the bigger tile is accuracy: the transforms multiply by up to 8 and
 * divide by 24, so results differ from the direct sum by about ten times the rounding of F(2×2, 3×3) (a few
 * units in the sixth significant digit of the largest terms; the tests bound it).
 *
 * <p>The copies, blocks and the loop of a call are {@link InterleavedWinograd}'s: eight images at once, one per
 * vector lane.
 */
final class Winograd4x4 extends InterleavedWinograd {
    /** Points of one tile's transformed patch. */
    static final int POINTS = 36;

    /** Whether {@code g} is a convolution this class computes: kernel 3×3, stride 1, no dilation. */
    static boolean applies(ConvGeometry g) {
        return Winograd.applies(g);
    }

    /**
     * @param g           geometry of one group (C = g.channels())
     * @param outChannels M, output channels of one group
     * @param mr          row tile of the GEMM's packed A panels
     * @param nr          column tile of its packed B panels (a multiple of 8)
     * @param kc          depth of its packed blocks
     */
    Winograd4x4(ConvGeometry g, int outChannels, int mr, int nr, int kc) {
        // tiles of 4×4 outputs read patches of rows 4·ty .. 4·ty + 5, columns 4·tx .. 4·tx + 5
        super(checked(g), outChannels, 4, 6, 4, POINTS, mr, nr, kc, Alignment.FLOATS);
    }

    private static ConvGeometry checked(ConvGeometry g) {
        if (!applies(g)) throw new IllegalArgumentException("Winograd F(4x4,3x3) needs a 3x3 kernel, stride 1, no dilation: " + g);
        return g;
    }

    // ---------------------------------------------------------------------------------------------------
    // Weights: U = G·g·Gᵀ
    // ---------------------------------------------------------------------------------------------------

    /**
     * U[ξ] for every output channel m and input channel c of w (M × C × 3 × 3 at wOff, PyTorch's order), packed as
     * {@link Winograd#packWeights} packs its 16: point ξ's matrix (M × C) at ξ·{@link #weightStride}, in depth blocks
     * of kc channels, each in panels of mr rows (k-major, rows past M zero). U = (G·k)·Gᵀ is computed in double,
     * column transforms first, then row transforms, each written out with G's shared terms ({@link #kernelColumn}).
     */
    @Override
    void packWeights(float[] w, int wOff, float[] dst) {
        java.util.Arrays.fill(dst, 0, packedWeightSize(), 0f);
        packPairs(w, wOff, dst, 0, outChannels);
    }

    /**
     * The transform of {@link #packWeights} for output channels [m0, m1) and every input channel, stored into the
     * packed places (which the caller has zeroed). The scalar reference of {@link ConvDriver#winograd4PackWeights},
     * which also leaves a partial last panel of output channels to it.
     */
    void packPairs(float[] w, int wOff, float[] dst, int m0, int m1) {
        double[] gk = new double[18], u = new double[6];
        int stride = weightStride();
        for (int m = m0; m < m1; m++) {
            for (int c = 0; c < channels; c++) {
                int at = packedIndex(m, c);
                int o = wOff + (m * channels + c) * 9;
                // G·k (6 × 3, gk[3·i + j]): each of k's columns
                for (int j = 0; j < 3; j++) {
                    kernelColumn(w[o + j], w[o + 3 + j], w[o + 6 + j], u);
                    for (int i = 0; i < 6; i++) gk[3 * i + j] = u[i];
                }
                // (G·k)·Gᵀ: each row of G·k through G again
                for (int i = 0; i < 6; i++) {
                    kernelColumn(gk[3 * i], gk[3 * i + 1], gk[3 * i + 2], u);
                    for (int j = 0; j < 6; j++) dst[at + (6 * i + j) * stride] = (float) u[j];
                }
            }
        }
    }

    /**
     * u = G·(g0, g1, g2), G as in the class comment: g0/4; -(g0 + g1 + g2)/6 and -(g0 - g1 + g2)/6; g0/24 + g1/12 +
     * g2/6 and g0/24 - g1/12 + g2/6; g2.
     */
    static void kernelColumn(double g0, double g1, double g2, double[] u) {
        // by multiplications with the constants rather than divisions (a division's throughput is several cycles)
        double sum = g0 + g2, outer = g0 * (1 / 24.0) + g2 * (1 / 6.0), middle = g1 * (1 / 12.0);
        u[0] = g0 * 0.25;
        u[1] = (sum + g1) * (-1 / 6.0);
        u[2] = (sum - g1) * (-1 / 6.0);
        u[3] = outer + middle;
        u[4] = outer - middle;
        u[5] = g2;
    }

    @Override
    void transformInput(ConvDriver driver, float[] xi, int u0, int units, int width, float[] v) {
        driver.winograd4Input(this, xi, u0, units, width, v);
    }

    @Override
    void transformOutput(ConvDriver driver, float[] prod, int u0, int units, int width, float[] bias, int biasOff,
                         float[] y, int yOff, int yStride, int count, boolean relu) {
        driver.winograd4Output(this, prod, u0, units, width, bias, biasOff, y, yOff, yStride, count, relu);
    }

    /**
     * {@link #forward} for units [from, to) with the 2×2 max pooling in the output transform: y (M × outH/2 × outW/2 at
     * yOff + i·yStride) = the pooled outputs of image i, argmax (where not null) their positions in the output plane,
     * at the same indices. The outputs themselves are not stored.
     */
    void forwardPooled(ConvDriver driver, float[] x, int xOff, int xStride, int count, int from, int to, float[] u,
                       float[] bias, int biasOff, float[] y, int yOff, int yStride, int[] argmax, boolean relu, float[] xi,
                       float[] v, float[] prod) {
        interleaveGroups(driver, x, xOff, xStride, count, xi);
        multiplyBlocks(driver, xi, from, to, u, v, prod, (u0, units, width) ->
                driver.winograd4OutputPooled(this, prod, u0, units, width, bias, biasOff, y, yOff, yStride, argmax, count, relu));
    }

    /**
     * Bᵀ applied down one column of six values, written with fused multiply-adds so that the vector transform
     * (which does the same operations in the same order) gives the same floats: rows of Bᵀ as in the class comment.
     */
    static void inputColumn(float d0, float d1, float d2, float d3, float d4, float d5, float[] out, int o, int step) {
        float s12 = d1 + d2, s34 = d3 + d4, m12 = d1 - d2, m43 = d4 - d3, m31 = d3 - d1, m42 = d4 - d2;
        out[o] = Math.fma(d0, 4f, Math.fma(d2, -5f, d4));
        out[o + step] = Math.fma(s12, -4f, s34);
        out[o + 2 * step] = Math.fma(m12, 4f, m43);
        out[o + 3 * step] = Math.fma(m31, 2f, m42);
        out[o + 4 * step] = Math.fma(m31, -2f, m42);
        out[o + 5 * step] = Math.fma(d1, 4f, Math.fma(d3, -5f, d5));
    }

    /**
     * The scalar reference of {@link ConvDriver#winograd4Input}: V = Bᵀ·d·B for units [u0, u0 + units) and every
     * channel, d read from the interleaved copies (unit u is tile u % tiles of group u / tiles), stored as the GEMM's
     * B operand: point ξ's matrix (C × width) at ξ·{@link Winograd#pointStride}, in depth blocks of kc channels,
     * each in panels of nr columns (k-major); unit u's lane e is column 8·(u - u0) + e.
     */
    void inputTransform(float[] xi, int u0, int units, int width, float[] v) {
        int vPoint = Winograd.pointStride(channels, width);
        float[] t = new float[36], vt = new float[36];
        for (int u = u0; u < u0 + units; u++) {
            int group = u / tiles, ty = u % tiles / tilesW, tx = u % tilesW;
            for (int c = 0; c < channels; c++) {
                int pc = c / kc * kc, depth = Math.min(kc, channels - pc);
                int patch = base + group * groupSize() + c * channelStep + 4 * ty * rowStep + 4 * tx * LANES;
                for (int e = 0; e < LANES; e++) {
                    // Bᵀ·d, column by column (t[6·i + j] = row i, column j), then each row ·B
                    for (int j = 0; j < 6; j++) {
                        int at = patch + j * LANES + e, row = rowStep;
                        inputColumn(xi[at], xi[at + row], xi[at + 2 * row], xi[at + 3 * row], xi[at + 4 * row],
                                xi[at + 5 * row], t, j, 6);
                    }
                    for (int i = 0; i < 6; i++) inputColumn(t[6 * i], t[6 * i + 1], t[6 * i + 2], t[6 * i + 3], t[6 * i + 4],
                            t[6 * i + 5], vt, 6 * i, 1);
                    int col = (u - u0) * LANES + e;
                    int o = base + pc * width + col / nr * depth * nr + (c - pc) * nr + col % nr;
                    for (int point = 0; point < POINTS; point++) v[o + point * vPoint] = vt[point];
                }
            }
        }
    }

    /**
     * Aᵀ applied down one column of six values (rows of Aᵀ as in the class comment), with fused multiply-adds in the
     * vector transform's order.
     */
    static void outputColumn(float p0, float p1, float p2, float p3, float p4, float p5, float[] out, int o, int step) {
        float s12 = p1 + p2, s34 = p3 + p4, m12 = p1 - p2, m34 = p3 - p4;
        out[o] = p0 + s12 + s34;
        out[o + step] = Math.fma(m34, 2f, m12);
        out[o + 2 * step] = Math.fma(s34, 4f, s12);
        out[o + 3 * step] = Math.fma(m34, 8f, m12) + p5;
    }

    /**
     * The scalar reference of {@link ConvDriver#winograd4Output}: Y = Aᵀ·P·A for units [u0, u0 + units) and every
     * output channel, plus the bias, with {@code relu} max(·, 0), stored to NCHW where the 4×4 tile lies inside the
     * output, for the images below count (lane e of group γ is image 8·γ + e, its output at yOff + (8·γ + e)·yStride).
     */
    void outputTransform(float[] prod, int u0, int units, int width, float[] bias, int biasOff, float[] y, int yOff,
                         int yStride, int count, boolean relu) {
        int outH = g.outH(), outW = g.outW();
        float[] s = new float[24], out = new float[16];
        for (int u = u0; u < u0 + units; u++) {
            int group = u / tiles, ty = u % tiles / tilesW, tx = u % tilesW;
            for (int m = 0; m < outChannels; m++) {
                for (int e = 0; e < LANES; e++) {
                    int image = group * LANES + e;
                    tileOutputs(prod, u0, u, width, e, m, bias, biasOff, relu, s, out);
                    if (image >= count) continue;
                    for (int i = 0; i < 4; i++) {
                        for (int j = 0; j < 4; j++) {
                            int oh = 4 * ty + i, ow = 4 * tx + j;
                            if (oh < outH && ow < outW) y[yOff + image * yStride + (m * outH + oh) * outW + ow] = out[4 * i + j];
                        }
                    }
                }
            }
        }
    }

    /**
     * The scalar reference of {@link ConvDriver#winograd4OutputPooled}: the outputs of {@link #outputTransform} (bias,
     * {@code relu}) max-pooled over 2×2 windows with stride 2 (PyTorch's MaxPool2d(2), rows and columns past an even
     * size dropped) by the pooling's own rule ({@link Pooling}: the first largest in scan order, a NaN wins), and only
     * the pooled plane, (outH/2) × (outW/2) per channel, stored to NCHW; where {@code argmax} is not null, each
     * window's choice too, as the flat position oh·outW + ow in the (unwritten) output plane, at the same index. A
     * tile's 4×4 outputs hold exactly four whole windows, so no window spans two tiles.
     */
    void outputTransformPooled(float[] prod, int u0, int units, int width, float[] bias, int biasOff, float[] y, int yOff,
                               int yStride, int[] argmax, int count, boolean relu) {
        int outW = g.outW(), pooledH = g.outH() / 2, pooledW = outW / 2;
        float[] s = new float[24], out = new float[16];
        for (int u = u0; u < u0 + units; u++) {
            int group = u / tiles, ty = u % tiles / tilesW, tx = u % tilesW;
            for (int m = 0; m < outChannels; m++) {
                for (int e = 0; e < LANES; e++) {
                    int image = group * LANES + e;
                    tileOutputs(prod, u0, u, width, e, m, bias, biasOff, relu, s, out);
                    if (image >= count) continue;
                    for (int i = 0; i < 2; i++) {
                        for (int j = 0; j < 2; j++) {
                            int ph = 2 * ty + i, pw = 2 * tx + j;
                            if (ph >= pooledH || pw >= pooledW) continue;
                            int at = 8 * i + 2 * j, k = windowChoice(out, at);
                            int o = yOff + image * yStride + (m * pooledH + ph) * pooledW + pw;
                            y[o] = out[at + k];
                            if (argmax != null) argmax[o] = (2 * ph + k / 4) * outW + 2 * pw + k % 4;
                        }
                    }
                }
            }
        }
    }

    /**
     * The scalar reference of {@link ConvDriver#winograd4OutputInterleaved}: the outputs of {@link #outputTransform}
     * (bias, {@code relu}), max-pooled as in {@link #outputTransformPooled} when {@code pool}, stored straight into
     * the next layer's interleaved copy: channel m, position (r, q) of group γ at dst[dstAt + γ·next.groupSize() +
     * m·next.channelStep + next.positions[r·W + q] + lane], W the width of next's input (this layer's output, or the
     * pooled plane). Every lane is stored: a partial group's missing images are computed from zeros like the others
     * and never leave the chain. The borders of next's copy are not touched.
     */
    void outputTransformInterleaved(float[] prod, int u0, int units, int width, float[] bias, int biasOff, boolean relu,
                                    boolean pool, InterleavedWinograd next, float[] dst, int dstAt) {
        int outH = pool ? g.outH() / 2 : g.outH(), outW = pool ? g.outW() / 2 : g.outW(), side = pool ? 2 : 4;
        float[] s = new float[24], out = new float[16];
        for (int u = u0; u < u0 + units; u++) {
            int group = u / tiles, ty = u % tiles / tilesW, tx = u % tilesW;
            for (int m = 0; m < outChannels; m++) {
                int channelAt = dstAt + group * next.groupSize() + m * next.channelStep;
                for (int e = 0; e < LANES; e++) {
                    tileOutputs(prod, u0, u, width, e, m, bias, biasOff, relu, s, out);
                    for (int i = 0; i < side; i++) {
                        for (int j = 0; j < side; j++) {
                            int r = side * ty + i, q = side * tx + j;
                            if (r >= outH || q >= outW) continue;
                            dst[channelAt + next.positions[r * outW + q] + e] = pool ? out[8 * i + 2 * j + windowChoice(out, 8 * i + 2 * j)] : out[4 * i + j];
                        }
                    }
                }
            }
        }
    }

    /**
     * The 16 outputs (row-major, out[4·i + j]) of lane e of unit u for output channel m: Aᵀ·P·A + bias, with
     * {@code relu} max(·, 0). s is a scratch of 24 floats.
     */
    private void tileOutputs(float[] prod, int u0, int u, int width, int e, int m, float[] bias, int biasOff, boolean relu,
                             float[] s, float[] out) {
        int pPoint = Winograd.pointStride(outChannels, width), q = base + m * width + (u - u0) * LANES + e;
        float b = bias == null ? 0f : bias[biasOff + m];
        // Aᵀ·P, column by column (s[6·i + j] = row i of 4, column j), then each row ·A
        for (int j = 0; j < 6; j++) {
            outputColumn(prod[q + j * pPoint], prod[q + (6 + j) * pPoint], prod[q + (12 + j) * pPoint],
                    prod[q + (18 + j) * pPoint], prod[q + (24 + j) * pPoint], prod[q + (30 + j) * pPoint], s, j, 6);
        }
        for (int i = 0; i < 4; i++) outputColumn(s[6 * i], s[6 * i + 1], s[6 * i + 2], s[6 * i + 3], s[6 * i + 4],
                s[6 * i + 5], out, 4 * i, 1);
        for (int k = 0; k < 16; k++) {
            float val = out[k] + b;
            out[k] = relu ? Math.max(val, 0f) : val;
        }
    }

    private static final int[] WINDOW = {1, 4, 5};

    /**
     * Which of the 2×2 window of a tile's outputs whose top left is out[at] max pooling picks, as the offset 0, 1, 4
     * or 5 from there: {@link Pooling}'s rule, the first largest in scan order, and a NaN wins (the last one).
     */
    private static int windowChoice(float[] out, int at) {
        int best = 0;
        for (int k : WINDOW) {
            float v = out[at + k];
            if (v > out[at + best] || v != v) best = k;
        }
        return best;
    }
}
