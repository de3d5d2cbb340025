package jcnn.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Winograd}'s input and output transforms with the Vector API: eight tiles at a time, one per lane. The
 * arithmetic is the scalar reference's, operation for operation, so the results are the same bit for bit.
 */
final class PanamaWinograd {
    private static final VectorSpecies<Float> S = GemmPanama.SPECIES;
    private static final int L = S.length();

    /** Per-thread buffer for one group's outputs. */
    private static final ThreadLocal<float[]> OUTPUTS = ThreadLocal.withInitial(() -> new float[4 * L]);

    private PanamaWinograd() {}

    /**
     * V for tiles [t0, t0 + count), L tiles (one per lane) at a time. In the split copy the columns 2·tx + j of
     * consecutive tiles of one row are consecutive floats, so for a group of L tiles in one tile row the 16 inputs of
     * each channel are 16 vector loads straight from the copy. A group spanning rows (and the last, partial group,
     * whose extra lanes continue its last row and land in the panels' unused columns) is first assembled: its 16
     * inputs per channel, blended from the pieces of the group in each row, are stored to a scratch array, which the
     * same transform then reads. Each point's L values are one vector store: a group fills half a B panel.
     *
     * <p>Two methods rather than one with a branch: compiled while the first layers to run never blended (rows a
     * multiple of L tiles wide), the blending path came out 5x slower for a later 7x7 layer that always takes it.
     */
    static void input(Winograd w, float[] split, int t0, int count, int width, float[] v) {
        final int channels = w.channels, nr = w.nr, half = w.half, planeSize = w.hp * half;
        Segments seg = SEGMENTS.get();
        float[] gathered = null;
        for (int g0 = 0; g0 < count; g0 += L) {
            seg.cut(t0 + g0, Math.min(L, count - g0), w.tilesW, half, w.tiles, w.paddedSize());
            int panel = g0 / nr * nr, inPanel = g0 % nr;
            if (seg.count == 1) {
                // patch element (i, j) of channel c at MARGIN + c·plane + i·half + j/2 (+ the odd planes for odd j)
                transform(w, split, Winograd.MARGIN + seg.offset[0], planeSize, half, 1, channels * planeSize, width, panel, inPanel, v);
            } else {
                if (gathered == null) gathered = GATHERED.get().length >= channels * 16 * L
                        ? GATHERED.get() : grownGathered(channels * 16 * L);
                gather(w, split, seg, gathered);
                // patch element (i, j) of channel c at (16·c + 4·i + j)·L
                transform(w, gathered, 0, 16 * L, 4 * L, 2 * L, L, width, panel, inPanel, v);
            }
        }
    }

    /**
     * The 16 inputs of every channel of the group cut into {@code seg}, blended from its pieces, stored at
     * (16·c + 4·i + j)·L. Only called for groups of several pieces, so its loop is always taken.
     */
    private static void gather(Winograd w, float[] split, Segments seg, float[] gathered) {
        final int channels = w.channels, half = w.half, planeSize = w.hp * half, odd = channels * planeSize;
        for (int c = 0; c < channels; c++) {
            int base = Winograd.MARGIN + c * planeSize, out = 16 * L * c;
            for (int i = 0; i < 4; i++, base += half) {
                int o = seg.offset[0];
                FloatVector x0 = load(split, base + o), x1 = load(split, base + odd + o);
                FloatVector x2 = load(split, base + o + 1), x3 = load(split, base + odd + o + 1);
                for (int s = 1; s < seg.count; s++) {
                    o = seg.offset[s];
                    VectorMask<Float> m = seg.from[s];
                    x0 = x0.blend(load(split, base + o), m);
                    x1 = x1.blend(load(split, base + odd + o), m);
                    x2 = x2.blend(load(split, base + o + 1), m);
                    x3 = x3.blend(load(split, base + odd + o + 1), m);
                }
                x0.intoArray(gathered, out + 4 * L * i);
                x1.intoArray(gathered, out + 4 * L * i + L);
                x2.intoArray(gathered, out + 4 * L * i + 2 * L);
                x3.intoArray(gathered, out + 4 * L * i + 3 * L);
            }
        }
    }

