package jcnn.kernel;

/**
 * 3×3 convolution with stride 1 by Winograd's minimal filtering algorithm F(2×2, 3×3) (Lavin and Gray, "Fast
 * Algorithms for Convolutional Neural Networks", 2015): every 2×2 block of outputs ("tile") is computed from the 4×4
 * input patch under it with 16 multiplications per channel pair instead of 36.
 *
 * <p>In one dimension, F(2, 3) computes two outputs of a 3-tap correlation from four inputs d0..d3 and taps g0..g2:
 * <pre>
 *   m1 = (d0 - d2)·g0            m2 = (d1 + d2)·(g0 + g1 + g2)/2
 *   m4 = (d1 - d3)·g2            m3 = (d2 - d1)·(g0 - g1 + g2)/2
 *   y0 = m1 + m2 + m3  (= d0·g0 + d1·g1 + d2·g2)      y1 = m2 - m3 - m4  (= d1·g0 + d2·g1 + d3·g2)
 * </pre>
 * that is y = Aᵀ[(G·g) ⊙ (Bᵀ·d)] with the transforms written out below. Nested in two dimensions,
 * Y = Aᵀ[U ⊙ V]A with U = G·g·Gᵀ (the kernel, 4×4) and V = Bᵀ·d·B (the patch, 4×4). Summed over input channels,
 * each of the 16 points ξ of U ⊙ V becomes a matrix product (out channels × in channels times in channels × tiles),
 * so a layer is 16 GEMMs over a quarter as many columns as im2col's one: 16/36 of its multiplications, plus the
 * transforms, which are additions only:
 * <pre>
 *   per layer:  U[ξ] (M × C) = transformed weights          (once per call)
 *   per image:  V[ξ] (C × tiles) = transformed input patches, written straight into the GEMM's B panels
 *               P[ξ] (M × tiles) = U[ξ] · V[ξ]               (16 products through the packed micro-kernel)
 *               y = Aᵀ P A per tile and output channel, + bias, ReLU, written to NCHW
 * </pre>
 * The factors are 0, ±1 and ±1/2, so the transforms are exact up to the rounding of their additions: the results
 * differ from the direct sum by a few units in the last place of the values involved (the tests bound it), not
 * by the larger errors of bigger tiles such as F(4×4, 3×3).
 *
 * <p>The input gradient is this forward run on dy with the flipped kernel (seed 003; {@link Convolution} sets it
 * up), and the weight gradient is the forward's adjoint ({@link #weightGradient}).
 *
 * <p>Tiles are processed in blocks sized so that a block's V and P (16 matrices each) stay in the L2 cache between
 * the transform that writes them and the product or transform that reads them. A tile hanging over the bottom or
 * right edge of the output reads zeros from a padded copy of the image and stores only its valid outputs.
 */
final class Winograd implements WinogradWeightGradient {
    final ConvGeometry g;
    final int channels;      // C (per group)
    final int outChannels;   // M (per group)
    final int tilesH, tilesW, tiles;
    final int hp, half;      // padded plane: hp rows of 2·half columns, stored as two planes of half columns
    /** Zeros before and after the split copy: vector loads of a tile group may reach a few floats past a plane. */
    static final int MARGIN = 16;
    final int block;         // tiles per block, a multiple of nr
    final int images;        // images whose tiles one forward call takes together (small images: several)
    final int mr, nr, kc, mPad;
    /** 0, H·W, 2·H·W, ... and 0, outH·outW, ...: nr entries each, a gather of one position across input (output) channels. */
    final int[] inputSteps, gradientSteps;
    /**
     * Where {@link #toChannelsLast} puts position p of an input (output-gradient) plane: the offset of its channel 0
     * in the channels-last copy.
     */
    final int[] inputPositions, gradientPositions;
    /**
     * Where the weight gradient's four buffers (the channels-last copies of x and dy, Vᵀ and Ŷ) begin in their arrays:
     * on a cache line where that is known ({@link Alignment}), so that none of their vectors straddles two.
     */
    final int base = Alignment.FLOATS;

