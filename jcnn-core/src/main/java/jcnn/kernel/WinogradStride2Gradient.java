package jcnn.kernel;

/**
 * The input gradient of a 3×3 stride-2 convolution by the adjoint of {@link WinogradStride2}'s algorithm.
 *
 * <p>The forward computes each 2×2 tile of outputs from the 5×5 input patch d under it as
 * Y = Aᵀ·[Σ_c U_c ⊙ (Bᵀ·d_c·B)]·A, a chain of linear maps. The gradient of a linear map is its transpose, taken in
 * reverse order: for a tile's output gradient dY of each output channel m,
 * <pre>
 *   Ŷ_m = A·dY_m·Aᵀ                    (5×5 from 2×2: per dimension (y0, y0 + y1, y1, y0, y1))
 *   Z_c = Σ_m U_mc ⊙ Ŷ_m               (25 products of Uᵀ (C × M) and Ŷ (M × tiles), one per point)
 *   dd_c = B·Z_c·Bᵀ                    (per dimension (z0, z3, z1 - z0 - z2, z4, z2))
 * </pre>
 * and dd_c is the tile's contribution to the input gradient of its 5×5 patch. Neighbouring patches share a row or a
 * column (they start 4 apart), so the contributions are summed where they overlap. As in the forward, 25
 * multiplications per tile and channel pair instead of 36, and factors 0 and ±1 only.
 *
 * <p>Ŷ has only 9 distinct points — its rows 3 and 4 repeat rows 0 and 2, and so do its columns — so the input
 * transform stores those 9 and the product of point (i, j) reads the matrix of point (r(i), r(j)), r = (0, 1, 2, 0, 2)
 * (see {@link #sourcePoint}).
 *
 * <p>It runs on {@link InterleavedWinograd}'s loop with the roles of the forward's copies taken by the output
 * gradient (the interleaved source: M planes of outH × outW, no padding, tile (ty, tx) reading rows 2·ty, 2·ty + 1
 * and columns 2·tx, 2·tx + 1, zero past the edge) and by an interleaved input gradient laid out as the forward's copy
 * of x ({@link #layout}). The output transform stores each patch point the first time it is written and adds to it
 * after (tiles go in order, row by row, so a patch's first row and column were written by the tiles above and to its
 * left), and {@link #backward} finally copies the interleaved gradient out to each image's NCHW planes. Points of the
 * padded plane that no patch covers (input rows or columns no output reads) stay at the zero the buffer started with.
 */
final class WinogradStride2Gradient extends InterleavedWinograd {
    /** Points of one tile's transformed gradient. */
    static final int POINTS = WinogradStride2.POINTS;

    /** Rows (and columns) of Ŷ: rows 3 and 4 are rows 0 and 2 again. */
    private static final int[] DISTINCT = {0, 1, 2, 0, 2};

    /** The interleaved input gradient's layout: that of the forward's copy of x (its plan's geometry and positions). */
    final WinogradStride2 layout;

    /**
     * @param g           geometry of one group of the forward (C = g.channels() input channels)
     * @param outChannels M, the forward's output channels of one group
     * @param mr          row tile of the GEMM's packed A panels
     * @param nr          column tile of its packed B panels (a multiple of 8)
     * @param kc          depth of its packed blocks
     */
    WinogradStride2Gradient(ConvGeometry g, int outChannels, int mr, int nr, int kc) {
        super(checked(g), outChannels, g.outH(), g.outW(), 0, 0, g.channels(), 2, 2, 2, POINTS, mr, nr, kc, 0);
        this.layout = new WinogradStride2(g, outChannels, mr, nr, kc);
    }

    private static ConvGeometry checked(ConvGeometry g) {
        if (!WinogradStride2.applies(g)) {
            throw new IllegalArgumentException("Winograd for stride 2 needs a 3x3 kernel, stride 2, no dilation: " + g);
        }
        return g;
    }

    /**
     * Whether the layer's input gradient of a batch takes this path at a thread count: when the batch fills its
     * 8-image groups ({@link #fillsGroups}) and there is a group for every thread, as a group's overlapping patches are
     * summed by one thread. With fewer, the GEMM's path, which shares images, is faster: 8 images of
     * (64,56,56)→128 at two threads 7.1–7.4 ms against 11.7 here on one.
     */
    static boolean takes(int batch, int threads) {
        return fillsGroups(batch) && (batch + LANES - 1) / LANES >= threads;
    }

    /** Floats of the interleaved input gradients of {@link #groups} groups. */
    int gradientBufferSize() {
        return groups * layout.groupSize();
    }

    /**
     * Uᵀ: for the forward's weights w (M × C × 3 × 3 at wOff, PyTorch's order), point ξ's matrix (C × M) with U_mc[ξ]
     * at row c, column m, packed as the GEMM's A operand (here the rows are the input channels and the depth runs over
     * the output channels).
     */
    @Override
    void packWeights(float[] w, int wOff, float[] dst) {
        java.util.Arrays.fill(dst, 0, packedWeightSize(), 0f);
        int c = outChannels, m = channels;
        for (int mi = 0; mi < m; mi++) {
            for (int ci = 0; ci < c; ci++) {
                WinogradStride2.transformWeight(w, wOff + (mi * c + ci) * 9, dst, packedIndex(ci, mi), weightStride());
            }
        }
    }

    @Override
    int sourcePoint(int point) {
        return 5 * DISTINCT[point / 5] + DISTINCT[point % 5];
    }

    @Override
    void transformInput(ConvDriver driver, float[] dyi, int u0, int units, int width, float[] v) {
        driver.stride2GradientInput(this, dyi, u0, units, width, v);
    }

