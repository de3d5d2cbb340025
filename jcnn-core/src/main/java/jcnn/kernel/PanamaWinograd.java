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
     * consecutive tiles of one row are consecutive floats, so a group's 16 inputs are 16 vector loads — per segment
     * of the group that lies in one tile row, blended together when the group spans rows. Lanes past the last tile
     * continue its segment and land in the panels' unused columns. Each point's 8 values are one vector store: a
     * group fills half a B panel.
     */
    static void input(Winograd w, float[] split, int t0, int count, int width, float[] v) {
        final int channels = w.channels, kc = w.kc, nr = w.nr, half = w.half, tilesW = w.tilesW, planeSize = w.hp * half;
        final int vp = Winograd.pointStride(channels, width);
        Segments[] groups = SEGMENTS.get();
        for (int panel = 0; panel < count; panel += nr) {
            int inPanels = Math.min(nr, count - panel);
            for (int h = 0; h < inPanels; h += L) groups[h / L].cut(t0 + panel + h, Math.min(L, inPanels - h), tilesW, half);
            // channel by channel, the whole panel: each point's row of nr tiles is written in one go (whole cache lines)
            for (int c = 0; c < channels; c++)
            for (int inPanel = 0; inPanel < inPanels; inPanel += L) {
                Segments seg = groups[inPanel / L];
                int pc = c / kc * kc, depth = Math.min(kc, channels - pc);
                int d = pc * width + panel * depth + (c - pc) * nr + inPanel;
                int e0 = Winograd.MARGIN + c * planeSize, o0 = e0 + channels * planeSize;  // even and odd planes
                int e1 = e0 + half, e2 = e1 + half, e3 = e2 + half, o1 = o0 + half, o2 = o1 + half, o3 = o2 + half;
                // row i of the patch: columns 0..3 are even[tx], odd[tx], even[tx+1], odd[tx+1]; first piece ...
                int o = seg.offset[0];
                FloatVector x00 = load(split, e0 + o), x01 = load(split, o0 + o), x02 = load(split, e0 + o + 1), x03 = load(split, o0 + o + 1);
                FloatVector x10 = load(split, e1 + o), x11 = load(split, o1 + o), x12 = load(split, e1 + o + 1), x13 = load(split, o1 + o + 1);
                FloatVector x20 = load(split, e2 + o), x21 = load(split, o2 + o), x22 = load(split, e2 + o + 1), x23 = load(split, o2 + o + 1);
                FloatVector x30 = load(split, e3 + o), x31 = load(split, o3 + o), x32 = load(split, e3 + o + 1), x33 = load(split, o3 + o + 1);
                // ... and the lanes of the following pieces blended in. Written out, here and below: a helper method
                // taking or returning vectors that C2 does not inline boxes them (measured several times slower).
                for (int s = 1; s < seg.count; s++) {
                    o = seg.offset[s];
                    VectorMask<Float> m = seg.from[s];
                    x00 = x00.blend(load(split, e0 + o), m);
                    x01 = x01.blend(load(split, o0 + o), m);
                    x02 = x02.blend(load(split, e0 + o + 1), m);
                    x03 = x03.blend(load(split, o0 + o + 1), m);
                    x10 = x10.blend(load(split, e1 + o), m);
                    x11 = x11.blend(load(split, o1 + o), m);
                    x12 = x12.blend(load(split, e1 + o + 1), m);
                    x13 = x13.blend(load(split, o1 + o + 1), m);
                    x20 = x20.blend(load(split, e2 + o), m);
                    x21 = x21.blend(load(split, o2 + o), m);
                    x22 = x22.blend(load(split, e2 + o + 1), m);
                    x23 = x23.blend(load(split, o2 + o + 1), m);
                    x30 = x30.blend(load(split, e3 + o), m);
                    x31 = x31.blend(load(split, o3 + o), m);
                    x32 = x32.blend(load(split, e3 + o + 1), m);
                    x33 = x33.blend(load(split, o3 + o + 1), m);
                }
                // Bᵀ·d
                FloatVector a0 = x00.sub(x20), a1 = x01.sub(x21), a2 = x02.sub(x22), a3 = x03.sub(x23);
                FloatVector b0 = x10.add(x20), b1 = x11.add(x21), b2 = x12.add(x22), b3 = x13.add(x23);
                FloatVector c0 = x20.sub(x10), c1 = x21.sub(x11), c2 = x22.sub(x12), c3 = x23.sub(x13);
                FloatVector f0 = x10.sub(x30), f1 = x11.sub(x31), f2 = x12.sub(x32), f3 = x13.sub(x33);
                // ·B, each row's four points stored as they are formed (written out: see above)
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
    }

    /**
     * The pieces of one group of tiles that lie in one tile row each: piece s covers lanes [start[s], L) until the
     * next piece takes over, and reads at offset[s] from a plane's start (tile (ty, tx) in lane e maps to 2·ty·half
     * + tx, so the offset is that of the piece's first tile minus its first lane).
     */
    private static final class Segments {
        final int[] offset = new int[L];
        final VectorMask<Float>[] from = new VectorMask[L];
        int count;

        void cut(int t, int tilesInGroup, int tilesW, int half) {
            count = 0;
            for (int e = 0; e < tilesInGroup; ) {
                int ty = (t + e) / tilesW, tx = (t + e) % tilesW;
                offset[count] = 2 * ty * half + tx - e;
                from[count] = FROM_LANE[e];
                count++;
                e += tilesW - tx;
            }
        }
    }

    /** Per thread, the pieces of each group of L tiles in one B panel. */
    private static final ThreadLocal<Segments[]> SEGMENTS = ThreadLocal.withInitial(() -> {
        Segments[] s = new Segments[GemmPanama.NR / L];
        for (int i = 0; i < s.length; i++) s[i] = new Segments();
        return s;
    });

    /** FROM_LANE[e]: the lanes e and above. */
    @SuppressWarnings("unchecked")
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
     * and the 2×2 outputs of each tile stored where they lie inside the output.
     */
    static void output(Winograd w, float[] prod, int t0, int count, int width, float[] bias, int biasOff, float[] y,
                       int yOff, boolean relu) {
        final int outChannels = w.outChannels, tilesW = w.tilesW, outH = w.g.outH(), outW = w.g.outW();
        final int pp = Winograd.pointStride(outChannels, width);
        float[] out = OUTPUTS.get();
        FloatVector zero = FloatVector.zero(S);
        for (int m = 0; m < outChannels; m++) {
            FloatVector b = FloatVector.broadcast(S, bias == null ? 0f : bias[biasOff + m]);
            int plane = yOff + m * outH * outW;
            for (int g0 = 0; g0 < count; g0 += L) {
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
                int t = t0 + g0, ty = t / tilesW, tx = t % tilesW, oh = 2 * ty;
                if (g0 + L <= count && tx + L <= tilesW && 2 * (tx + L) <= outW && oh + 1 < outH) {
                    // the group's 2L outputs of each row are inside the output: interleave even and odd columns
                    int o = plane + oh * outW + 2 * tx;
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
                for (int e = 0; e < n; e++, t++) {
                    oh = 2 * (t / tilesW);
                    int ow = 2 * (t % tilesW), o = plane + oh * outW + ow;
                    boolean secondColumn = ow + 1 < outW;
                    y[o] = out[e];
                    if (secondColumn) y[o + 1] = out[L + e];
                    if (oh + 1 < outH) {
                        y[o + outW] = out[2 * L + e];
                        if (secondColumn) y[o + outW + 1] = out[3 * L + e];
                    }
                }
            }
        }
    }

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
