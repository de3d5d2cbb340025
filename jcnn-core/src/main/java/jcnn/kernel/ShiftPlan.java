package jcnn.kernel;

/**
 * Convolution without im2col. Copy the image, zero-padded, into planes of Hp × Wp and read them as one flat
 * array. Then, with stride 1, row r = (c, i, j) of the column matrix is a contiguous window of that array, shifted:
 * <pre>  col[r][q'] = xpad[offset[r] + q'],   offset[r] = c·Hp·Wp + i·dilationH·Wp + j·dilationW</pre>
 * where q' = oh·Wp + ow numbers output positions on the <em>padded</em> width. Positions with ow ≥ outW are
 * computed and thrown away (a few percent of the work); in exchange the GEMM reads its operand B straight from
 * the image, and the column matrix (kH·kW times the image) is never written or packed.
 *
 * <p>With stride s (sH, sW) a window of consecutive outputs reads every s-th input, so the padded image is first
 * split by phase: phase (a, b) holds the padded pixels (s·i + a, s·j + b) as a plane of ⌈Hp/sH⌉ × ⌈Wp/sW⌉. Tap
 * (i, j) of an output (oh, ow) reads padded pixel (sH·oh + i·dH, sW·ow + j·dW), which is pixel
 * (oh + ⌊i·dH/sH⌋, ow + ⌊j·dW/sW⌋) of phase (i·dH mod sH, j·dW mod sW): again one contiguous window per
 * column-matrix row, now over the phase planes, with the output positions on the planes' width. Stride 1 is the
 * case of one phase. (im2col writes the column matrix, kH·kW/(sH·sW) times the image, and the GEMM copies it again
 * into panels: for the (32,64,56,56)→128 stride-2 layer 7.4 and 2.6 ms of a 57 ms forward. Where the phase planes
 * pay instead: {@link #of}.)
 *
 * <p>Sizes: P' = outH·Wp' positions are computed (Wp' the planes' width), rounded up to {@code nr} for whole
 * tiles ({@link #cols}); the flat image carries a zero tail so that the rounded-up positions read only zeros or
 * other padding.
 */
final class ShiftPlan {
    final ConvGeometry g;
    final int hp, wp;       // one plane: the padded image (stride 1) or one phase of it, ⌈Hp/sH⌉ × ⌈Wp/sW⌉
    final int planeSize;    // hp·wp
    final int cols;         // P' rounded up: columns of the padded output
    final int length;       // floats of the padded image, tail included
    final int[] offsets;    // per column-matrix row
    final int outPlane;     // outH·outW
    /**
     * The weight gradient's 4-row tiles of column-matrix rows ({@link PanamaShifted}): tile t is rows
     * gradTileRows[4t .. 4t+3], -1 for padding. The first {@link #gradRunTiles} tiles start with a run of three
     * rows whose windows are one element apart (three taps of a kernel row), so one index serves all three.
     */
    final int[] gradTileRows;
    final int gradRunTiles;
    /** 0, outPlane, 2·outPlane, ...: nr entries, the gather pattern of one position across channels. */
    final int[] channelSteps;
    /** (oh·wp + ow)·nr for output position oh·outW + ow: where its channels go in the output-gradient panels. */
    final int[] gradientPositions;

    private ShiftPlan(ConvGeometry g, int nr) {
        this.g = g;
        final int sh = g.strideH(), sw = g.strideW();
        this.hp = ceilDiv(g.height() + g.padTop() + g.padBottom(), sh);
        this.wp = ceilDiv(g.width() + g.padLeft() + g.padRight(), sw);
        this.planeSize = hp * wp;
        int p = g.outH() * wp;
        this.cols = (p + nr - 1) / nr * nr;
        int maxOffset = 0;
        this.offsets = new int[g.colRows()];
        for (int c = 0, r = 0; c < g.channels(); c++)
            for (int i = 0; i < g.kernelH(); i++)
                for (int j = 0; j < g.kernelW(); j++, r++) {
                    int di = i * g.dilationH(), dj = j * g.dilationW();
                    int phase = (di % sh) * sw + dj % sw;
                    offsets[r] = (phase * g.channels() + c) * planeSize + di / sh * wp + dj / sw;
                    maxOffset = Math.max(maxOffset, offsets[r]);
                }
        this.length = Math.max(sh * sw * g.channels() * planeSize, maxOffset + cols) + 2 * nr;
        this.outPlane = g.outH() * g.outW();
        this.channelSteps = new int[nr];
        for (int j = 0; j < nr; j++) channelSteps[j] = j * outPlane;
        this.gradientPositions = new int[outPlane];
        for (int oh = 0, q = 0; oh < g.outH(); oh++)
            for (int ow = 0; ow < g.outW(); ow++, q++) gradientPositions[q] = (oh * wp + ow) * nr;
        // runs of three adjacent windows, and the rows left over
        java.util.ArrayDeque<Integer> runs = new java.util.ArrayDeque<>(), singles = new java.util.ArrayDeque<>();
        for (int r = 0; r < offsets.length; ) {
            if (r + 2 < offsets.length && offsets[r + 1] == offsets[r] + 1 && offsets[r + 2] == offsets[r] + 2) {
                runs.add(r);
                r += 3;
            } else {
                singles.add(r++);
            }
        }
        // a run tile is a run plus one single; runs are broken up (from the end) where singles are missing
        int tiles = (offsets.length + 3) / 4, t = 0;
        int[] rows = new int[4 * tiles];
        while (!runs.isEmpty()) {
            if (singles.isEmpty()) {
                if (runs.size() < 2) break;
                int r = runs.pollLast();
                singles.add(r);
                singles.add(r + 1);
                singles.add(r + 2);
            }
            int r = runs.pollFirst();
            rows[4 * t] = r;
            rows[4 * t + 1] = r + 1;
            rows[4 * t + 2] = r + 2;
            rows[4 * t + 3] = singles.pollFirst();
            t++;
        }
        this.gradRunTiles = t;
        for (int r : runs) {
            singles.add(r);
            singles.add(r + 1);
            singles.add(r + 2);
        }
        for (int i = 4 * t; i < rows.length; i++) rows[i] = singles.isEmpty() ? -1 : singles.pollFirst();
        this.gradTileRows = rows;
    }