    /** The patches' contributions summed into the interleaved input gradients {@code dxi}: bias and ReLU do not apply. */
    @Override
    void transformOutput(ConvDriver driver, float[] prod, int u0, int units, int width, float[] bias, int biasOff,
                         float[] dxi, int yOff, int yStride, int count, boolean relu) {
        driver.stride2GradientOutput(this, prod, u0, units, width, dxi);
    }

    /**
     * dx (C × H × W at dxOff + i·dxStride) = the input gradient for the output gradient of image i (M × outH × outW at
     * dyOff + i·dyStride), for i in [0, count), count at most {@link #images}, with the weights packed by
     * {@link #packWeights}. Buffers: {@code dyi} of {@link #interleavedBufferSize} and {@code dxi} of
     * {@link #gradientBufferSize} floats serving only this plan (zero when first used), {@code v} and {@code prod} of
     * {@link #transformedSize} and {@link #productSize}.
     */
    void backward(ConvDriver driver, float[] dy, int dyOff, int dyStride, int count, float[] u, float[] dx, int dxOff,
                  int dxStride, float[] dyi, float[] dxi, float[] v, float[] prod) {
        forward(driver, dy, dyOff, dyStride, count, u, null, 0, dxi, 0, 0, false, dyi, v, prod);
        for (int gr = 0; gr * LANES < count; gr++) {
            driver.deinterleave(layout, dxi, gr * layout.groupSize(), dx, dxOff + gr * LANES * dxStride, dxStride,
                    Math.min(LANES, count - gr * LANES));
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Scalar references of the transforms
    // ---------------------------------------------------------------------------------------------------

    /**
     * The scalar reference of {@link ConvDriver#stride2GradientInput}: Ŷ = A·dY·Aᵀ for units [u0, u0 + units) and
     * every output-gradient channel m, dY (2×2) read from the interleaved copies dyi — first the rows (y0, y0 + y1, y1)
     * of each column, then the same along each row — its 9 distinct points stored at points 5·i + j, i, j < 3, of V
     * (the layout of {@link WinogradStride2#inputTransform}).
     */
    void inputTransform(float[] dyi, int u0, int units, int width, float[] v) {
        int vPoint = Winograd.pointStride(channels, width);
        for (int u = u0; u < u0 + units; u++) {
            int group = u / tiles, ty = u % tiles / tilesW, tx = u % tilesW;
            for (int m = 0; m < channels; m++) {
                int base = group * groupSize() + m * channelStep + 2 * ty * rowStep + 2 * tx * LANES;
                for (int e = 0; e < LANES; e++) {
                    float y00 = dyi[base + e], y01 = dyi[base + LANES + e];
                    float y10 = dyi[base + rowStep + e], y11 = dyi[base + rowStep + LANES + e];
                    float[] rows = {y00, y01, y00 + y10, y01 + y11, y10, y11};
                    int o = transformedIndex(m, (u - u0) * LANES + e, width);
                    for (int i = 0; i < 3; i++) {
                        float a = rows[2 * i], b = rows[2 * i + 1];
                        v[o + 5 * i * vPoint] = a;
                        v[o + (5 * i + 1) * vPoint] = a + b;
                        v[o + (5 * i + 2) * vPoint] = b;
                    }
                }
            }
        }
    }

    /**
     * The scalar reference of {@link ConvDriver#stride2GradientOutput}: dd = B·Z·Bᵀ for units [u0, u0 + units) and
     * every input channel c — first down each column (z0, z3, (z1 - z0) - z2, z4, z2), then the same along each row —
     * summed into the interleaved input gradients dxi (group γ at γ·layout.groupSize(), lane e its image e): a point in
     * the patch's first row below the top tiles, or in its first column right of the left tiles, is added to what is
     * there; every other point is stored.
     */
    void outputTransform(float[] prod, int u0, int units, int width, float[] dxi) {
        int pPoint = Winograd.pointStride(outChannels, width);
        float[] t = new float[25], dd = new float[25];
        for (int u = u0; u < u0 + units; u++) {
            int group = u / tiles, ty = u % tiles / tilesW, tx = u % tilesW;
            for (int c = 0; c < outChannels; c++) {
                int base = group * layout.groupSize() + c * layout.channelStep + 4 * ty * layout.rowStep + 4 * tx * LANES;
                for (int e = 0; e < LANES; e++) {
                    int q = c * width + (u - u0) * LANES + e;
                    for (int j = 0; j < 5; j++) {
                        outputColumn(prod[q + j * pPoint], prod[q + (5 + j) * pPoint], prod[q + (10 + j) * pPoint],
                                prod[q + (15 + j) * pPoint], prod[q + (20 + j) * pPoint], t, j, 5);
                    }
                    for (int i = 0; i < 5; i++) outputColumn(t[5 * i], t[5 * i + 1], t[5 * i + 2], t[5 * i + 3], t[5 * i + 4], dd, 5 * i, 1);
                    for (int i = 0; i < 5; i++) {
                        for (int j = 0; j < 5; j++) {
                            int at = base + i * layout.rowStep + j * LANES + e;
                            boolean add = (i == 0 && ty > 0) || (j == 0 && tx > 0);
                            dxi[at] = add ? dxi[at] + dd[5 * i + j] : dd[5 * i + j];
                        }
                    }
                }
            }
        }
    }

    /** B applied to five values: (z0, z3, (z1 - z0) - z2, z4, z2), at out[o + k·step]. */
    static void outputColumn(float z0, float z1, float z2, float z3, float z4, float[] out, int o, int step) {
        out[o] = z0;
        out[o + step] = z3;
        out[o + 2 * step] = (z1 - z0) - z2;
        out[o + 3 * step] = z4;
        out[o + 4 * step] = z2;
    }
}