    /**
     * V = Bᵀ·d·B for one group and every channel, patch element (i, j) of channel c read at src[base + c·channelStep +
     * i·rowStep + (j / 2)·shiftStep + (j % 2)·oddStep], stored as one vector per point into the group's half of a B
     * panel.
     */
    private static void transform(Winograd w, float[] src, int base, int channelStep, int rowStep, int shiftStep,
                                  int oddStep, int width, int panel, int inPanel, float[] v) {
        final int channels = w.channels, kc = w.kc, nr = w.nr, vp = Winograd.pointStride(channels, width);
        for (int c = 0; c < channels; c++, base += channelStep) {
            int pc = c / kc * kc, depth = Math.min(kc, channels - pc);
            int d = pc * width + panel * depth + (c - pc) * nr + inPanel;
            int r0 = base, r1 = r0 + rowStep, r2 = r1 + rowStep, r3 = r2 + rowStep;
            int s = shiftStep, q = oddStep, sq = s + q;
            FloatVector x00 = load(src, r0), x01 = load(src, r0 + q), x02 = load(src, r0 + s), x03 = load(src, r0 + sq);
            FloatVector x10 = load(src, r1), x11 = load(src, r1 + q), x12 = load(src, r1 + s), x13 = load(src, r1 + sq);
            FloatVector x20 = load(src, r2), x21 = load(src, r2 + q), x22 = load(src, r2 + s), x23 = load(src, r2 + sq);
            FloatVector x30 = load(src, r3), x31 = load(src, r3 + q), x32 = load(src, r3 + s), x33 = load(src, r3 + sq);
            // Bᵀ·d
            FloatVector a0 = x00.sub(x20), a1 = x01.sub(x21), a2 = x02.sub(x22), a3 = x03.sub(x23);
            FloatVector b0 = x10.add(x20), b1 = x11.add(x21), b2 = x12.add(x22), b3 = x13.add(x23);
            FloatVector c0 = x20.sub(x10), c1 = x21.sub(x11), c2 = x22.sub(x12), c3 = x23.sub(x13);
            FloatVector f0 = x10.sub(x30), f1 = x11.sub(x31), f2 = x12.sub(x32), f3 = x13.sub(x33);
            // ·B, each row's four points stored as they are formed. Written out, here and elsewhere in this class: a
            // helper taking or returning vectors that C2 does not inline boxes them (measured 2-3x slower).
            a0.sub(a2).intoArray(v, d);
            a1.add(a2).intoArray(v, d + vp);
            a2.sub(a1).intoArray(v, d + 2 * vp);
            a1.sub(a3).intoArray(v, d + 3 * vp);
            b0.sub(b2).intoArray(v, d + 4 * vp);
            b1.add(b2).intoArray(v, d + 5 * vp);
            b2.sub(b1).intoArray(v, d + 6 * vp);
            b1.sub(b3).intoArray(v, d + 7 * vp);
            c0.sub(c2).intoArray(v, d + 8 * vp);
            c1.add(c2).intoArray(v, d + 9 * vp);
            c2.sub(c1).intoArray(v, d + 10 * vp);
            c1.sub(c3).intoArray(v, d + 11 * vp);
            f0.sub(f2).intoArray(v, d + 12 * vp);
            f1.add(f2).intoArray(v, d + 13 * vp);
            f2.sub(f1).intoArray(v, d + 14 * vp);
            f1.sub(f3).intoArray(v, d + 15 * vp);
        }
    }

    /** Per thread, the inputs of one group assembled from its pieces (16 vectors per channel). */
    private static final ThreadLocal<float[]> GATHERED = ThreadLocal.withInitial(() -> new float[0]);

    private static float[] grownGathered(int size) {
        float[] a = new float[size];
        GATHERED.set(a);
        return a;
    }

