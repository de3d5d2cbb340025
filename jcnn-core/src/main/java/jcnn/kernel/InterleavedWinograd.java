package jcnn.kernel;

/**
 * What the Winograd algorithms that put eight images in the lanes of a vector share ({@link Winograd4x4}, and
 * {@link WinogradStride2} for stride 2 with its adjoint {@link WinogradStride2Gradient}): the image-interleaved copy
 * of the input, the tiles, the blocks, and the loop of one call (copy, then per block: input transform, one GEMM per
 * point, output transform). The subclasses bring the algorithm: the transforms of the weights, the patches and the
 * products.
 *
 * <p>Layout: lanes are images. Every vector load of a transform reads the same patch element of eight images —
 * contiguous floats in the interleaved copy, whatever the image size, so no tile group ever has to be stitched
 * together across rows. A "unit" is one tile position of a group of eight images; its eight columns are
 * consecutive in V and in the products:
 * <pre>
 *   xi   image-interleaved, zero-padded copy: lane e of channel c, padded row r, column q at base + ((r·C + c)·wp + q)·8 + e
 *   V[ξ] (C × columns)  the transformed patches, written straight into the GEMM's B panels; column 8·unit + lane
 *   P[ξ] (M × columns)  = U[ξ]·V[ξ]  (one product per point ξ, through the packed micro-kernel)
 *   y                   = Aᵀ·P·A per unit and output channel, + bias, ReLU, stored back to each image's NCHW planes
 * </pre>
 * Units are processed in blocks sized so that a block's V and P stay in the L2 cache between the transform that
 * writes them and the product or transform that reads them.
 *
 * <p>All three buffers begin at {@link #base} floats into their arrays: where the JVM lets the first cache line of an
 * array be known ({@link Alignment}), F(4×4, 3×3)'s and the stride-2 forward's plans put it there, so that each of the transforms' and the
 * products' vectors lies on one line instead of straddling two (the (100,16,28,28)→16 forward about 7% faster).
 */
abstract class InterleavedWinograd {
    /** Images per group: the lanes of one 256-bit vector of floats. */
    static final int LANES = 8;

    final ConvGeometry g;
    final int channels;      // C (per group)
    final int outChannels;   // M (per group)
    final int points;        // points ξ of one tile's transformed patch
    final int tilesH, tilesW, tiles;
    final int hp, wp;        // the padded plane the tiles read from
    final int mr, nr, kc, mPad;
    final int blockUnits;    // units per block, whole B panels
    final int groups;        // image groups one call takes together (small images: several)
    /** Where xi, V and P begin in their arrays (interleaved groups at base + γ·groupSize(), V's and P's points at base + ξ·stride). */
    final int base;
    /**
     * Distances in the interleaved copy between padded rows (all channels' rows of one padded row are consecutive, so
     * that the rows a tile row reads lie together) and between channels within a row.
     */
    final int rowStep, channelStep;
    /** Where position p of a source plane goes in the interleaved copy: (padTop + p / W)·rowStep + (padLeft + p % W)·8. */
    final int[] positions;

    /**
     * A plan whose interleaved source is the layer's input x (C × H × W, padded as g says).
     *
     * @param g           geometry of one group (C = g.channels())
     * @param outChannels M, output channels of one group
     * @param tile        outputs per tile along each side
     * @param patch       inputs per patch along each side
     * @param step        inputs between the patches of neighbouring tiles (the tile times the stride)
     * @param points      points of a transformed patch
     * @param mr          row tile of the GEMM's packed A panels
     * @param nr          column tile of its packed B panels (a multiple of 8)
     * @param kc          depth of its packed blocks
     * @param base        where the buffers begin in their arrays ({@link #base})
     */
    InterleavedWinograd(ConvGeometry g, int outChannels, int tile, int patch, int step, int points, int mr, int nr, int kc,
                        int base) {
        this(g, g.channels(), g.height(), g.width(), g.padTop(), g.padLeft(), outChannels, tile, patch, step, points, mr, nr, kc,
                base);
    }

