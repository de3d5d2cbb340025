package jcnn.kernel;

/**
 * The weight gradient of a 3×3 stride-2 convolution by the adjoint of {@link WinogradStride2}'s algorithm, as
 * {@link Winograd}'s weight gradient is the adjoint of F(2×2, 3×3).
 *
 * <p>The forward computes each 2×2 tile of outputs from the 5×5 input patch d under it as Y = Aᵀ·(U ⊙ V)·A, with
 * U = G·k·Gᵀ and V = Bᵀ·d·B. That is linear in U, so the gradient of Σ dY·Y with respect to U is, summed over the
 * tiles, dU = Σ Ŷ ⊙ V with Ŷ = A·dY·Aᵀ, and the kernel's gradient is dk = Gᵀ·dU·G:
 * <pre>
 *   Ŷ   per dimension (y0, y0 + y1, y1, y0, y1)       — 9 distinct points of 25 (rows 3, 4 repeat rows 0, 2)
 *   dU[ξ] (M × C) += Ŷ[ξ] (M × tiles) · V[ξ]ᵀ (tiles × C)   — 25 products whose depth runs over the tiles
 *   dk  per dimension (u0 + u1, u3 + u4, u1 + u2)      — Gᵀ applied to rows, then to columns
 * </pre>
 * 25 multiplications per tile and channel pair instead of the direct sum's 36 (two outputs times three taps per
 * dimension), and factors 0 and ±1 only: on small integers the result equals the definition bit for bit (tested).
 *
 * <p>As in {@link Winograd}, the tiles run along the GEMM's depth, so the transforms read channels-last copies of x
 * (padded: tile (ty, tx) reads rows 4·ty .. 4·ty + 4 and columns 4·tx .. 4·tx + 4) and of dy (tile (ty, tx) reads rows
 * 2·ty, 2·ty + 1 and columns 2·tx, 2·tx + 1, zero past the output): a vector of one position's channels is one load,
 * and each transformed vector is one row of a packed panel — Vᵀ in panels of nr input channels for each of the 25
 * points, Ŷ in panels of mr output channels for each of the 9 distinct ones.
 */
final class WinogradStride2WeightGradient implements WinogradWeightGradient {
    /** Points of one tile's transformed patch, and the distinct points of its transformed output gradient. */
    static final int POINTS = WinogradStride2.POINTS, HAT_POINTS = 9;

    /** Per dimension, which distinct row (column) of Ŷ each of the 5 points reads: rows 3 and 4 are rows 0 and 2. */
    private static final int[] DISTINCT = {0, 1, 2, 0, 2};

    final ConvGeometry g;
    final int channels;      // C (per group)
    final int outChannels;   // M (per group)
    final int tilesH, tilesW, tiles;
    final int hp, wp;        // the channels-last padded plane: hp rows of wp positions
    final int mr, nr, kc;
    /** 0, H·W, 2·H·W, ... and 0, outH·outW, ...: a gather of one position across input (output) channels. */
    final int[] inputSteps, gradientSteps;
    /** Where {@link #toChannelsLast} puts position p of an input (output-gradient) plane: the offset of its channel 0. */
    final int[] inputPositions, gradientPositions;

    /**
     * @param g           geometry of one group (C = g.channels())
     * @param outChannels M, output channels of one group
     * @param mr          row tile of the GEMM's packed A panels
     * @param nr          column tile of its packed B panels
     * @param kc          depth of its packed blocks
     */
    WinogradStride2WeightGradient(ConvGeometry g, int outChannels, int mr, int nr, int kc) {
        if (!WinogradStride2.applies(g)) {
            throw new IllegalArgumentException("Winograd for stride 2 needs a 3x3 kernel, stride 2, no dilation: " + g);
        }
        this.g = g;
        this.channels = g.channels();
        this.outChannels = outChannels;
        this.tilesH = (g.outH() + 1) / 2;
        this.tilesW = (g.outW() + 1) / 2;
        this.tiles = tilesH * tilesW;
        // the tiles read 4·tiles + 1 rows (columns); input rows past them, read by no output, still get a place
        this.hp = Math.max(4 * tilesH + 1, g.padTop() + g.height());
        this.wp = Math.max(4 * tilesW + 1, g.padLeft() + g.width());
        this.mr = mr;
        this.nr = nr;
        this.kc = kc;
        this.inputSteps = new int[nr];
        this.gradientSteps = new int[nr];
        for (int j = 0; j < nr; j++) {
            inputSteps[j] = j * g.height() * g.width();
            gradientSteps[j] = j * g.outH() * g.outW();
        }
        this.inputPositions = new int[g.height() * g.width()];
        for (int r = 0, p = 0; r < g.height(); r++)
            for (int q = 0; q < g.width(); q++, p++) inputPositions[p] = ((g.padTop() + r) * wp + g.padLeft() + q) * gradientChannels();
        this.gradientPositions = new int[g.outH() * g.outW()];
        for (int r = 0, p = 0; r < g.outH(); r++)
            for (int q = 0; q < g.outW(); q++, p++) gradientPositions[p] = (r * 2 * tilesW + q) * gradientOutChannels();
    }