    /** Whether {@code g} is a convolution this class computes: kernel 3×3, stride 1, no dilation. */
    static boolean applies(ConvGeometry g) {
        return g.kernelH() == 3 && g.kernelW() == 3 && g.strideH() == 1 && g.strideW() == 1
                && g.dilationH() == 1 && g.dilationW() == 1;
    }

    /**
     * @param g           geometry of one group (C = g.channels())
     * @param outChannels M, output channels of one group
     * @param mr          row tile of the GEMM's packed A panels
     * @param nr          column tile of its packed B panels
     * @param kc          depth of its packed blocks
     */
    Winograd(ConvGeometry g, int outChannels, int mr, int nr, int kc) {
        if (!applies(g)) throw new IllegalArgumentException("Winograd F(2x2,3x3) needs a 3x3 kernel, stride 1, no dilation: " + g);
        this.g = g;
        this.channels = g.channels();
        this.outChannels = outChannels;
        this.tilesH = (g.outH() + 1) / 2;
        this.tilesW = (g.outW() + 1) / 2;
        this.tiles = tilesH * tilesW;
        // every tile reads rows 2·ty .. 2·ty+3 and columns 2·tx .. 2·tx+3 of the padded plane
        this.hp = 2 * tilesH + 2;
        this.half = tilesW + 1;
        this.mr = mr;
        this.nr = nr;
        this.kc = kc;
        this.mPad = roundUp(outChannels, mr);
        // V and P of one block: 16·(C + M)·block floats, kept near 768 KiB. Images of fewer tiles than that are
        // taken several at a time, their tiles in one sequence: the 16 products then have enough columns to pay
        // for streaming the weights (a 7×7 image has 16 tiles: 39 GFLOP/s with one image, see Convolution), and a
        // last partial panel of nr tiles is wasted once per block rather than once per image.
        int fit = 12288 / (channels + outChannels) / nr * nr;
        this.images = Math.max(1, fit / tiles);
        this.block = Math.max(nr, Math.min(roundUp(images * tiles, nr), fit));
        this.inputSteps = new int[nr];
        this.gradientSteps = new int[nr];
        for (int j = 0; j < nr; j++) {
            inputSteps[j] = j * g.height() * g.width();
            gradientSteps[j] = j * g.outH() * g.outW();
        }
        this.inputPositions = new int[g.height() * g.width()];
        for (int r = 0, p = 0; r < g.height(); r++)
            for (int q = 0; q < g.width(); q++, p++) inputPositions[p] = base + ((g.padTop() + r) * 2 * half + g.padLeft() + q) * gradientChannels();
        this.gradientPositions = new int[g.outH() * g.outW()];
        for (int r = 0, p = 0; r < g.outH(); r++)
            for (int q = 0; q < g.outW(); q++, p++) gradientPositions[p] = base + (r * 2 * tilesW + q) * gradientOutChannels();
    }

    /** Floats of one image's padded copy (its borders stay zero, so a buffer serves only this plan). */
    int paddedSize() {
        return 2 * MARGIN + 2 * channels * hp * half;
    }

    /** Floats of the padded copies of {@link #images} images, one after the other: the forward's buffer. */
    int paddedBufferSize() {
        return images * paddedSize();
    }

    /** Floats of the transformed-weight buffer for {@link #packWeights}. */
    int packedWeightSize() {
        return 16 * weightStride();
    }

    /** Distance between the 16 points' weight matrices: a cache line more than one, as for V and P (pointStride). */
    int weightStride() {
        return mPad * channels + 16;
    }

    /** Floats of the transformed-input buffer V. */
    int transformedSize() {
        return 16 * pointStride(channels, block);
    }

    /** Floats of the product buffer P. */
    int productSize() {
        return 16 * pointStride(outChannels, block);
    }

    /**
     * Distance between the 16 points' matrices (rows × width floats each) in V and P, one cache line more than their
     * size: the transforms write or read all 16 at once, and matrices a multiple of 4 KiB apart would all fall into
     * the same set of the L1 cache (measured: the input transform of a 64-channel layer ran 3-4x slower).
     */
    static int pointStride(int rows, int width) {
        return rows * width + 16;
    }

