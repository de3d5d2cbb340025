package jcnn.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link WinogradStride2}'s transforms with the Vector API: eight images at a time, one per lane of a 256-bit vector
 * (the copy into lanes is {@link PanamaWinograd4x4#interleave}). The arithmetic is the scalar reference's, operation
 * for operation, so the results are the same bit for bit.
 */
final class PanamaWinogradStride2 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int L = InterleavedWinograd.LANES;
    /** Two floats: one image's two outputs of a tile row. */
    private static final VectorSpecies<Float> PAIR = FloatVector.SPECIES_64;

    /** Whether this class can run here: the copy into lanes is written for 8-lane vectors. */
    static final boolean AVAILABLE = PanamaWinograd4x4.AVAILABLE;

    /**
     * Whether the weight gradient's transforms can run here: they work on 256-bit vectors of channels, whatever the
     * GEMM's width (with AVX-512 its micro-kernel then computes the 25 products on 16 lanes).
     */
    static final boolean WEIGHT_GRADIENT_AVAILABLE = FloatVector.SPECIES_PREFERRED.length() >= S.length();

    private PanamaWinogradStride2() {}

    /**
     * {@link WinogradStride2#inputTransform}: per unit and channel, the five rows of Bᵀ·d — two of them differences of
     * the patch's rows, three its rows as they are — each formed from five vectors and then ·B along the row, every
     * point's vector stored into half a B panel.
     */
    static void input(WinogradStride2 w, float[] xi, int u0, int units, int width, float[] v) {
        final int channels = w.channels, tiles = w.tiles, tilesW = w.tilesW;
        final int vp = Winograd.pointStride(channels, width), row = w.rowStep, channelStep = w.channelStep;
        // channel by channel, the block's units one after the other: their patches overlap in xi, and their points
        // fill whole lines of V (two units per 16-column panel row)
        final int kc = w.kc, nr = w.nr;
        for (int c = 0; c < channels; c++) {
            // where V's column 0 of channel c lies (see InterleavedWinograd.transformedIndex)
            int pc = c / kc * kc, depth = Math.min(kc, channels - pc), cBase = w.base + pc * width + (c - pc) * nr;
            for (int u = u0; u < u0 + units; u++) {
                int group = u / tiles, local = u - group * tiles, ty = local / tilesW, tx = local - ty * tilesW;
                int base = w.base + group * w.groupSize() + c * channelStep + 4 * ty * row + 4 * tx * L, col = (u - u0) * L;
                int o = cBase + col / nr * depth * nr + col % nr;
                int r0 = base, r1 = r0 + row, r2 = r1 + row, r3 = r2 + row, r4 = r3 + row;
                // the rows of Bᵀ·d: d0 - d2, d2, d4 - d2, d1, d3
                difference(xi, r0, r2, L, v, o, vp);
                copy(xi, r2, L, v, o + 5 * vp, vp);
                difference(xi, r4, r2, L, v, o + 10 * vp, vp);
                copy(xi, r1, L, v, o + 15 * vp, vp);
                copy(xi, r3, L, v, o + 20 * vp, vp);
            }
        }
    }

    /*
     * The two kinds of row take arrays and offsets, not vectors: C2 stops inlining into a method past a node budget,
     * and a call it does not inline boxes every vector passed (the input transform written with one helper taking
     * the row's five vectors ran at 130-300 ns per unit and channel, with its last two calls not inlined).
     */

    /**
     * Row (a - b) of Bᵀ·d, rows a and b of the patch at x[a] and x[b] (a patch's columns {@code col} floats apart:
     * L in the interleaved copy, the channels in a channels-last one), ·B, at out[o + k·step].
     */
    private static void difference(float[] x, int a, int b, int col, float[] out, int o, int step) {
        FloatVector t0 = load(x, a).sub(load(x, b)), t1 = load(x, a + col).sub(load(x, b + col));
        FloatVector t2 = load(x, a + 2 * col).sub(load(x, b + 2 * col)), t3 = load(x, a + 3 * col).sub(load(x, b + 3 * col));
        FloatVector t4 = load(x, a + 4 * col).sub(load(x, b + 4 * col));
        t0.sub(t2).intoArray(out, o);
        t2.intoArray(out, o + step);
        t4.sub(t2).intoArray(out, o + 2 * step);
        t1.intoArray(out, o + 3 * step);
        t3.intoArray(out, o + 4 * step);
    }

    /** Row a of the patch (a row of Bᵀ·d as it is), ·B, at out[o + k·step]; columns as in {@link #difference}. */
    private static void copy(float[] x, int a, int col, float[] out, int o, int step) {
        FloatVector t0 = load(x, a), t2 = load(x, a + 2 * col);
        t0.sub(t2).intoArray(out, o);
        t2.intoArray(out, o + step);
        load(x, a + 4 * col).sub(t2).intoArray(out, o + 2 * step);
        load(x, a + col).intoArray(out, o + 3 * step);
        load(x, a + 3 * col).intoArray(out, o + 4 * step);
    }

    // ---------------------------------------------------------------------------------------------------
    // The weight gradient's copies and transforms (WinogradStride2WeightGradient)
    // ---------------------------------------------------------------------------------------------------

    /** {@link WinogradStride2WeightGradient#toChannelsLast}: x and dy of one image by 8×8 register transposes. */
    static void channelsLast(WinogradStride2WeightGradient w, float[] x, int xOff, float[] dy, int dyOff, float[] xLast,
                             float[] dyLast) {
        PanamaTranspose.toPositions(x, xOff, w.channels, w.inputPositions, w.inputSteps, xLast, w.channels, 0);
        PanamaTranspose.toPositions(dy, dyOff, w.outChannels, w.gradientPositions, w.gradientSteps, dyLast, w.outChannels, 0);
    }

    /** Four lanes: one row of an A panel (mr = 4 output channels). */
    private static final VectorSpecies<Float> Q = FloatVector.SPECIES_128;

    /**
     * {@link WinogradStride2WeightGradient#gradientTransforms}: per tile, V for L input channels at a time (the rows
     * of Bᵀ·d as in the forward's {@link #input}, each point's vector one row of a Vᵀ panel), and the 9 distinct
     * points of Ŷ for four output channels at a time (one row of an A panel each). Same arithmetic as the scalar
     * reference.
     */
    static void weightTransforms(WinogradStride2WeightGradient w, float[] xLast, float[] dyLast, int t0, int count,
                                 int k0, int depth, float[] vT, float[] dyHat) {
        if (w.mr != Q.length()) throw new IllegalStateException("A panels of " + w.mr + " rows, expected " + Q.length());
        final int cs = w.gradientChannels(), ms = w.gradientOutChannels(), row = w.wp * cs, w2 = 2 * w.tilesW;
        final int tilesW = w.tilesW, nr = w.nr, mr = w.mr, vs = w.transposedStride(), ys = w.hatStride();
        for (int t = t0; t < t0 + count; t++) {
            int ty = t / tilesW, tx = t - ty * tilesW, k = k0 + t - t0;
            int base = (4 * ty * w.wp + 4 * tx) * cs;
            for (int c = 0; c < cs; c += L) {
                int o = (c / nr) * nr * depth + k * nr + c % nr;
                int r0 = base + c, r1 = r0 + row, r2 = r1 + row, r3 = r2 + row, r4 = r3 + row;
                difference(xLast, r0, r2, cs, vT, o, vs);
                copy(xLast, r2, cs, vT, o + 5 * vs, vs);
                difference(xLast, r4, r2, cs, vT, o + 10 * vs, vs);
                copy(xLast, r1, cs, vT, o + 15 * vs, vs);
                copy(xLast, r3, cs, vT, o + 20 * vs, vs);
            }
            int at = (2 * ty * w2 + 2 * tx) * ms, below = w2 * ms;
            for (int m = 0; m < ms; m += mr) {
                int o = (m / mr) * mr * depth + k * mr;
                FloatVector a = FloatVector.fromArray(Q, dyLast, at + m), b = FloatVector.fromArray(Q, dyLast, at + ms + m);
                FloatVector c = FloatVector.fromArray(Q, dyLast, at + below + m), e = FloatVector.fromArray(Q, dyLast, at + below + ms + m);
                // A·dy: distinct rows (a, b), (a + c, b + e), (c, e); each row (p, q) then ·Aᵀ -> (p, p + q, q)
                FloatVector s0 = a.add(c), s1 = b.add(e);
                a.intoArray(dyHat, o);
                a.add(b).intoArray(dyHat, o + ys);
                b.intoArray(dyHat, o + 2 * ys);
                s0.intoArray(dyHat, o + 3 * ys);
                s0.add(s1).intoArray(dyHat, o + 4 * ys);
                s1.intoArray(dyHat, o + 5 * ys);
                c.intoArray(dyHat, o + 6 * ys);
                c.add(e).intoArray(dyHat, o + 7 * ys);
                e.intoArray(dyHat, o + 8 * ys);
            }
        }
    }

    /**
     * {@link WinogradStride2#outputTransform}: per unit and output channel, Aᵀ·P down the five columns of the 25
     * points and ·A along the two rows, + bias, ReLU; the four vectors (lane e = image e) go through a scratch array
     * to each image's 2×2 block of outputs.
     */
    static void output(WinogradStride2 w, float[] prod, int u0, int units, int width, float[] bias, int biasOff, float[] y,
                       int yOff, int yStride, int count, boolean relu) {
        final int outChannels = w.outChannels, tiles = w.tiles, tilesW = w.tilesW, outH = w.g.outH(), outW = w.g.outW();
        final int pp = Winograd.pointStride(outChannels, width), plane = outH * outW;
        float[] out = OUT.get();
        FloatVector zero = FloatVector.zero(S);
        // channel by channel, the block's units one after the other: they read neighbouring vectors of each point's
        // products and write neighbouring outputs of each plane
        for (int m = 0; m < outChannels; m++) {
            FloatVector b = FloatVector.broadcast(S, bias == null ? 0f : bias[biasOff + m]);
            for (int u = u0; u < u0 + units; u++) {
                int group = u / tiles, local = u - group * tiles, ty = local / tilesW, tx = local - ty * tilesW;
                int images = Math.min(L, count - group * L);
                boolean secondRow = 2 * ty + 1 < outH, secondColumn = 2 * tx + 1 < outW;
                int first = yOff + group * L * yStride + 2 * ty * outW + 2 * tx;
                int q = w.base + m * width + (u - u0) * L;
                // Aᵀ·P: s = rows 0 + 1 + 3 and t = rows 1 + 2 + 4, column by column. The loads call FloatVector
                // directly: C2 inlines its methods whatever the method's size (they are annotated to be), but stopped
                // inlining a helper of ours past its node budget here, boxing the vectors in the bench (61 instead of
                // 48 ms for the layer in some JVMs)
                FloatVector p1 = FloatVector.fromArray(S, prod, q + 5 * pp);
                FloatVector s0 = FloatVector.fromArray(S, prod, q).add(p1).add(FloatVector.fromArray(S, prod, q + 15 * pp));
                FloatVector t0 = p1.add(FloatVector.fromArray(S, prod, q + 10 * pp)).add(FloatVector.fromArray(S, prod, q + 20 * pp));
                p1 = FloatVector.fromArray(S, prod, q + 6 * pp);
                FloatVector s1 = FloatVector.fromArray(S, prod, q + pp).add(p1).add(FloatVector.fromArray(S, prod, q + 16 * pp));
                FloatVector t1 = p1.add(FloatVector.fromArray(S, prod, q + 11 * pp)).add(FloatVector.fromArray(S, prod, q + 21 * pp));
                p1 = FloatVector.fromArray(S, prod, q + 7 * pp);
                FloatVector s2 = FloatVector.fromArray(S, prod, q + 2 * pp).add(p1).add(FloatVector.fromArray(S, prod, q + 17 * pp));
                FloatVector t2 = p1.add(FloatVector.fromArray(S, prod, q + 12 * pp)).add(FloatVector.fromArray(S, prod, q + 22 * pp));
                p1 = FloatVector.fromArray(S, prod, q + 8 * pp);
                FloatVector s3 = FloatVector.fromArray(S, prod, q + 3 * pp).add(p1).add(FloatVector.fromArray(S, prod, q + 18 * pp));
                FloatVector t3 = p1.add(FloatVector.fromArray(S, prod, q + 13 * pp)).add(FloatVector.fromArray(S, prod, q + 23 * pp));
                p1 = FloatVector.fromArray(S, prod, q + 9 * pp);
                FloatVector s4 = FloatVector.fromArray(S, prod, q + 4 * pp).add(p1).add(FloatVector.fromArray(S, prod, q + 19 * pp));
                FloatVector t4 = p1.add(FloatVector.fromArray(S, prod, q + 14 * pp)).add(FloatVector.fromArray(S, prod, q + 24 * pp));
                // ·A, + bias
                FloatVector y00 = s0.add(s1).add(s3).add(b), y01 = s1.add(s2).add(s4).add(b);
                FloatVector y10 = t0.add(t1).add(t3).add(b), y11 = t1.add(t2).add(t4).add(b);
                if (relu) {
                    y00 = y00.max(zero);
                    y01 = y01.max(zero);
                    y10 = y10.max(zero);
                    y11 = y11.max(zero);
                }
                // each image's two outputs of a row side by side: (y00[0], y01[0], y00[1], y01[1], ...), then one
                // 64-bit store per image and row
                y00.rearrange(PanamaTranspose.DUP_LO).blend(y01.rearrange(PanamaTranspose.DUP_LO), PanamaTranspose.ODD_LANES).intoArray(out, 0);
                y00.rearrange(PanamaTranspose.DUP_HI).blend(y01.rearrange(PanamaTranspose.DUP_HI), PanamaTranspose.ODD_LANES).intoArray(out, L);
                y10.rearrange(PanamaTranspose.DUP_LO).blend(y11.rearrange(PanamaTranspose.DUP_LO), PanamaTranspose.ODD_LANES).intoArray(out, 2 * L);
                y10.rearrange(PanamaTranspose.DUP_HI).blend(y11.rearrange(PanamaTranspose.DUP_HI), PanamaTranspose.ODD_LANES).intoArray(out, 3 * L);
                int o = first + m * plane;
                if (secondColumn) {
                    for (int e = 0; e < images; e++, o += yStride) {
                        FloatVector.fromArray(PAIR, out, 2 * e).intoArray(y, o);
                        if (secondRow) FloatVector.fromArray(PAIR, out, 2 * L + 2 * e).intoArray(y, o + outW);
                    }
                } else {
                    for (int e = 0; e < images; e++, o += yStride) {
                        y[o] = out[2 * e];
                        if (secondRow) y[o + outW] = out[2 * L + 2 * e];
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // The input gradient (WinogradStride2Gradient)
    // ---------------------------------------------------------------------------------------------------

    /**
     * {@link WinogradStride2Gradient#inputTransform}: per unit and output-gradient channel, the tile's four vectors,
     * their column sums, then each of the three rows (a, a + b, b): Ŷ's 9 distinct points.
     */
    static void gradientInput(WinogradStride2Gradient w, float[] dyi, int u0, int units, int width, float[] v) {
        final int channels = w.channels, tiles = w.tiles, tilesW = w.tilesW, kc = w.kc, nr = w.nr;
        final int vp = Winograd.pointStride(channels, width), row = w.rowStep, channelStep = w.channelStep;
        for (int m = 0; m < channels; m++) {
            int pc = m / kc * kc, depth = Math.min(kc, channels - pc), cBase = pc * width + (m - pc) * nr;
            for (int u = u0; u < u0 + units; u++) {
                int group = u / tiles, local = u - group * tiles, ty = local / tilesW, tx = local - ty * tilesW;
                int base = group * w.groupSize() + m * channelStep + 2 * ty * row + 2 * tx * L, col = (u - u0) * L;
                int o = cBase + col / nr * depth * nr + col % nr;
                FloatVector y00 = FloatVector.fromArray(S, dyi, base), y01 = FloatVector.fromArray(S, dyi, base + L);
                FloatVector y10 = FloatVector.fromArray(S, dyi, base + row), y11 = FloatVector.fromArray(S, dyi, base + row + L);
                FloatVector s0 = y00.add(y10), s1 = y01.add(y11);
                y00.intoArray(v, o);
                y00.add(y01).intoArray(v, o + vp);
                y01.intoArray(v, o + 2 * vp);
                s0.intoArray(v, o + 5 * vp);
                s0.add(s1).intoArray(v, o + 6 * vp);
                s1.intoArray(v, o + 7 * vp);
                y10.intoArray(v, o + 10 * vp);
                y10.add(y11).intoArray(v, o + 11 * vp);
                y11.intoArray(v, o + 12 * vp);
            }
        }
    }

    /**
     * {@link WinogradStride2Gradient#outputTransform}: per unit and input channel, the five rows of B·Z (rows 0, 3, 4
     * and 2 of Z as they are, row 2 of B·Z their mix), each ·Bᵀ along the row and stored into — or, where the patch
     * overlaps a neighbour written before, added to — the interleaved input gradient.
     */
    static void gradientOutput(WinogradStride2Gradient w, float[] prod, int u0, int units, int width, float[] dxi) {
        final int outChannels = w.outChannels, tiles = w.tiles, tilesW = w.tilesW;
        final int pp = Winograd.pointStride(outChannels, width);
        final WinogradStride2 x = w.layout;
        final int row = x.rowStep, group = x.groupSize();
        for (int c = 0; c < outChannels; c++) {
            for (int u = u0; u < u0 + units; u++) {
                int gr = u / tiles, local = u - gr * tiles, ty = local / tilesW, tx = local - ty * tilesW;
                int d = gr * group + c * x.channelStep + 4 * ty * row + 4 * tx * L;
                int q = c * width + (u - u0) * L;
                boolean top = ty > 0, left = tx > 0;
                gradientRow(prod, q, pp, dxi, d, top, left);                       // row 0 of B·Z: Z's row 0
                gradientRow(prod, q + 15 * pp, pp, dxi, d + row, false, left);      // row 1: Z's row 3
                mixedRow(prod, q, pp, dxi, d + 2 * row, left);                      // row 2: (z1 - z0) - z2
                gradientRow(prod, q + 20 * pp, pp, dxi, d + 3 * row, false, left);  // row 3: Z's row 4
                gradientRow(prod, q + 10 * pp, pp, dxi, d + 4 * row, false, left);  // row 4: Z's row 2
            }
        }
    }

    /*
     * As in the forward's input transform, the helpers take arrays and offsets only: a helper that C2 does not inline
     * then costs a call, not the boxing of every vector passed.
     */

    /**
     * Z's row at prod[q + j·pp] (j < 5) ·Bᵀ: (t0, t3, (t1 - t0) - t2, t4, t2), stored at dxi[d + j·8], or added to it
     * for the whole row when {@code addRow} and for its first point when {@code addFirst}.
     */
    private static void gradientRow(float[] prod, int q, int pp, float[] dxi, int d, boolean addRow, boolean addFirst) {
        FloatVector t0 = FloatVector.fromArray(S, prod, q), t1 = FloatVector.fromArray(S, prod, q + pp);
        FloatVector t2 = FloatVector.fromArray(S, prod, q + 2 * pp), t3 = FloatVector.fromArray(S, prod, q + 3 * pp);
        FloatVector t4 = FloatVector.fromArray(S, prod, q + 4 * pp), t5 = t1.sub(t0).sub(t2);
        if (addRow) {
            FloatVector.fromArray(S, dxi, d).add(t0).intoArray(dxi, d);
            FloatVector.fromArray(S, dxi, d + L).add(t3).intoArray(dxi, d + L);
            FloatVector.fromArray(S, dxi, d + 2 * L).add(t5).intoArray(dxi, d + 2 * L);
            FloatVector.fromArray(S, dxi, d + 3 * L).add(t4).intoArray(dxi, d + 3 * L);
            FloatVector.fromArray(S, dxi, d + 4 * L).add(t2).intoArray(dxi, d + 4 * L);
            return;
        }
        (addFirst ? FloatVector.fromArray(S, dxi, d).add(t0) : t0).intoArray(dxi, d);
        t3.intoArray(dxi, d + L);
        t5.intoArray(dxi, d + 2 * L);
        t4.intoArray(dxi, d + 3 * L);
        t2.intoArray(dxi, d + 4 * L);
    }

    /**
     * Row 2 of B·Z, (z1 - z0) - z2 point by point from Z's rows 0, 1, 2 (at prod[q], prod[q + 5·pp], prod[q + 10·pp]),
     * ·Bᵀ as in {@link #gradientRow}, stored (added to for its first point when {@code addFirst}).
     */
    private static void mixedRow(float[] prod, int q, int pp, float[] dxi, int d, boolean addFirst) {
        int r1 = q + 5 * pp, r2 = q + 10 * pp;
        FloatVector t0 = FloatVector.fromArray(S, prod, r1).sub(FloatVector.fromArray(S, prod, q)).sub(FloatVector.fromArray(S, prod, r2));
        FloatVector t1 = FloatVector.fromArray(S, prod, r1 + pp).sub(FloatVector.fromArray(S, prod, q + pp)).sub(FloatVector.fromArray(S, prod, r2 + pp));
        FloatVector t2 = FloatVector.fromArray(S, prod, r1 + 2 * pp).sub(FloatVector.fromArray(S, prod, q + 2 * pp)).sub(FloatVector.fromArray(S, prod, r2 + 2 * pp));
        FloatVector t3 = FloatVector.fromArray(S, prod, r1 + 3 * pp).sub(FloatVector.fromArray(S, prod, q + 3 * pp)).sub(FloatVector.fromArray(S, prod, r2 + 3 * pp));
        FloatVector t4 = FloatVector.fromArray(S, prod, r1 + 4 * pp).sub(FloatVector.fromArray(S, prod, q + 4 * pp)).sub(FloatVector.fromArray(S, prod, r2 + 4 * pp));
        (addFirst ? FloatVector.fromArray(S, dxi, d).add(t0) : t0).intoArray(dxi, d);
        t3.intoArray(dxi, d + L);
        t1.sub(t0).sub(t2).intoArray(dxi, d + 2 * L);
        t4.intoArray(dxi, d + 3 * L);
        t2.intoArray(dxi, d + 4 * L);
    }

    /** Per thread: one tile's four outputs of eight images. */
    private static final ThreadLocal<float[]> OUT = ThreadLocal.withInitial(() -> new float[4 * L]);

    private static FloatVector load(float[] a, int i) {
        return FloatVector.fromArray(S, a, i);
    }
}