    /**
     * A plan whose interleaved source is any stack of planes tiled like g's output: {@code channels} planes of
     * {@code height} × {@code width} placed at ({@code padTop}, {@code padLeft}) of the padded plane (an adjoint's
     * source is the output gradient, with no padding). The products are then {@code outChannels} × {@code channels}
     * per point.
     */
    InterleavedWinograd(ConvGeometry g, int channels, int height, int width, int padTop, int padLeft, int outChannels,
                        int tile, int patch, int step, int points, int mr, int nr, int kc, int base) {
        if (nr % LANES != 0) throw new IllegalArgumentException("B panels of " + nr + " columns: not whole groups of " + LANES + " images");
        this.g = g;
        this.channels = channels;
        this.outChannels = outChannels;
        this.points = points;
        this.tilesH = (g.outH() + tile - 1) / tile;
        this.tilesW = (g.outW() + tile - 1) / tile;
        this.tiles = tilesH * tilesW;
        // every patch inside, and every source pixel (a strided layer may leave the last rows or columns unread)
        this.hp = Math.max(step * (tilesH - 1) + patch, padTop + height);
        this.wp = Math.max(step * (tilesW - 1) + patch, padLeft + width);
        this.mr = mr;
        this.nr = nr;
        this.kc = kc;
        this.base = base;
        this.mPad = roundUp(outChannels, mr);
        // V and P of one block: points·(C + M)·8 floats per unit
        int fit = BLOCK_FLOATS / (points * LANES * (channels + outChannels));
        int unitsPerPanel = nr / LANES;
        this.blockUnits = Math.max(unitsPerPanel, fit / unitsPerPanel * unitsPerPanel);
        this.groups = Math.max(1, Math.min(blockUnits / tiles, 4));
        this.channelStep = wp * LANES;
        this.rowStep = channels * channelStep;
        this.positions = new int[height * width];
        for (int r = 0, p = 0; r < height; r++)
            for (int q = 0; q < width; q++, p++) positions[p] = (padTop + r) * rowStep + (padLeft + q) * LANES;
    }

    /**
     * Whether a batch fills its 8-image groups well enough for these classes: the lanes of a partial last group are
     * transformed and multiplied like the others, so a batch of 1 would do 8 images' work. At most a quarter wasted.
     */
    static boolean fillsGroups(int batch) {
        int padded = roundUp(batch, LANES);
        return batch > 0 && 4 * (padded - batch) <= batch;
    }

    /**
     * Floats of V and P of one block, together: 768 KiB, as Winograd's (half and twice as much measured within
     * noise of it on 16-, 32- and 64-channel layers).
     */
    static final int BLOCK_FLOATS = 16 * 12288;

    /** Floats of one group's interleaved copy (its borders stay zero, so a buffer serves only this plan). */
    int groupSize() {
        return channels * hp * wp * LANES;
    }

    /** Floats of the interleaved copies of {@link #groups} groups: the forward's buffer. */
    int interleavedBufferSize() {
        return base + groups * groupSize();
    }

    /** Images one forward call takes at most. */
    int images() {
        return groups * LANES;
    }

    int weightStride() {
        return mPad * channels + 16;
    }

    int packedWeightSize() {
        return points * weightStride();
    }

    int transformedSize() {
        return base + points * Winograd.pointStride(channels, roundUp(blockUnits * LANES, nr));
    }

    int productSize() {
        return base + points * Winograd.pointStride(outChannels, roundUp(blockUnits * LANES, nr));
    }

    /** Where U's element (m, c) goes in a point's packed A panels (relative to the point's matrix). */
    int packedIndex(int m, int c) {
        int pc = c / kc * kc, depth = Math.min(kc, channels - pc);
        return pc * mPad + (m / mr) * mr * depth + (c - pc) * mr + m % mr;
    }

    /**
     * U[ξ] for every output channel m and input channel c of w (M × C × 3 × 3 at wOff, PyTorch's order), packed as
     * {@link Winograd#packWeights} packs its 16: point ξ's matrix (M × C) at ξ·{@link #weightStride}, in depth blocks
     * of kc channels, each in panels of mr rows (k-major, rows past M zero).
     */
    abstract void packWeights(float[] w, int wOff, float[] dst);

    /** V for units [u0, u0 + units) of the interleaved copies xi, through the driver's fast transform. */
    abstract void transformInput(ConvDriver driver, float[] xi, int u0, int units, int width, float[] v);

    /** The outputs of units [u0, u0 + units) from the products, through the driver's fast transform. */
    abstract void transformOutput(ConvDriver driver, float[] prod, int u0, int units, int width, float[] bias, int biasOff,
                                  float[] y, int yOff, int yStride, int count, boolean relu);

    // ---------------------------------------------------------------------------------------------------
    // One call: up to `groups` groups of eight images
    // ---------------------------------------------------------------------------------------------------

    /**
     * y (M × outH × outW at yOff + i·yStride) = the convolution of image i (C × H × W at xOff + i·xStride), for i in
     * [0, count) with count at most {@link #images}, with the weights packed by {@link #packWeights} [+ bias[biasOff
     * + m]], with {@code relu} max(·, 0). Each output depends on its own image and tile only, so how images are
     * grouped does not change a bit of the result. Buffers: {@code xi} of {@link #interleavedBufferSize} floats
     * serving only this plan, {@code v} and {@code prod} of {@link #transformedSize} and {@link #productSize}.
     */
    void forward(ConvDriver driver, float[] x, int xOff, int xStride, int count, float[] u, float[] bias, int biasOff,
                 float[] y, int yOff, int yStride, boolean relu, float[] xi, float[] v, float[] prod) {
        forward(driver, x, xOff, xStride, count, 0, (count + LANES - 1) / LANES * tiles, u, bias, biasOff, y, yOff, yStride,
                relu, xi, v, prod);
    }