    // ---------------------------------------------------------------------------------------------------
    // Weights: U = G·g·Gᵀ, packed as the GEMM's A panels
    // ---------------------------------------------------------------------------------------------------

    /**
     * U[ξ] for every output channel m and input channel c of w (M × C × 3 × 3 at wOff, PyTorch's order), packed:
     * point ξ's matrix (M × C) at ξ·{@link #weightStride}, split in depth blocks of kc channels, each block in panels
     * of mr rows (k-major, rows past M zero) — the layout of {@link ConvDriver#packA}.
     */
    void packWeights(float[] w, int wOff, float[] dst) {
        java.util.Arrays.fill(dst, 0, packedWeightSize(), 0f);
        for (int m = 0; m < outChannels; m++) {
            for (int c = 0; c < channels; c++) {
                int pc = c / kc * kc, depth = Math.min(kc, channels - pc);
                int at = pc * mPad + (m / mr) * mr * depth + (c - pc) * mr + m % mr;
                kernelTransform(w, wOff + (m * channels + c) * 9, dst, at, weightStride());
            }
        }
    }

    /**
     * U = G·k·Gᵀ for the 3×3 kernel k at w[o] (row-major), G = [[1,0,0],[½,½,½],[½,-½,½],[0,0,1]]: U's element
     * ξ = 4·i + j is stored at dst[at + ξ·stride].
     */
    static void kernelTransform(float[] w, int o, float[] dst, int at, int stride) {
        // G·k, row by row: rows 0 and 3 are k's first and last rows, rows 1 and 2 half their sum ± the middle row
        float a0 = w[o], a1 = w[o + 1], a2 = w[o + 2];
        float b0 = w[o + 3], b1 = w[o + 4], b2 = w[o + 5];
        float c0 = w[o + 6], c1 = w[o + 7], c2 = w[o + 8];
        kernelRow(a0, a1, a2, dst, at, stride);
        kernelRow(0.5f * (a0 + b0 + c0), 0.5f * (a1 + b1 + c1), 0.5f * (a2 + b2 + c2), dst, at + 4 * stride, stride);
        kernelRow(0.5f * (a0 - b0 + c0), 0.5f * (a1 - b1 + c1), 0.5f * (a2 - b2 + c2), dst, at + 8 * stride, stride);
        kernelRow(c0, c1, c2, dst, at + 12 * stride, stride);
    }

    /** One row of (G·k)·Gᵀ from the row (h0, h1, h2) of G·k. */
    private static void kernelRow(float h0, float h1, float h2, float[] dst, int at, int stride) {
        dst[at] = h0;
        dst[at + stride] = 0.5f * (h0 + h1 + h2);
        dst[at + 2 * stride] = 0.5f * (h0 - h1 + h2);
        dst[at + 3 * stride] = h2;
    }

    // ---------------------------------------------------------------------------------------------------
    // One image
    // ---------------------------------------------------------------------------------------------------

    /**
     * y (M × outH × outW at yOff + i·yStride) = the convolution of image i (C × H × W at xOff + i·xStride), for i in
     * [0, count) with count at most {@link #images}, with the weights packed by {@link #packWeights} [+ bias[biasOff
     * + m]], with {@code relu} max(·, 0). The images' tiles are numbered one after the other (tile t of image i is
     * number i·tiles + t); each output depends on its own tile only, so how images are grouped does not change a
     * bit of the result. Buffers: {@code xpad} of {@link #paddedBufferSize} floats serving only this plan, {@code v}
     * and {@code prod} of {@link #transformedSize} and {@link #productSize}.
     */
    void forward(ConvDriver driver, float[] x, int xOff, int xStride, int count, float[] u, float[] bias, int biasOff,
                 float[] y, int yOff, int yStride, boolean relu, float[] xpad, float[] v, float[] prod) {
        for (int i = 0; i < count; i++) pad(x, xOff + i * xStride, xpad, i * paddedSize());
        int uPoint = weightStride(), total = count * tiles;
        for (int t0 = 0; t0 < total; t0 += block) {
            int n = Math.min(block, total - t0), width = roundUp(n, nr);
            int vPoint = pointStride(channels, width), pPoint = pointStride(outChannels, width);
            driver.winogradInput(this, xpad, t0, n, width, v);
            for (int xi = 0; xi < 16; xi++) {
                for (int pc = 0; pc < channels; pc += kc) {
                    int depth = Math.min(kc, channels - pc);
                    driver.multiplyPacked(u, xi * uPoint + pc * mPad, outChannels, depth, v, xi * vPoint + pc * width,
                            n, pc == 0 ? 0f : 1f, prod, xi * pPoint, width);
                }
            }
            driver.winogradOutput(this, prod, t0, n, width, bias, biasOff, y, yOff, yStride, relu);
        }
    }