    /**
     * The plan for {@code g}, or null where it does not pay: strided layers with K = C·kH·kW below 64. Measured at
     * one thread, alternating with im2col (minima): the weight gradient of (32,64,56,56)→128 stride 2 63 → 57 ms,
     * of (100,16,28,28)→32 5.9 → 4.4 ms, of (64,3,32,32)→64 (K = 27) 2.3 → 1.7 ms but of (100,1,28,28)→16 (K = 9)
     * 0.40 → 0.47-0.57 ms. (Where the forward uses it: {@link ConvDriver#shiftedForwardPays}.)
     */
    static ShiftPlan of(ConvGeometry g, int nr) {
        if (g.strideH() * g.strideW() > 1 && g.colRows() < 64) return null;
        return new ShiftPlan(g, nr);
    }

    /** Whether the image is split into phases (a stride above 1). */
    boolean phased() {
        return g.strideH() * g.strideW() > 1;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /**
     * Copies image {@code x[xOff ...]} (channels × H × W) into {@code xpad}, split into the stride's phases. Only
     * the interior is written: the borders and the tail are zero from allocation on and never touched, so a buffer
     * is reused across images.
     */
    void pad(float[] x, int xOff, float[] xpad) {
        final int H = g.height(), W = g.width(), C = g.channels(), sh = g.strideH(), sw = g.strideW();
        for (int c = 0; c < C; c++) {
            for (int h = 0, src = xOff + c * H * W; h < H; h++, src += W) {
                int ph = h + g.padTop();
                int rowStart = ((ph % sh) * sw * C + c) * planeSize + ph / sh * wp;
                if (sw == 1) {
                    System.arraycopy(x, src, xpad, rowStart + g.padLeft(), W);
                    continue;
                }
                // input column w lands in phase (w + padLeft) mod sw, at column (w + padLeft) / sw
                for (int b = 0; b < sw; b++) {
                    int w0 = Math.floorMod(b - g.padLeft(), sw);
                    if (w0 >= W) continue;
                    int count = (W - 1 - w0) / sw + 1;
                    int dst = rowStart + b * C * planeSize + (w0 + g.padLeft()) / sw;
                    if (sw == 2) {
                        Elementwise.gatherEven(x, src + w0, xpad, dst, count);
                    } else {
                        for (int t = 0; t < count; t++) xpad[dst + t] = x[src + w0 + t * sw];
                    }
                }
            }
        }
    }

    /**
     * Copies the valid positions of a padded-width output (rows × cols) to NCHW (rows × outH × outW); with
     * {@code relu} the copy applies max(v, 0) on the way, so a ReLU after the convolution costs no extra pass.
     */
    void compact(float[] padded, int rows, float[] y, int yOff, boolean relu) {
        final int OH = g.outH(), OW = g.outW();
        for (int m = 0; m < rows; m++) Elementwise.copyRows(padded, m * cols, wp, y, yOff + m * outPlane, OW, OH, OW, relu);
    }

    /**
     * The inverse of {@link #compact} for one output gradient: NCHW rows into the padded width, in vectors. Only the
     * rows are written: the buffer must be zero elsewhere (outside the output: the padded width's extra columns, the
     * tail), as a buffer that serves only this plan stays from its allocation on. (Zeroing those few floats per row
     * again for every image took 18% of the (100,1,28,28)->30 weight gradient.)
     */
    void expand(float[] dy, int dyOff, int rows, float[] padded) {
        final int OH = g.outH(), OW = g.outW();
        for (int m = 0; m < rows; m++) Elementwise.copyRows(dy, dyOff + m * outPlane, OW, padded, m * cols, wp, OH, OW, false);
    }

    /**
     * The geometry of the input gradient as a stride-1 convolution of dy (seed 003): the kernel flipped, padding
     * dilation·(k - 1) - pad on each side; null when that padding would be negative.
     */
    static ConvGeometry inputGradient(ConvGeometry g, int outChannels) {
        int th = g.dilationH() * (g.kernelH() - 1), tw = g.dilationW() * (g.kernelW() - 1);
        int pt = th - g.padTop(), pb = th - g.padBottom(), pl = tw - g.padLeft(), pr = tw - g.padRight();
        if (g.strideH() != 1 || g.strideW() != 1 || pt < 0 || pb < 0 || pl < 0 || pr < 0) return null;
        return new ConvGeometry(outChannels, g.outH(), g.outW(), g.kernelH(), g.kernelW(), 1, 1, pt, pb, pl, pr,
                g.dilationH(), g.dilationW(), g.height(), g.width());
    }
}
