package jcnn.kernel;

/**
 * Convolution with stride 1 without im2col. Copy the image, zero-padded, into planes of Hp × Wp and read them
 * as one flat array. Then row r = (c, i, j) of the column matrix is a contiguous window of that array, shifted:
 * <pre>  col[r][q'] = xpad[offset[r] + q'],   offset[r] = c·Hp·Wp + i·dilationH·Wp + j·dilationW</pre>
 * where q' = oh·Wp + ow numbers output positions on the <em>padded</em> width. Positions with ow ≥ outW are
 * computed and thrown away (a few percent of the work); in exchange the GEMM reads its operand B straight from
 * the image, and the column matrix (kH·kW times the image) is never written or packed.
 *
 * <p>Sizes: P' = outH·Wp positions are computed, rounded up to {@code nr} for whole tiles ({@link #cols}); the
 * flat image carries a zero tail so that the rounded-up positions read only zeros or other padding.
 */
final class ShiftPlan {
    final ConvGeometry g;
    final int hp, wp;       // padded plane
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
        this.hp = g.height() + g.padTop() + g.padBottom();
        this.wp = g.width() + g.padLeft() + g.padRight();
        this.planeSize = hp * wp;
        int p = g.outH() * wp;
        this.cols = (p + nr - 1) / nr * nr;
        int maxOffset = 0;
        this.offsets = new int[g.colRows()];
        for (int c = 0, r = 0; c < g.channels(); c++)
            for (int i = 0; i < g.kernelH(); i++)
                for (int j = 0; j < g.kernelW(); j++, r++) {
                    offsets[r] = c * planeSize + i * g.dilationH() * wp + j * g.dilationW();
                    maxOffset = Math.max(maxOffset, offsets[r]);
                }
        this.length = Math.max(g.channels() * planeSize, maxOffset + cols) + 2 * nr;
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

    /** The plan for {@code g}, or null when the shifted form does not apply (strides other than 1). */
    static ShiftPlan of(ConvGeometry g, int nr) {
        if (g.strideH() != 1 || g.strideW() != 1) return null;
        return new ShiftPlan(g, nr);
    }

    /**
     * Copies image {@code x[xOff ...]} (channels × H × W) into {@code xpad}. Only the interior is written: the
     * borders and the tail are zero from allocation on and never touched, so a buffer is reused across images.
     */
    void pad(float[] x, int xOff, float[] xpad) {
        final int H = g.height(), W = g.width();
        for (int c = 0; c < g.channels(); c++) {
            int dst = c * planeSize + g.padTop() * wp + g.padLeft(), src = xOff + c * H * W;
            for (int h = 0; h < H; h++, dst += wp, src += W) System.arraycopy(x, src, xpad, dst, W);
        }
    }

    /**
     * Copies the valid positions of a padded-width output (rows × cols) to NCHW (rows × outH × outW); with
     * {@code relu} the copy applies max(v, 0) on the way, so a ReLU after the convolution costs no extra pass.
     */
    void compact(float[] padded, int rows, float[] y, int yOff, boolean relu) {
        final int OH = g.outH(), OW = g.outW();
        for (int m = 0; m < rows; m++) {
            int src = m * cols, dst = yOff + m * outPlane;
            for (int oh = 0; oh < OH; oh++, src += wp, dst += OW) {
                if (relu) Elementwise.reluCopy(padded, src, y, dst, OW);
                else System.arraycopy(padded, src, y, dst, OW);
            }
        }
    }

    /** The inverse of {@link #compact} for one output gradient: NCHW rows into padded width, zeros elsewhere. */
    void expand(float[] dy, int dyOff, int rows, float[] padded) {
        final int OH = g.outH(), OW = g.outW();
        for (int m = 0; m < rows; m++) {
            int dst = m * cols, src = dyOff + m * outPlane;
            for (int oh = 0; oh < OH; oh++, src += OW, dst += wp) {
                System.arraycopy(dy, src, padded, dst, OW);
                java.util.Arrays.fill(padded, dst + OW, dst + wp, 0f);
            }
            java.util.Arrays.fill(padded, m * cols + OH * wp, (m + 1) * cols, 0f);
        }
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