    /**
     * Where column {@code col} of row {@code r} of channel c's padded plane lives in the split copy: even and odd
     * columns are stored apart (all channels' even planes, then all odd planes, each hp × half), so that the
     * columns 2·tx + j of consecutive tiles tx are consecutive floats — what the vector transform loads.
     */
    int splitIndex(int c, int r, int col) {
        return MARGIN + ((col & 1) * channels + c) * hp * half + r * half + (col >> 1);
    }

    /**
     * The image copied, split by column parity ({@link #splitIndex}), at (padTop, padLeft) of the copy at
     * {@code at}; the rest stays zero.
     */
    private void pad(float[] x, int xOff, float[] split, int at) {
        int h = g.height(), w = g.width(), left = g.padLeft();
        for (int c = 0; c < channels; c++) {
            for (int r = 0; r < h; r++) {
                int src = xOff + (c * h + r) * w;
                // x's columns q with left + q even go to the even plane, the others to the odd one; the row is read
                // once, in order, a pair of columns at a time (a JFR profile of DeepConvNet found 4% of its samples in
                // the two strided passes this replaces; (100,64,7,7)->64 forward 4.46-4.53 -> 4.35-4.40 ms)
                int first = left & 1;
                int even = at + splitIndex(c, g.padTop() + r, left + first), odd = at + splitIndex(c, g.padTop() + r, left + 1 - first);
                int q = 0;
                if (first == 1 && w > 0) split[odd++] = x[src + q++];
                for (; q + 1 < w; q += 2) {
                    split[even++] = x[src + q];
                    split[odd++] = x[src + q + 1];
                }
                if (q < w) split[even] = x[src + q];
            }
        }
    }