    /** Input channels rounded up to whole B panels, and output channels to whole A panels. */
    int gradientChannels() {
        return roundUp(channels, nr);
    }

    int gradientOutChannels() {
        return roundUp(outChannels, mr);
    }

    /** Floats of the channels-last padded input (hp × wp positions × {@link #gradientChannels}), borders zero. */
    @Override
    public int channelsLastInputSize() {
        return hp * wp * gradientChannels();
    }

    /** Floats of the channels-last output gradient (2·tilesH × 2·tilesW × {@link #gradientOutChannels}), zero past the output. */
    @Override
    public int channelsLastGradientSize() {
        return 4 * tiles * gradientOutChannels();
    }

    /** Distance between the 25 points' panels of Vᵀ, and between the 9 of Ŷ: a cache line more than a block (see {@link Winograd#pointStride}). */
    int transposedStride() {
        return gradientChannels() * kc + 16;
    }

    int hatStride() {
        return gradientOutChannels() * kc + 16;
    }

    /** Floats of the Vᵀ buffer and of the Ŷ buffer. */
    @Override
    public int transposedSize() {
        return POINTS * transposedStride();
    }

    @Override
    public int hatSize() {
        return HAT_POINTS * hatStride();
    }

    /** Floats of the accumulator dU: 25 points × M × C. */
    @Override
    public int gradientSize() {
        return POINTS * outChannels * channels;
    }

    /** The distinct point of Ŷ that point ξ = 5·i + j reads. */
    static int hatPoint(int xi) {
        return 3 * DISTINCT[xi / 5] + DISTINCT[xi % 5];
    }

    /**
     * Adds the weight gradient of images [n0, n1) to dU in {@code grad} at gradOff (zero it before), their tiles taken
     * as one long sequence in blocks of kc.
     *
     * @param x       the layer's input, image n at xOff + n·xStride (C × H × W)
     * @param dy      its output gradient, image n at dyOff + n·dyStride (M × outH × outW)
     * @param xLast   {@link #channelsLastInputSize} floats serving only this plan
     * @param dyLast  {@link #channelsLastGradientSize} floats serving only this plan
     * @param vT      {@link #transposedSize} floats
     * @param dyHat   {@link #hatSize} floats
     * @param copied  run on each image as soon as its copies are made (null: nothing)
     */
    @Override
    public void weightGradient(ConvDriver driver, float[] x, int xOff, int xStride, float[] dy, int dyOff, int dyStride, int n0,
                               int n1, float[] grad, int gradOff, float[] xLast, float[] dyLast, float[] vT, float[] dyHat,
                               Convolution.ImageRange copied) {
        long total = (long) (n1 - n0) * tiles;
        long blockStart = 0;
        int filled = 0;
        int depth = (int) Math.min(kc, total);
        for (int n = n0; n < n1; n++) {
            driver.stride2ChannelsLast(this, x, xOff + n * xStride, dy, dyOff + n * dyStride, xLast, dyLast);
            if (copied != null) copied.run(n, n + 1);
            for (int t = 0; t < tiles; ) {
                int take = Math.min(depth - filled, tiles - t);
                driver.stride2WeightTransforms(this, xLast, dyLast, t, take, filled, depth, vT, dyHat);
                filled += take;
                t += take;
                if (filled == depth) {
                    for (int xi = 0; xi < POINTS; xi++) {
                        driver.multiplyPacked(dyHat, hatPoint(xi) * hatStride(), outChannels, depth, vT,
                                xi * transposedStride(), channels, 1f, grad, gradOff + xi * outChannels * channels, channels);
                    }
                    blockStart += depth;
                    filled = 0;
                    depth = (int) Math.min(kc, total - blockStart);
                }
            }
        }
    }