    /**
     * {@link Winograd#toChannelsLast}: {@link PanamaTranspose} of x and of dy. (32,14,14) and (32,16,16), 100 images:
     * 1.45 ms as the scalar copy (every float written to a different cache line: positions are C floats apart), 1.03
     * with a gather per position, 0.5 with 8×8 blocks transposed in registers.
     */
    static void channelsLast(Winograd w, float[] x, int xOff, float[] dy, int dyOff, float[] xLast, float[] dyLast) {
        PanamaTranspose.toPositions(x, xOff, w.channels, w.inputPositions, w.inputSteps, xLast, w.channels, 0);
        PanamaTranspose.toPositions(dy, dyOff, w.outChannels, w.gradientPositions, w.gradientSteps, dyLast, w.outChannels, 0);
    }

    /** Four lanes: one row of an A panel (MR = 4 output channels). */
    private static final VectorSpecies<Float> Q = FloatVector.SPECIES_128;

    /**
     * The weight gradient's transforms for tiles [t0, t0 + count), from channels-last copies: V for L input channels
     * at a time (16 loads of consecutive channels, one store per point into a row of a Vᵀ panel), Ŷ for four output
     * channels at a time (one row of an A panel per point). Same arithmetic as the scalar reference.
     */
    static void gradient(Winograd w, float[] xLast, float[] dyLast, int t0, int count, int k0, int depth, float[] vT,
                         float[] dyHat) {
        if (w.mr != Q.length() && w.mr != L) throw new IllegalStateException("A panels of " + w.mr + " rows, expected " + Q.length() + " or " + L);
        final int cs = w.gradientChannels(), ms = w.gradientOutChannels(), row = 2 * w.half * cs, w2 = 2 * w.tilesW;
        final int tilesW = w.tilesW, nr = w.nr, mr = w.mr, vs = w.transposedStride(), ys = w.hatStride();
        for (int t = t0; t < t0 + count; t++) {
            int ty = t / tilesW, tx = t % tilesW, k = k0 + t - t0;
            int r0 = w.base + (2 * ty * 2 * w.half + 2 * tx) * cs, r1 = r0 + row, r2 = r1 + row, r3 = r2 + row;
            for (int c = 0; c < cs; c += L) {
                int o = w.base + (c / nr) * nr * depth + k * nr + c % nr;
                FloatVector x00 = load(xLast, r0 + c), x01 = load(xLast, r0 + cs + c), x02 = load(xLast, r0 + 2 * cs + c), x03 = load(xLast, r0 + 3 * cs + c);
                FloatVector x10 = load(xLast, r1 + c), x11 = load(xLast, r1 + cs + c), x12 = load(xLast, r1 + 2 * cs + c), x13 = load(xLast, r1 + 3 * cs + c);
                FloatVector x20 = load(xLast, r2 + c), x21 = load(xLast, r2 + cs + c), x22 = load(xLast, r2 + 2 * cs + c), x23 = load(xLast, r2 + 3 * cs + c);
                FloatVector x30 = load(xLast, r3 + c), x31 = load(xLast, r3 + cs + c), x32 = load(xLast, r3 + 2 * cs + c), x33 = load(xLast, r3 + 3 * cs + c);
                FloatVector a0 = x00.sub(x20), a1 = x01.sub(x21), a2 = x02.sub(x22), a3 = x03.sub(x23);
                FloatVector b0 = x10.add(x20), b1 = x11.add(x21), b2 = x12.add(x22), b3 = x13.add(x23);
                FloatVector c0 = x20.sub(x10), c1 = x21.sub(x11), c2 = x22.sub(x12), c3 = x23.sub(x13);
                FloatVector f0 = x10.sub(x30), f1 = x11.sub(x31), f2 = x12.sub(x32), f3 = x13.sub(x33);
                a0.sub(a2).intoArray(vT, o);
                a1.add(a2).intoArray(vT, o + vs);
                a2.sub(a1).intoArray(vT, o + 2 * vs);
                a1.sub(a3).intoArray(vT, o + 3 * vs);
                b0.sub(b2).intoArray(vT, o + 4 * vs);
                b1.add(b2).intoArray(vT, o + 5 * vs);
                b2.sub(b1).intoArray(vT, o + 6 * vs);
                b1.sub(b3).intoArray(vT, o + 7 * vs);
                c0.sub(c2).intoArray(vT, o + 8 * vs);
                c1.add(c2).intoArray(vT, o + 9 * vs);
                c2.sub(c1).intoArray(vT, o + 10 * vs);
                c1.sub(c3).intoArray(vT, o + 11 * vs);
                f0.sub(f2).intoArray(vT, o + 12 * vs);
                f1.add(f2).intoArray(vT, o + 13 * vs);
                f2.sub(f1).intoArray(vT, o + 14 * vs);
                f1.sub(f3).intoArray(vT, o + 15 * vs);
            }
            int at = w.base + (2 * ty * w2 + 2 * tx) * ms, below = w2 * ms;
            if (mr == L) {
                // panels one vector tall (the narrow products' layout): each point of L output channels is one store
                for (int m = 0; m < ms; m += L) hatColumn(dyLast, at + m, ms, below, dyHat, w.base + (m / L) * L * depth + k * L, ys);
                continue;
            }
            for (int m = 0; m < ms; m += mr) {
                int o = w.base + (m / mr) * mr * depth + k * mr;
                FloatVector a = FloatVector.fromArray(Q, dyLast, at + m), b = FloatVector.fromArray(Q, dyLast, at + ms + m);
                FloatVector c = FloatVector.fromArray(Q, dyLast, at + below + m), e = FloatVector.fromArray(Q, dyLast, at + below + ms + m);
                // A·dy: rows (a, b), (a + c, b + e), (a - c, b - e), (-c, -e); each row (p, q) then ·Aᵀ -> (p, p + q, p - q, -q)
                FloatVector s0 = a.add(c), s1 = b.add(e), q0 = a.sub(c), q1 = b.sub(e), n0 = c.neg(), n1 = e.neg();
                a.intoArray(dyHat, o);
                a.add(b).intoArray(dyHat, o + ys);
                a.sub(b).intoArray(dyHat, o + 2 * ys);
                b.neg().intoArray(dyHat, o + 3 * ys);
                s0.intoArray(dyHat, o + 4 * ys);
                s0.add(s1).intoArray(dyHat, o + 5 * ys);
                s0.sub(s1).intoArray(dyHat, o + 6 * ys);
                s1.neg().intoArray(dyHat, o + 7 * ys);
                q0.intoArray(dyHat, o + 8 * ys);
                q0.add(q1).intoArray(dyHat, o + 9 * ys);
                q0.sub(q1).intoArray(dyHat, o + 10 * ys);
                q1.neg().intoArray(dyHat, o + 11 * ys);
                n0.intoArray(dyHat, o + 12 * ys);
                n0.add(n1).intoArray(dyHat, o + 13 * ys);
                n0.sub(n1).intoArray(dyHat, o + 14 * ys);
                n1.neg().intoArray(dyHat, o + 15 * ys);
            }
        }
    }

