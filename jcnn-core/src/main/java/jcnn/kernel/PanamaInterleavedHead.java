package jcnn.kernel;

import static jdk.incubator.vector.VectorOperators.LE;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link InterleavedHead}'s forward with the Vector API. On 512-bit vectors a vector holds two neighbouring output
 * positions of a row × eight images — 16 consecutive floats both in the input's interleaved copy and in the next
 * layer's — so every load and store is one whole vector, with no shuffles. A tile is four such vectors (eight
 * positions of a row) × four output channels: 16 accumulators, and per tap four loads and four broadcasts for 16
 * fused multiply-adds. On 256-bit vectors (AVX2, 16 registers) a vector is one position × eight images and a tile
 * four positions × two channels: 8 accumulators, which leave room for the four loads. The same operations as the
 * scalar reference in the same order, so the same floats.
 */
final class PanamaInterleavedHead {
    /** Whether the hardware has 512-bit vectors (and AVX-512's 32 registers). */
    private static final boolean WIDE = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512, N = FloatVector.SPECIES_256;
    private static final int V = S.length(), VN = N.length();
    /** Output positions of a tile's row (four vectors) and output channels of a tile. */
    static final int TILE = 4 * (WIDE ? V : VN) / InterleavedHead.LANES, ROWS = WIDE ? 4 : 2;

    /** Whether this kernel runs here: on heads whose rows and channels fill a tile. */
    static boolean runs(InterleavedHead head) {
        return head.g.outW() >= TILE && head.outChannels >= ROWS;
    }

    private PanamaInterleavedHead() {}

    /**
     * count images (a group of eight, the rest zero lanes) of x (NCHW, images xStride apart) copied into xi, then
     * every output of the head (+ bias, ReLU when asked) stored into next's interleaved copy dst. The last tile of a
     * row is moved left to end at the row's end, and the last tile of channels down to end at the last channel: some
     * outputs are computed twice, the same floats written twice.
     */
    static void forward(InterleavedHead head, float[] x, int xOff, int xStride, int count, float[] xi, float[] packed,
                        float[] bias, boolean relu, InterleavedWinograd next, float[] dst) {
        PanamaWinograd4x4.interleave(head.positions, head.channels, head.channelStep, x, xOff, xStride, count, xi, 0);
        final int outH = head.g.outH(), outW = head.g.outW(), m = head.outChannels, step = next.channelStep;
        for (int r = 0; r < outH; r++) {
            for (int q = 0; q < outW; q += TILE) {
                int q0 = Math.min(q, outW - TILE);
                int at = r * head.rowStep + q0 * InterleavedHead.LANES, to = next.base + next.positions[r * outW + q0];
                for (int j = 0; j < m; j += ROWS) {
                    int m0 = Math.min(j, m - ROWS);
                    if (WIDE) tile(head.taps, xi, at, packed, m0, m, bias, relu, dst, to + m0 * step, step);
                    else narrowTile(head.taps, xi, at, packed, m0, m, bias, relu, dst, to + m0 * step, step);
                }
            }
        }
    }