    /**
     * The same for units [from, to) only (unit γ·tiles + t is tile t of the images' group γ): the outputs of those
     * tiles. With fewer groups than threads, the threads share a group's tiles (each copies the whole group).
     */
    void forward(ConvDriver driver, float[] x, int xOff, int xStride, int count, int from, int to, float[] u, float[] bias,
                 int biasOff, float[] y, int yOff, int yStride, boolean relu, float[] xi, float[] v, float[] prod) {
        interleaveGroups(driver, x, xOff, xStride, count, xi);
        multiplyBlocks(driver, xi, from, to, u, v, prod, (u0, units, width) ->
                transformOutput(driver, prod, u0, units, width, bias, biasOff, y, yOff, yStride, count, relu));
    }

    /** Images [0, count) (image i at xOff + i·xStride) copied into the groups of xi, eight per group. */
    void interleaveGroups(ConvDriver driver, float[] x, int xOff, int xStride, int count, float[] xi) {
        for (int gr = 0, groupsHere = (count + LANES - 1) / LANES; gr < groupsHere; gr++) {
            driver.interleave(this, x, xOff + gr * LANES * xStride, xStride, Math.min(LANES, count - gr * LANES),
                    xi, base + gr * groupSize());
        }
    }

    /** What becomes of a block's products: an output transform of units [u0, u0 + units), P's columns {@code width}. */
    @FunctionalInterface
    interface BlockOutput {
        void transform(int u0, int units, int width);
    }

    /**
     * The work of a call after the copy: units [from, to) of the interleaved copies xi in blocks, each block's input
     * transform into v, then one GEMM per point with the packed weights u into prod, then {@code output} on them.
     */
    void multiplyBlocks(ConvDriver driver, float[] xi, int from, int to, float[] u, float[] v, float[] prod, BlockOutput output) {
        int uPoint = weightStride();
        for (int u0 = from; u0 < to; u0 += blockUnits) {
            int units = Math.min(blockUnits, to - u0), cols = units * LANES, width = roundUp(cols, nr);
            int vPoint = Winograd.pointStride(channels, width), pPoint = Winograd.pointStride(outChannels, width);
            transformInput(driver, xi, u0, units, width, v);
            for (int point = 0; point < points; point++) {
                int vAt = sourcePoint(point) * vPoint;
                for (int pc = 0; pc < channels; pc += kc) {
                    int depth = Math.min(kc, channels - pc);
                    driver.multiplyPacked(u, point * uPoint + pc * mPad, outChannels, depth, v, base + vAt + pc * width,
                            cols, pc == 0 ? 0f : 1f, prod, base + point * pPoint, width);
                }
            }
            output.transform(u0, units, width);
        }
    }

    /**
     * The point whose matrix of V the product of {@code point} reads: the point itself, unless the transform makes
     * several points' matrices equal and stores only one of them.
     */
    int sourcePoint(int point) {
        return point;
    }

    /**
     * The scalar reference of {@link ConvDriver#interleave}: images [0, count) (count ≤ 8, image e at xOff +
     * e·xStride) copied into lanes [0, count) of the group at {@code at} of xi, inside its zero border; the lanes past
     * count are set to zero.
     */
    void interleave(float[] x, int xOff, int xStride, int count, float[] xi, int at) {
        int plane = positions.length;
        for (int c = 0; c < channels; c++) {
            int base = at + c * channelStep;
            for (int p = 0; p < plane; p++) {
                int d = base + positions[p];
                for (int e = 0; e < LANES; e++) xi[d + e] = e < count ? x[xOff + e * xStride + c * plane + p] : 0f;
            }
        }
    }

    /**
     * The scalar reference of {@link ConvDriver#deinterleave}, the inverse of {@link #interleave}: lanes [0, count) of
     * the group at {@code at} of xi, inside its border, copied out to images [0, count) (image e at xOff + e·xStride).
     */
    void deinterleave(float[] xi, int at, float[] x, int xOff, int xStride, int count) {
        int plane = positions.length;
        for (int c = 0; c < channels; c++) {
            int base = at + c * channelStep;
            for (int p = 0; p < plane; p++) {
                int d = base + positions[p];
                for (int e = 0; e < count; e++) x[xOff + e * xStride + c * plane + p] = xi[d + e];
            }
        }
    }

    /** Where V's entry for channel c and column col (8·unit + lane) of a block goes, point 0's matrix (from base). */
    int transformedIndex(int c, int col, int width) {
        int pc = c / kc * kc, depth = Math.min(kc, channels - pc);
        return base + pc * width + col / nr * depth * nr + (c - pc) * nr + col % nr;
    }

    static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }
}