    /**
     * Ŷ = A·dy·Aᵀ for L output channels of one tile (dy's 2×2 at src, src + step, src + below, src + below + step), its
     * 16 points stored at o, o + ys, ..., o + 15·ys: the Ŷ part of {@link #gradient} on whole vectors.
     */
    private static void hatColumn(float[] src, int at, int step, int below, float[] dyHat, int o, int ys) {
        FloatVector a = load(src, at), b = load(src, at + step), c = load(src, at + below), e = load(src, at + below + step);
        FloatVector s0 = a.add(c), s1 = b.add(e), q0 = a.sub(c), q1 = b.sub(e), n0 = c.neg(), n1 = e.neg();
        a.intoArray(dyHat, o);
        a.add(b).intoArray(dyHat, o + ys);
        a.sub(b).intoArray(dyHat, o + 2 * ys);
        b.neg().intoArray(dyHat, o + 3 * ys);
        s0.intoArray(dyHat, o + 4 * ys);
        s0.add(s1).intoArray(dyHat, o + 5 * ys);
        s0.sub(s1).intoArray(dyHat, o + 6 * ys);
        s1.neg().intoArray(dyHat, o + 7 * ys);
        q0.intoArray(dyHat, o + 8 * ys);
        q0.add(q1).intoArray(dyHat, o + 9 * ys);
        q0.sub(q1).intoArray(dyHat, o + 10 * ys);
        q1.neg().intoArray(dyHat, o + 11 * ys);
        n0.intoArray(dyHat, o + 12 * ys);
        n0.add(n1).intoArray(dyHat, o + 13 * ys);
        n0.sub(n1).intoArray(dyHat, o + 14 * ys);
        n1.neg().intoArray(dyHat, o + 15 * ys);
    }