    /**
     * dw (M × C × 3 × 3 at dwOff, PyTorch's order) = Gᵀ·dU·G for every (m, c) of the accumulated {@code grad} at
     * gradOff; overwrites. Per dimension Gᵀ·(u0, .., u4) = (u0 + u1, u3 + u4, u1 + u2).
     */
    @Override
    public void storeWeightGradient(float[] grad, int gradOff, float[] dw, int dwOff) {
        int point = outChannels * channels;
        float[] r = new float[15];
        for (int mc = 0; mc < point; mc++) {
            int at = gradOff + mc, o = dwOff + mc * 9;
            // Gᵀ·dU: row a of the kernel from dU's rows, column j at r[5·a + j]
            for (int j = 0; j < 5; j++) {
                float u0 = grad[at + j * point], u1 = grad[at + (5 + j) * point], u2 = grad[at + (10 + j) * point];
                float u3 = grad[at + (15 + j) * point], u4 = grad[at + (20 + j) * point];
                r[j] = u0 + u1;
                r[5 + j] = u3 + u4;
                r[10 + j] = u1 + u2;
            }
            // ·G along each row
            for (int a = 0; a < 3; a++) {
                dw[o + 3 * a] = r[5 * a] + r[5 * a + 1];
                dw[o + 3 * a + 1] = r[5 * a + 3] + r[5 * a + 4];
                dw[o + 3 * a + 2] = r[5 * a + 1] + r[5 * a + 2];
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Scalar references of the copies and transforms
    // ---------------------------------------------------------------------------------------------------

    /**
     * The scalar reference of {@link ConvDriver#stride2ChannelsLast}: x and dy of one image copied channels-last, x
     * into its padded positions (channel c of position (r, q) at ((padTop + r)·wp + padLeft + q)·C' + c, C' the
     * channels rounded up to whole panels), dy into the tiles' positions (channel m of (r, q) at (r·2·tilesW + q)·M' + m).
     */
    void toChannelsLast(float[] x, int xOff, float[] dy, int dyOff, float[] xLast, float[] dyLast) {
        int plane = g.height() * g.width();
        for (int c = 0; c < channels; c++)
            for (int p = 0; p < plane; p++) xLast[inputPositions[p] + c] = x[xOff + c * plane + p];
        int outPlane = g.outH() * g.outW();
        for (int m = 0; m < outChannels; m++)
            for (int p = 0; p < outPlane; p++) dyLast[gradientPositions[p] + m] = dy[dyOff + m * outPlane + p];
    }

    /**
     * The scalar reference of {@link ConvDriver#stride2WeightTransforms}: for tiles [t0, t0 + count) of the image in
     * xLast/dyLast, at depths [k0, k0 + count) of a block of the given depth, V = Bᵀ·d·B (as Vᵀ panels: point ξ at
     * ξ·{@link #transposedStride}, channel c of tile k at (c / nr)·nr·depth + k·nr + c % nr; computed as
     * {@link WinogradStride2#inputTransform} does, Bᵀ down the columns first) and the 9 distinct points of Ŷ = A·dy·Aᵀ
     * (as A panels: point ρ at ρ·{@link #hatStride}, channel m of tile k at (m / mr)·mr·depth + k·mr + m % mr).
     */
    void gradientTransforms(float[] xLast, float[] dyLast, int t0, int count, int k0, int depth, float[] vT, float[] dyHat) {
        int cs = gradientChannels(), ms = gradientOutChannels(), w2 = 2 * tilesW;
        int vs = transposedStride(), ys = hatStride();
        float[] t = new float[25], v = new float[25];
        for (int tile = t0; tile < t0 + count; tile++) {
            int ty = tile / tilesW, tx = tile % tilesW, k = k0 + tile - t0;
            for (int c = 0; c < cs; c++) {
                int base = (4 * ty * wp + 4 * tx) * cs + c, row = wp * cs;
                for (int j = 0; j < 5; j++) {
                    int at = base + j * cs;
                    WinogradStride2.inputColumn(xLast[at], xLast[at + row], xLast[at + 2 * row], xLast[at + 3 * row],
                            xLast[at + 4 * row], t, j, 5);
                }
                for (int i = 0; i < 5; i++) WinogradStride2.inputColumn(t[5 * i], t[5 * i + 1], t[5 * i + 2], t[5 * i + 3], t[5 * i + 4], v, 5 * i, 1);
                int o = (c / nr) * nr * depth + k * nr + c % nr;
                for (int xi = 0; xi < POINTS; xi++) vT[xi * vs + o] = v[xi];
            }
            for (int m = 0; m < ms; m++) {
                int at = (2 * ty * w2 + 2 * tx) * ms + m;
                float a = dyLast[at], b = dyLast[at + ms], c = dyLast[at + w2 * ms], e = dyLast[at + w2 * ms + ms];
                // A·dy: distinct rows (a, b), (a + c, b + e), (c, e); each row (p, q) then ·Aᵀ -> (p, p + q, q)
                float s0 = a + c, s1 = b + e;
                float[] hat = {a, a + b, b, s0, s0 + s1, s1, c, c + e, e};
                int o = (m / mr) * mr * depth + k * mr + m % mr;
                for (int rho = 0; rho < HAT_POINTS; rho++) dyHat[rho * ys + o] = hat[rho];
            }
        }
    }

    private static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }
}