    /**
     * The scalar reference of the input transform ({@link ConvDriver#winogradInput} is the fast one):
     * V = Bᵀ·d·B for tiles [t0, t0 + count) and every channel, with Bᵀ = [[1,0,-1,0],[0,1,1,0],[0,-1,1,0],[0,1,0,-1]],
     * d read from the split padded copies (tile t from image t / tiles, whose copy starts at (t / tiles)·paddedSize),
     * stored as the GEMM's B operand: point ξ's matrix (C × width) at
     * ξ·{@link #pointStride}, in depth blocks of kc channels, each in panels of nr tiles (k-major).
     */
    void inputTransform(float[] split, int t0, int count, int width, float[] v) {
        int vPoint = pointStride(channels, width);
        float[] d = new float[16];
        for (int c = 0; c < channels; c++) {
            int pc = c / kc * kc, depth = Math.min(kc, channels - pc);
            int cBase = pc * width + (c - pc) * nr;
            for (int t = t0; t < t0 + count; t++) {
                int image = t / tiles, ty = t % tiles / tilesW, tx = t % tilesW, local = t - t0;
                for (int i = 0; i < 4; i++)
                    for (int j = 0; j < 4; j++) d[4 * i + j] = split[image * paddedSize() + splitIndex(c, 2 * ty + i, 2 * tx + j)];
                int o = cBase + (local / nr) * depth * nr + local % nr;
                // Bᵀ·d: rows combined, column by column
                float a0 = d[0] - d[8], a1 = d[1] - d[9], a2 = d[2] - d[10], a3 = d[3] - d[11];
                float b0 = d[4] + d[8], b1 = d[5] + d[9], b2 = d[6] + d[10], b3 = d[7] + d[11];
                float c0 = d[8] - d[4], c1 = d[9] - d[5], c2 = d[10] - d[6], c3 = d[11] - d[7];
                float e0 = d[4] - d[12], e1 = d[5] - d[13], e2 = d[6] - d[14], e3 = d[7] - d[15];
                // ·B: columns combined, row by row
                v[o] = a0 - a2;
                v[o + vPoint] = a1 + a2;
                v[o + 2 * vPoint] = a2 - a1;
                v[o + 3 * vPoint] = a1 - a3;
                v[o + 4 * vPoint] = b0 - b2;
                v[o + 5 * vPoint] = b1 + b2;
                v[o + 6 * vPoint] = b2 - b1;
                v[o + 7 * vPoint] = b1 - b3;
                v[o + 8 * vPoint] = c0 - c2;
                v[o + 9 * vPoint] = c1 + c2;
                v[o + 10 * vPoint] = c2 - c1;
                v[o + 11 * vPoint] = c1 - c3;
                v[o + 12 * vPoint] = e0 - e2;
                v[o + 13 * vPoint] = e1 + e2;
                v[o + 14 * vPoint] = e2 - e1;
                v[o + 15 * vPoint] = e1 - e3;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Weight gradient: the adjoint of the forward, dU[ξ] = Σ over tiles of Ŷ[ξ]·V[ξ]ᵀ, dW = Gᵀ·dU·G
    // ---------------------------------------------------------------------------------------------------

    /*
     * The forward computes, per tile, y = Aᵀ·(U ⊙ V)·A with U = G·k·Gᵀ. That is linear in U, so the gradient of
     * Σ dy·y is dU = Σ over tiles of Ŷ ⊙ V with Ŷ = A·dy·Aᵀ (the output transform's adjoint: a tile's 2×2 output
     * gradient spread over its 16 points), and the kernel's gradient is Gᵀ·dU·G. Summed over a block of tiles (from
     * one or several images), each point's dU is one GEMM whose shared dimension is the tiles:
     *     dU[ξ] (M × C) += Ŷ[ξ] (M × tiles) · V[ξ]ᵀ (tiles × C)
     * Here the tiles run along the GEMM's depth, so the transforms work on channels-last copies of x and dy: the
     * channels of one position are then consecutive, a vector of them is one load, and each transformed vector is
     * one row of a packed panel (Vᵀ in panels of nr input channels, Ŷ in panels of mr output channels).
     */

    /** Input channels rounded up to whole B panels, and output channels to whole A panels. */
    int gradientChannels() {
        return roundUp(channels, nr);
    }

    int gradientOutChannels() {
        return roundUp(outChannels, mr);
    }

    /** Floats of the channels-last padded input (hp × 2·half positions × {@link #gradientChannels}), borders zero. */
    @Override
    public int channelsLastInputSize() {
        return base + hp * 2 * half * gradientChannels();
    }

    /** Floats of the channels-last output gradient (2·tilesH × 2·tilesW × {@link #gradientOutChannels}), zero past the output. */
    @Override
    public int channelsLastGradientSize() {
        return base + 4 * tiles * gradientOutChannels();
    }

    /** Distance between the 16 points' panels of Vᵀ, and of Ŷ (a cache line more than a block, see pointStride). */
    int transposedStride() {
        return gradientChannels() * kc + 16;
    }

    int hatStride() {
        return gradientOutChannels() * kc + 16;
    }

    /** Floats of Vᵀ's panels of one block, the 16 points. */
    @Override
    public int transposedSize() {
        return base + 16 * transposedStride();
    }

    /** Floats of Ŷ's panels of one block, the 16 points. */
    @Override
    public int hatSize() {
        return base + 16 * hatStride();
    }

    /** Floats of the accumulator dU: 16 points × M × C. */
    @Override
    public int gradientSize() {
        return 16 * outChannels * channels;
    }

    /**
     * Adds the weight gradient of images [n0, n1) to dU in {@code grad} at gradOff (zero it before), their tiles taken
     * as one long sequence in blocks of kc.
     *
     * @param x       the layer's input, image n at xOff + n·xStride (C × H × W)
     * @param dy      its output gradient, image n at dyOff + n·dyStride (M × outH × outW)
     * @param xLast   {@link #channelsLastInputSize} floats serving only this plan
     * @param dyLast  {@link #channelsLastGradientSize} floats serving only this plan
     * @param vT      16·{@link #transposedStride} floats
     * @param dyHat   16·{@link #hatStride} floats
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
            driver.winogradChannelsLast(this, x, xOff + n * xStride, dy, dyOff + n * dyStride, xLast, dyLast);
            if (copied != null) copied.run(n, n + 1);
            for (int t = 0; t < tiles; ) {
                int take = Math.min(depth - filled, tiles - t);
                driver.winogradGradientTransforms(this, xLast, dyLast, t, take, filled, depth, vT, dyHat);
                filled += take;
                t += take;
                if (filled == depth) {
                    for (int xi = 0; xi < 16; xi++) {
                        if (nr == driver.nr() && mr != driver.mr()) {
                            driver.multiplyPackedTall(dyHat, base + xi * hatStride(), mr, outChannels, depth, vT, base + xi * transposedStride(),
                                    channels, 1f, grad, gradOff + xi * outChannels * channels, channels);
                        } else if (nr == driver.nr()) {
                            driver.multiplyPacked(dyHat, base + xi * hatStride(), outChannels, depth, vT, base + xi * transposedStride(),
                                    channels, 1f, grad, gradOff + xi * outChannels * channels, channels);
                        } else {
                            driver.multiplyPackedNarrow(dyHat, base + xi * hatStride(), mr, outChannels, depth, vT, base + xi * transposedStride(),
                                    channels, 1f, grad, gradOff + xi * outChannels * channels, channels);
                        }
                    }
                    blockStart += depth;
                    filled = 0;
                    depth = (int) Math.min(kc, total - blockStart);
                }
            }
        }
    }

    /**
     * The scalar reference of {@link ConvDriver#winogradChannelsLast}: x and dy of one image copied channels-last, x
     * into its padded positions (channel c of position (r, q) at base + ((padTop + r)·2·half + padLeft + q)·C' + c, C' the
     * channels rounded up to whole panels), dy into the tiles' positions (channel m of (r, q) at base + (r·2·tilesW + q)·M' + m).
     */
    void toChannelsLast(float[] x, int xOff, float[] dy, int dyOff, float[] xLast, float[] dyLast) {
        int h = g.height(), w = g.width(), cs = gradientChannels(), wp = 2 * half;
        for (int c = 0; c < channels; c++) {
            for (int r = 0; r < h; r++) {
                int src = xOff + (c * h + r) * w, dst = base + ((g.padTop() + r) * wp + g.padLeft()) * cs + c;
                for (int q = 0; q < w; q++, dst += cs) xLast[dst] = x[src + q];
            }
        }
        int oh = g.outH(), ow = g.outW(), ms = gradientOutChannels(), w2 = 2 * tilesW;
        for (int m = 0; m < outChannels; m++) {
            for (int r = 0; r < oh; r++) {
                int src = dyOff + (m * oh + r) * ow, dst = base + r * w2 * ms + m;
                for (int q = 0; q < ow; q++, dst += ms) dyLast[dst] = dy[src + q];
            }
        }
    }

    /**
     * The scalar reference of {@link ConvDriver#winogradGradientTransforms}: for tiles [t0, t0 + count) of the image
     * in xLast/dyLast, at depths [k0, k0 + count) of a block of the given depth, V (as Vᵀ panels: point ξ at base +
     * ξ·{@link #transposedStride}, channel c of tile k at (c / nr)·nr·depth + k·nr + c % nr) and Ŷ = A·dy·Aᵀ with
     * A = [[1,0],[1,1],[1,-1],[0,-1]] (as A panels: point ξ at base + ξ·{@link #hatStride}, channel m of tile k at
     * (m / mr)·mr·depth + k·mr + m % mr).
     */
    void gradientTransforms(float[] xLast, float[] dyLast, int t0, int count, int k0, int depth, float[] vT, float[] dyHat) {
        int cs = gradientChannels(), ms = gradientOutChannels(), wp = 2 * half, w2 = 2 * tilesW;
        int vs = transposedStride(), ys = hatStride();
        float[] d = new float[16];
        for (int t = t0; t < t0 + count; t++) {
            int ty = t / tilesW, tx = t % tilesW, k = k0 + t - t0;
            for (int c = 0; c < cs; c++) {
                for (int i = 0; i < 4; i++)
                    for (int j = 0; j < 4; j++) d[4 * i + j] = xLast[base + ((2 * ty + i) * wp + 2 * tx + j) * cs + c];
                int o = base + (c / nr) * nr * depth + k * nr + c % nr;
                float a0 = d[0] - d[8], a1 = d[1] - d[9], a2 = d[2] - d[10], a3 = d[3] - d[11];
                float b0 = d[4] + d[8], b1 = d[5] + d[9], b2 = d[6] + d[10], b3 = d[7] + d[11];
                float c0 = d[8] - d[4], c1 = d[9] - d[5], c2 = d[10] - d[6], c3 = d[11] - d[7];
                float e0 = d[4] - d[12], e1 = d[5] - d[13], e2 = d[6] - d[14], e3 = d[7] - d[15];
                float[] row = {a0 - a2, a1 + a2, a2 - a1, a1 - a3, b0 - b2, b1 + b2, b2 - b1, b1 - b3,
                        c0 - c2, c1 + c2, c2 - c1, c1 - c3, e0 - e2, e1 + e2, e2 - e1, e1 - e3};
                for (int xi = 0; xi < 16; xi++) vT[xi * vs + o] = row[xi];
            }
            for (int m = 0; m < ms; m++) {
                int at = base + (2 * ty * w2 + 2 * tx) * ms + m;
                float a = dyLast[at], b = dyLast[at + ms], c = dyLast[at + w2 * ms], e = dyLast[at + w2 * ms + ms];
                // A·dy: rows (a, b), (a + c, b + e), (a - c, b - e), (-c, -e); each row (p, q) then ·Aᵀ -> (p, p + q, p - q, -q)
                float s0 = a + c, s1 = b + e, r0 = a - c, r1 = b - e, n0 = -c, n1 = -e;
                float[] row = {a, a + b, a - b, -b, s0, s0 + s1, s0 - s1, -s1, r0, r0 + r1, r0 - r1, -r1,
                        n0, n0 + n1, n0 - n1, -n1};
                int o = base + (m / mr) * mr * depth + k * mr + m % mr;
                for (int xi = 0; xi < 16; xi++) dyHat[xi * ys + o] = row[xi];
            }
        }
    }

    /**
     * dw (M × C × 3 × 3 at dwOff, PyTorch's order) = Gᵀ·dU·G for every (m, c) of the accumulated {@code grad} at
     * gradOff; overwrites. Gᵀ = [[1,½,½,0],[0,½,-½,0],[0,½,½,1]].
     */
    @Override
    public void storeWeightGradient(float[] grad, int gradOff, float[] dw, int dwOff) {
        int point = outChannels * channels;
        for (int mc = 0; mc < point; mc++) {
            int at = gradOff + mc, o = dwOff + mc * 9;
            // Gᵀ·dU: rows h0, h1, h2 from dU's rows (elements ξ = 4·i + j at grad[at + ξ·point]), then each ·G
            for (int i = 0; i < 3; i++) {
                float r0 = gtRow(grad, at, point, i, 0), r1 = gtRow(grad, at, point, i, 1);
                float r2 = gtRow(grad, at, point, i, 2), r3 = gtRow(grad, at, point, i, 3);
                dw[o + 3 * i] = r0 + 0.5f * (r1 + r2);
                dw[o + 3 * i + 1] = 0.5f * (r1 - r2);
                dw[o + 3 * i + 2] = 0.5f * (r1 + r2) + r3;
            }
        }
    }

    /** Element (i, j) of Gᵀ·D for the 4×4 D at grad[at + ξ·point]. */
    private static float gtRow(float[] grad, int at, int point, int i, int j) {
        float d0 = grad[at + j * point], d1 = grad[at + (4 + j) * point];
        float d2 = grad[at + (8 + j) * point], d3 = grad[at + (12 + j) * point];
        return switch (i) {
            case 0 -> d0 + 0.5f * (d1 + d2);
            case 1 -> 0.5f * (d1 - d2);
            default -> 0.5f * (d1 + d2) + d3;
        };
    }

    /**
     * The scalar reference of the output transform ({@link ConvDriver#winogradOutput} is the fast one):
     * Y = Aᵀ·P·A for tiles [t0, t0 + count) and every output channel, Aᵀ = [[1,1,1,0],[0,1,-1,-1]], plus the bias,
     * with {@code relu} max(·, 0), stored to NCHW where the 2×2 tile lies inside the output (tile t in image
     * t / tiles, whose output starts at yOff + (t / tiles)·yStride).
     */
    void outputTransform(float[] prod, int t0, int count, int width, float[] bias, int biasOff, float[] y,
                                 int yOff, int yStride, boolean relu) {
        int pPoint = pointStride(outChannels, width), outH = g.outH(), outW = g.outW();
        for (int m = 0; m < outChannels; m++) {
            float b = bias == null ? 0f : bias[biasOff + m];
            for (int t = t0; t < t0 + count; ) {
                int plane = yOff + t / tiles * yStride + m * outH * outW;
                int ty = t % tiles / tilesW, tx = t % tilesW, run = Math.min(t0 + count - t, tilesW - tx);
                int oh = 2 * ty;
                boolean secondRow = oh + 1 < outH;
                for (int e = 0; e < run; e++, t++) {
                    int q = m * width + t - t0;
                    float p0 = prod[q], p1 = prod[q + pPoint], p2 = prod[q + 2 * pPoint], p3 = prod[q + 3 * pPoint];
                    float p4 = prod[q + 4 * pPoint], p5 = prod[q + 5 * pPoint], p6 = prod[q + 6 * pPoint], p7 = prod[q + 7 * pPoint];
                    float p8 = prod[q + 8 * pPoint], p9 = prod[q + 9 * pPoint], p10 = prod[q + 10 * pPoint], p11 = prod[q + 11 * pPoint];
                    float p12 = prod[q + 12 * pPoint], p13 = prod[q + 13 * pPoint], p14 = prod[q + 14 * pPoint], p15 = prod[q + 15 * pPoint];
                    // Aᵀ·P: rows combined
                    float s0 = p0 + p4 + p8, s1 = p1 + p5 + p9, s2 = p2 + p6 + p10, s3 = p3 + p7 + p11;
                    float r0 = p4 - p8 - p12, r1 = p5 - p9 - p13, r2 = p6 - p10 - p14, r3 = p7 - p11 - p15;
                    // ·A: columns combined
                    float y00 = s0 + s1 + s2 + b, y01 = s1 - s2 - s3 + b;
                    float y10 = r0 + r1 + r2 + b, y11 = r1 - r2 - r3 + b;
                    if (relu) {
                        y00 = Math.max(y00, 0f);
                        y01 = Math.max(y01, 0f);
                        y10 = Math.max(y10, 0f);
                        y11 = Math.max(y11, 0f);
                    }
                    int ow = 2 * (tx + e), o = plane + oh * outW + ow;
                    boolean secondColumn = ow + 1 < outW;
                    y[o] = y00;
                    if (secondColumn) y[o + 1] = y01;
                    if (secondRow) {
                        y[o + outW] = y10;
                        if (secondColumn) y[o + outW + 1] = y11;
                    }
                }
            }
        }
    }

    private static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }
}