    /**
     * The pieces of one group of tiles that lie in one tile row each: piece s covers lanes [start[s], L) until the
     * next piece takes over, and reads at offset[s] from a plane's start (tile (ty, tx) of image i in lane e maps to
     * i·imageSize + 2·ty·half + tx, so the offset is that of the piece's first tile minus its first lane). A tile row
     * ends where an image does, so a piece never spans two images.
     */
    private static final class Segments {
        final int[] offset = new int[L];
        @SuppressWarnings({"unchecked", "rawtypes"}) // no generic array creation in Java
        final VectorMask<Float>[] from = new VectorMask[L];
        int count;

        void cut(int t, int tilesInGroup, int tilesW, int half, int tiles, int imageSize) {
            count = 0;
            for (int e = 0; e < tilesInGroup; ) {
                int image = (t + e) / tiles, ty = (t + e) % tiles / tilesW, tx = (t + e) % tilesW;
                offset[count] = image * imageSize + 2 * ty * half + tx - e;
                from[count] = FROM_LANE[e];
                count++;
                e += tilesW - tx;
            }
        }
    }

    private static final ThreadLocal<Segments> SEGMENTS = ThreadLocal.withInitial(Segments::new);

    /** FROM_LANE[e]: the lanes e and above. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static final VectorMask<Float>[] FROM_LANE = new VectorMask[L];

    static {
        for (int e = 0; e < L; e++) {
            boolean[] bits = new boolean[L];
            for (int i = e; i < L; i++) bits[i] = true;
            FROM_LANE[e] = VectorMask.fromArray(S, bits, 0);
        }
    }

    /**
     * Y for tiles [t0, t0 + count): the 16 products of L tiles are loaded as vectors (contiguous in P), transformed,
     * and the 2×2 outputs of each tile stored where they lie inside the output (of image t / tiles, at yOff + (t /
     * tiles)·yStride). Where each tile's outputs go is worked out once per call, not once per channel (the
     * divisions it takes cost as much as a group's transform).
     */
    static void output(Winograd w, float[] prod, int t0, int count, int width, float[] bias, int biasOff, float[] y,
                       int yOff, int yStride, boolean relu) {
        final int outChannels = w.outChannels, tilesW = w.tilesW, tiles = w.tiles, outH = w.g.outH(), outW = w.g.outW();
        final int pp = Winograd.pointStride(outChannels, width), groups = (count + L - 1) / L;
        TileMap map = TILE_MAP.get().grown(count);
        // at[e]: offset of tile t0 + e's top-left output in an output plane (image included); edges: bit 0 a second
        // column, bit 1 a second row inside the output; whole[g]: group g's L tiles lie in one row, all inside
        int[] at = map.at;
        byte[] edges = map.edges;
        boolean[] whole = map.whole;
        for (int e = 0; e < count; e++) {
            int t = t0 + e, image = t / tiles, local = t - image * tiles, ty = local / tilesW, tx = local - ty * tilesW;
            int oh = 2 * ty, ow = 2 * tx;
            at[e] = image * yStride + oh * outW + ow;
            edges[e] = (byte) ((ow + 1 < outW ? 1 : 0) | (oh + 1 < outH ? 2 : 0));
            if (e % L == 0) whole[e / L] = e + L <= count && tx + L <= tilesW && 2 * (tx + L) <= outW && oh + 1 < outH;
        }
        float[] out = OUTPUTS.get();
        FloatVector zero = FloatVector.zero(S);
        for (int m = 0; m < outChannels; m++) {
            FloatVector b = FloatVector.broadcast(S, bias == null ? 0f : bias[biasOff + m]);
            int plane = yOff + m * outH * outW;
            for (int g = 0, g0 = 0; g < groups; g++, g0 += L) {
                int q = m * width + g0;
                FloatVector p0 = load(prod, q), p1 = load(prod, q + pp), p2 = load(prod, q + 2 * pp), p3 = load(prod, q + 3 * pp);
                FloatVector p4 = load(prod, q + 4 * pp), p5 = load(prod, q + 5 * pp), p6 = load(prod, q + 6 * pp), p7 = load(prod, q + 7 * pp);
                FloatVector p8 = load(prod, q + 8 * pp), p9 = load(prod, q + 9 * pp), p10 = load(prod, q + 10 * pp), p11 = load(prod, q + 11 * pp);
                FloatVector p12 = load(prod, q + 12 * pp), p13 = load(prod, q + 13 * pp), p14 = load(prod, q + 14 * pp), p15 = load(prod, q + 15 * pp);
                // Aᵀ·P
                FloatVector s0 = p0.add(p4).add(p8), s1 = p1.add(p5).add(p9), s2 = p2.add(p6).add(p10), s3 = p3.add(p7).add(p11);
                FloatVector r0 = p4.sub(p8).sub(p12), r1 = p5.sub(p9).sub(p13), r2 = p6.sub(p10).sub(p14), r3 = p7.sub(p11).sub(p15);
                // ·A, + bias
                FloatVector y00 = s0.add(s1).add(s2).add(b), y01 = s1.sub(s2).sub(s3).add(b);
                FloatVector y10 = r0.add(r1).add(r2).add(b), y11 = r1.sub(r2).sub(r3).add(b);
                if (relu) {
                    y00 = y00.max(zero);
                    y01 = y01.max(zero);
                    y10 = y10.max(zero);
                    y11 = y11.max(zero);
                }
                if (whole[g]) {
                    // the group's 2L outputs of each row are inside the output: interleave even and odd columns
                    int o = plane + at[g0];
                    y00.rearrange(LOW_HALVES, y01).intoArray(y, o);
                    y00.rearrange(HIGH_HALVES, y01).intoArray(y, o + L);
                    y10.rearrange(LOW_HALVES, y11).intoArray(y, o + outW);
                    y10.rearrange(HIGH_HALVES, y11).intoArray(y, o + outW + L);
                    continue;
                }
                y00.intoArray(out, 0);
                y01.intoArray(out, L);
                y10.intoArray(out, 2 * L);
                y11.intoArray(out, 3 * L);
                int n = Math.min(L, count - g0);
                for (int e = 0; e < n; e++) {
                    int o = plane + at[g0 + e], edge = edges[g0 + e];
                    y[o] = out[e];
                    if ((edge & 1) != 0) y[o + 1] = out[L + e];
                    if ((edge & 2) != 0) {
                        y[o + outW] = out[2 * L + e];
                        if ((edge & 1) != 0) y[o + outW + 1] = out[3 * L + e];
                    }
                }
            }
        }
    }

    /** Per thread, where the tiles of one output call go (see {@link #output}). */
    private static final class TileMap {
        int[] at = new int[0];
        byte[] edges = new byte[0];
        boolean[] whole = new boolean[0];

        TileMap grown(int count) {
            if (at.length < count) {
                at = new int[count];
                edges = new byte[count];
                whole = new boolean[(count + L - 1) / L];
            }
            return this;
        }
    }

    private static final ThreadLocal<TileMap> TILE_MAP = ThreadLocal.withInitial(TileMap::new);

    /** Lanes 0, L, 1, L+1, ... of two vectors (the second's lanes numbered from L): their first halves interleaved. */
    private static final VectorShuffle<Float> LOW_HALVES = interleave(0);
    /** The same for their second halves. */
    private static final VectorShuffle<Float> HIGH_HALVES = interleave(L / 2);

    private static VectorShuffle<Float> interleave(int from) {
        int[] source = new int[L];
        for (int i = 0; i < L; i++) source[i] = (i % 2 == 0 ? 0 : L) + from + i / 2;
        return VectorShuffle.fromValues(S, source);
    }

    private static FloatVector load(float[] a, int i) {
        return FloatVector.fromArray(S, a, i);
    }
}