    /**
     * Output channels [m0, m0 + 4) × the tile's four vectors: Σ over the taps of w · input from zero, + bias, ReLU,
     * stored at to + channel·step + vector·V.
     */
    private static void tile(int[] taps, float[] xi, int at, float[] w, int m0, int m, float[] bias, boolean relu,
                             float[] dst, int to, int step) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S), c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S), c13 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S), c23 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S), c33 = FloatVector.zero(S);
        for (int t = 0; t < taps.length; t++) {
            int o = at + taps[t], k = t * m + m0;
            FloatVector x0 = FloatVector.fromArray(S, xi, o), x1 = FloatVector.fromArray(S, xi, o + V);
            FloatVector x2 = FloatVector.fromArray(S, xi, o + 2 * V), x3 = FloatVector.fromArray(S, xi, o + 3 * V);
            FloatVector a = FloatVector.broadcast(S, w[k]);
            c00 = a.fma(x0, c00);
            c01 = a.fma(x1, c01);
            c02 = a.fma(x2, c02);
            c03 = a.fma(x3, c03);
            a = FloatVector.broadcast(S, w[k + 1]);
            c10 = a.fma(x0, c10);
            c11 = a.fma(x1, c11);
            c12 = a.fma(x2, c12);
            c13 = a.fma(x3, c13);
            a = FloatVector.broadcast(S, w[k + 2]);
            c20 = a.fma(x0, c20);
            c21 = a.fma(x1, c21);
            c22 = a.fma(x2, c22);
            c23 = a.fma(x3, c23);
            a = FloatVector.broadcast(S, w[k + 3]);
            c30 = a.fma(x0, c30);
            c31 = a.fma(x1, c31);
            c32 = a.fma(x2, c32);
            c33 = a.fma(x3, c33);
        }
        if (bias != null) {
            FloatVector b = FloatVector.broadcast(S, bias[m0]);
            c00 = c00.add(b);
            c01 = c01.add(b);
            c02 = c02.add(b);
            c03 = c03.add(b);
            b = FloatVector.broadcast(S, bias[m0 + 1]);
            c10 = c10.add(b);
            c11 = c11.add(b);
            c12 = c12.add(b);
            c13 = c13.add(b);
            b = FloatVector.broadcast(S, bias[m0 + 2]);
            c20 = c20.add(b);
            c21 = c21.add(b);
            c22 = c22.add(b);
            c23 = c23.add(b);
            b = FloatVector.broadcast(S, bias[m0 + 3]);
            c30 = c30.add(b);
            c31 = c31.add(b);
            c32 = c32.add(b);
            c33 = c33.add(b);
        }
        if (relu) {
            // max(v, 0) by Math.max's rule (+0 for -0, NaN stays NaN) as a compare and a blend: +0 where v <= 0.
            // FloatVector.max compiles to several instructions per vector for that rule; here the head took
            // 207 -> 172 us per 100 images (1 -> 16 channels on 28x28) with it.
            c00 = c00.blend(0f, c00.compare(LE, 0f));
            c01 = c01.blend(0f, c01.compare(LE, 0f));
            c02 = c02.blend(0f, c02.compare(LE, 0f));
            c03 = c03.blend(0f, c03.compare(LE, 0f));
            c10 = c10.blend(0f, c10.compare(LE, 0f));
            c11 = c11.blend(0f, c11.compare(LE, 0f));
            c12 = c12.blend(0f, c12.compare(LE, 0f));
            c13 = c13.blend(0f, c13.compare(LE, 0f));
            c20 = c20.blend(0f, c20.compare(LE, 0f));
            c21 = c21.blend(0f, c21.compare(LE, 0f));
            c22 = c22.blend(0f, c22.compare(LE, 0f));
            c23 = c23.blend(0f, c23.compare(LE, 0f));
            c30 = c30.blend(0f, c30.compare(LE, 0f));
            c31 = c31.blend(0f, c31.compare(LE, 0f));
            c32 = c32.blend(0f, c32.compare(LE, 0f));
            c33 = c33.blend(0f, c33.compare(LE, 0f));
        }
        c00.intoArray(dst, to);
        c01.intoArray(dst, to + V);
        c02.intoArray(dst, to + 2 * V);
        c03.intoArray(dst, to + 3 * V);
        to += step;
        c10.intoArray(dst, to);
        c11.intoArray(dst, to + V);
        c12.intoArray(dst, to + 2 * V);
        c13.intoArray(dst, to + 3 * V);
        to += step;
        c20.intoArray(dst, to);
        c21.intoArray(dst, to + V);
        c22.intoArray(dst, to + 2 * V);
        c23.intoArray(dst, to + 3 * V);
        to += step;
        c30.intoArray(dst, to);
        c31.intoArray(dst, to + V);
        c32.intoArray(dst, to + 2 * V);
        c33.intoArray(dst, to + 3 * V);
    }

    /** {@link #tile} on 256-bit vectors: output channels [m0, m0 + 2) × four vectors of one position each. */
    private static void narrowTile(int[] taps, float[] xi, int at, float[] w, int m0, int m, float[] bias, boolean relu,
                                   float[] dst, int to, int step) {
        FloatVector c00 = FloatVector.zero(N), c01 = FloatVector.zero(N), c02 = FloatVector.zero(N), c03 = FloatVector.zero(N);
        FloatVector c10 = FloatVector.zero(N), c11 = FloatVector.zero(N), c12 = FloatVector.zero(N), c13 = FloatVector.zero(N);
        for (int t = 0; t < taps.length; t++) {
            int o = at + taps[t], k = t * m + m0;
            FloatVector x0 = FloatVector.fromArray(N, xi, o), x1 = FloatVector.fromArray(N, xi, o + VN);
            FloatVector x2 = FloatVector.fromArray(N, xi, o + 2 * VN), x3 = FloatVector.fromArray(N, xi, o + 3 * VN);
            FloatVector a = FloatVector.broadcast(N, w[k]);
            c00 = a.fma(x0, c00);
            c01 = a.fma(x1, c01);
            c02 = a.fma(x2, c02);
            c03 = a.fma(x3, c03);
            a = FloatVector.broadcast(N, w[k + 1]);
            c10 = a.fma(x0, c10);
            c11 = a.fma(x1, c11);
            c12 = a.fma(x2, c12);
            c13 = a.fma(x3, c13);
        }
        if (bias != null) {
            FloatVector b = FloatVector.broadcast(N, bias[m0]);
            c00 = c00.add(b);
            c01 = c01.add(b);
            c02 = c02.add(b);
            c03 = c03.add(b);
            b = FloatVector.broadcast(N, bias[m0 + 1]);
            c10 = c10.add(b);
            c11 = c11.add(b);
            c12 = c12.add(b);
            c13 = c13.add(b);
        }
        if (relu) {
            c00 = c00.blend(0f, c00.compare(LE, 0f));
            c01 = c01.blend(0f, c01.compare(LE, 0f));
            c02 = c02.blend(0f, c02.compare(LE, 0f));
            c03 = c03.blend(0f, c03.compare(LE, 0f));
            c10 = c10.blend(0f, c10.compare(LE, 0f));
            c11 = c11.blend(0f, c11.compare(LE, 0f));
            c12 = c12.blend(0f, c12.compare(LE, 0f));
            c13 = c13.blend(0f, c13.compare(LE, 0f));
        }
        c00.intoArray(dst, to);
        c01.intoArray(dst, to + VN);
        c02.intoArray(dst, to + 2 * VN);
        c03.intoArray(dst, to + 3 * VN);
        to += step;
        c10.intoArray(dst, to);
        c11.intoArray(dst, to + VN);
        c12.intoArray(dst, to + 2 * VN);
        c13.intoArray(dst, to + 3 * VN);
    }
}
