package jcnn.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Winograd4x4}'s copies and transforms with the Vector API: eight images at a time, one per lane of a 256-bit
 * vector. The arithmetic is the scalar reference's, operation for operation (the same fused multiply-adds in the
 * same order), so the results are the same bit for bit.
 */
final class PanamaWinograd4x4 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    /** Where the per-thread scratch's vectors begin: on a cache line where that is known ({@link Alignment}). */
    private static final int A = Alignment.FLOATS;
    private static final VectorSpecies<Float> QUAD = FloatVector.SPECIES_128;
    private static final int L = Winograd4x4.LANES;

    /** Whether this class can run here: the register transposes it borrows are written for 8-lane vectors. */
    static final boolean AVAILABLE = PanamaTranspose.EIGHT_LANES && S.length() == L;

    private PanamaWinograd4x4() {}

    /**
     * {@link InterleavedWinograd#interleave}: blocks of 8 images × 8 consecutive positions of a channel transposed in
     * registers, each position's 8 images stored with one vector store (with 512-bit vectors, while pairs of positions
     * lie side by side in the copy, blocks of 8 × 16 and one store per pair: {@link PanamaTranspose#blockPairs});
     * the positions past the last block gathered
     * (8 loads, one store). The missing images of a partial group (the batch's last) are zero lanes: the blocks read
     * zeros for them ({@link PanamaTranspose#blockRows}), the positions past the last block are copied one float at a
     * time.
     */
    static void interleave(InterleavedWinograd w, float[] x, int xOff, int xStride, int count, float[] xi, int at) {
        interleave(w.positions, w.channels, w.channelStep, x, xOff, xStride, count, xi, at);
    }

    /** As above, for any layout of the same form: channel c's position p at at + c·channelStep + positions[p]. */
    static void interleave(int[] positions, int channels, int channelStep, float[] x, int xOff, int xStride, int count,
                           float[] xi, int at) {
        int plane = positions.length, blocked = plane / L * L;
        int[] steps = STEPS.get();
        if (steps[1] != xStride) for (int e = 0; e < L; e++) steps[e] = e * xStride;
        for (int c = 0; c < channels; c++) {
            int from = xOff + c * plane, base = at + c * channelStep, p = 0;
            if (count == L) {
                if (PanamaTranspose.SIXTEEN_LANES) {
                    for (int w = PanamaTranspose.WIDE; p + w <= plane && PanamaTranspose.pairsAdjacent(positions, p); p += w)
                        PanamaTranspose.blockPairs(x, from + p, xStride, xi, positions, p, base);
                }
                for (; p < blocked; p += L) PanamaTranspose.block(x, from + p, xStride, xi, positions, p, base);
                for (; p < plane; p++) FloatVector.fromArray(S, x, from + p, steps, 0).intoArray(xi, base + positions[p]);
            } else {
                for (; p < blocked; p += L) PanamaTranspose.blockRows(x, from + p, xStride, count, xi, positions, p, base);
                for (; p < plane; p++)
                    for (int e = 0, d = base + positions[p]; e < L; e++) xi[d + e] = e < count ? x[from + e * xStride + p] : 0f;
            }
        }
    }

    /**
     * {@link InterleavedWinograd#deinterleave}: per channel, blocks of 8 positions × 8 images transposed in registers
     * and stored as one 8-float row piece per image, the positions past the last block copied one by one.
     */
    static void deinterleave(InterleavedWinograd w, float[] xi, int at, float[] x, int xOff, int xStride, int count) {
        int plane = w.positions.length, blocked = plane / L * L, channelStep = w.channelStep;
        for (int c = 0; c < w.channels; c++) {
            int to = xOff + c * plane, base = at + c * channelStep, p = 0;
            for (; p < blocked; p += L) PanamaTranspose.unblock(xi, w.positions, p, base, x, to + p, xStride, count);
            for (; p < plane; p++) {
                for (int e = 0, d = base + w.positions[p]; e < count; e++) x[to + e * xStride + p] = xi[d + e];
            }
        }
    }

    /** Per thread: 0, xStride, 2·xStride, ... (the gather of one position across a group's images). */
    private static final ThreadLocal<int[]> STEPS = ThreadLocal.withInitial(() -> new int[L]);

    /**
     * {@link Winograd4x4#inputTransform}: per channel and unit, Bᵀ·d down the patch's six columns (six loads each, the
     * results parked in a 36-vector scratch), then ·B along its six rows, each point's vector stored into half a B
     * panel. Channels are the outer loop: the units of a block lie side by side in a few tile rows, so a channel's band
     * of the interleaved copy is read from L1 by the unit after, and neighbouring units' vectors of a point fill the
     * same cache lines one after the other (with the units outside, each unit read 16 channels' bands and wrote 36
     * points × 16 channels of half lines, more than L1 holds before the next unit wrote their other halves). A block of
     * (16,28,28)→16, one thread, both orders in one JVM alternated, medians of five runs: 45-53 → 38-44 ns per
     * unit-channel.
     */
    static void input(Winograd4x4 w, float[] xi, int u0, int units, int width, float[] v) {
        final int channels = w.channels, kc = w.kc, nr = w.nr, tiles = w.tiles, tilesW = w.tilesW;
        final int vp = Winograd.pointStride(channels, width), row = w.rowStep, channelStep = w.channelStep;
        float[] t = SCRATCH.get();
        for (int c = 0; c < channels; c++) {
            int pc = c / kc * kc, depth = Math.min(kc, channels - pc);
            for (int u = u0; u < u0 + units; u++) {
                int group = u / tiles, local = u - group * tiles, ty = local / tilesW, tx = local - ty * tilesW;
                int base = w.base + group * w.groupSize() + c * channelStep + 4 * ty * row + 4 * tx * L, col = (u - u0) * L;
                int o = w.base + pc * width + col / nr * depth * nr + (c - pc) * nr + col % nr;
                if (PAIRS) {
                    for (int j = 0; j < 6; j += 2) inputColumnPair(xi, base + j * L, row, t, A + j * L, 6 * L);
                } else {
                    for (int j = 0; j < 6; j++) inputColumn(xi, base + j * L, row, t, A + j * L, 6 * L);
                }
                for (int i = 0; i < 6; i++) inputColumn(t, A + 6 * i * L, L, v, o + 6 * i * vp, vp);
            }
        }
    }

    /**
     * {@link Winograd4x4#inputColumn} on vectors: out[o + k·step] = row k of Bᵀ·(d0 .. d5), d_i the vector at
     * src[at + i·stride]. The helpers load and store their vectors themselves: a helper taking or returning vectors
     * that C2 does not inline (which depends on what it compiled before) boxes them, and the kernel runs several
     * times slower (seen with the GEMM micro-kernel's stores).
     */
    private static void inputColumn(float[] src, int at, int stride, float[] out, int o, int step) {
        FloatVector d0 = load(src, at), d1 = load(src, at + stride), d2 = load(src, at + 2 * stride);
        FloatVector d3 = load(src, at + 3 * stride), d4 = load(src, at + 4 * stride), d5 = load(src, at + 5 * stride);
        FloatVector s12 = d1.add(d2), s34 = d3.add(d4), m12 = d1.sub(d2), m43 = d4.sub(d3), m31 = d3.sub(d1), m42 = d4.sub(d2);
        d0.fma(FOUR, d2.fma(MINUS_FIVE, d4)).intoArray(out, o);
        s12.fma(MINUS_FOUR, s34).intoArray(out, o + step);
        m12.fma(FOUR, m43).intoArray(out, o + 2 * step);
        m31.fma(TWO, m42).intoArray(out, o + 3 * step);
        m31.fma(MINUS_TWO, m42).intoArray(out, o + 4 * step);
        d1.fma(FOUR, d3.fma(MINUS_FIVE, d5)).intoArray(out, o + 5 * step);
    }

    /**
     * {@link Winograd4x4#outputTransform}: per unit and output channel, Aᵀ·P down the six columns of the 36 points,
     * then ·A along each of the tile's rows that lie inside the output, + bias, ReLU. A row's four vectors (lane e =
     * image e) are interleaved in registers (two rounds of permutations) into four vectors
     * holding two images' four outputs each, which go through a scratch array to one 128-bit store per image (both
     * measured slower: storing the halves with masked stores, and extracting them with reinterpretShape). Output
     * channels are the outer loop, as in {@link #input}: neighbouring units read the same cache lines of P and write
     * neighbouring pieces of the same output rows (medians of five runs, 50-60 → 49-53 ns per unit-channel). Two
     * neighbouring whole tiles of a tile row go together where AVX-512 has two-source permutations
     * ({@link #outputPair}).
     */
    static void output(Winograd4x4 w, float[] prod, int u0, int units, int width, float[] bias, int biasOff, float[] y,
                       int yOff, int yStride, int count, boolean relu) {
        final int outChannels = w.outChannels, tiles = w.tiles, tilesW = w.tilesW, outH = w.g.outH(), outW = w.g.outW();
        final int pp = Winograd.pointStride(outChannels, width), plane = outH * outW;
        float[] s = SCRATCH.get(), out = OUT.get();
        FloatVector zero = FloatVector.zero(S);
        for (int m = 0; m < outChannels; m++) {
            for (int u = u0; u < u0 + units; u++) {
                int group = u / tiles, local = u - group * tiles, ty = local / tilesW, tx = local - ty * tilesW;
                int images = Math.min(L, count - group * L), rows = Math.min(4, outH - 4 * ty), cols = Math.min(4, outW - 4 * tx);
                int first = yOff + group * L * yStride + 4 * ty * outW + 4 * tx;
                int q = w.base + m * width + (u - u0) * L;
                float bm = bias == null ? 0f : bias[biasOff + m];
                if (TWO_SOURCE_PERMUTES && u + 1 < u0 + units && tx + 1 < tilesW && 4 * tx + 8 <= outW) {
                    outputPair(prod, q, pp, bm, relu, s, y, first + m * plane, outW, yStride, images, rows);
                    u++;
                    continue;
                }
                for (int j = 0; j < 6; j++) outputColumn(prod, q + j * pp, 6 * pp, s, A + j * L, 6 * L);
                FloatVector b = FloatVector.broadcast(S, bm);
                for (int i = 0; i < rows; i++) {
                    int at = A + 6 * i * L;
                    FloatVector p0 = load(s, at), p1 = load(s, at + L), p2 = load(s, at + 2 * L);
                    FloatVector p3 = load(s, at + 3 * L), p4 = load(s, at + 4 * L), p5 = load(s, at + 5 * L);
                    FloatVector s12 = p1.add(p2), s34 = p3.add(p4), m12 = p1.sub(p2), m34 = p3.sub(p4);
                    FloatVector y0 = p0.add(s12).add(s34).add(b), y1 = m34.fma(TWO, m12).add(b);
                    FloatVector y2 = s34.fma(FOUR, s12).add(b), y3 = m34.fma(EIGHT, m12).add(p5).add(b);
                    if (relu) {
                        y0 = y0.max(zero);
                        y1 = y1.max(zero);
                        y2 = y2.max(zero);
                        y3 = y3.max(zero);
                    }
                    // t0 = (y0[0], y1[0], y0[1], y1[1], ...), then q0 = image 0's four outputs and image 1's, q1 images 2, 3 ...
                    FloatVector q0, q1, q2, q3;
                    if (TWO_SOURCE_PERMUTES) {
                        IntVector i0 = y0.reinterpretAsInts(), i1 = y1.reinterpretAsInts(), i2 = y2.reinterpretAsInts(), i3 = y3.reinterpretAsInts();
                        IntVector t0 = ZIP_LO.selectFrom(i0, i1), t1 = ZIP_HI.selectFrom(i0, i1);
                        IntVector t2 = ZIP_LO.selectFrom(i2, i3), t3 = ZIP_HI.selectFrom(i2, i3);
                        q0 = ZIP_PAIRS_LO.selectFrom(t0, t2).reinterpretAsFloats();
                        q1 = ZIP_PAIRS_HI.selectFrom(t0, t2).reinterpretAsFloats();
                        q2 = ZIP_PAIRS_LO.selectFrom(t1, t3).reinterpretAsFloats();
                        q3 = ZIP_PAIRS_HI.selectFrom(t1, t3).reinterpretAsFloats();
                    } else {
                        FloatVector t0 = y0.rearrange(PanamaTranspose.DUP_LO).blend(y1.rearrange(PanamaTranspose.DUP_LO), PanamaTranspose.ODD_LANES);
                        FloatVector t1 = y0.rearrange(PanamaTranspose.DUP_HI).blend(y1.rearrange(PanamaTranspose.DUP_HI), PanamaTranspose.ODD_LANES);
                        FloatVector t2 = y2.rearrange(PanamaTranspose.DUP_LO).blend(y3.rearrange(PanamaTranspose.DUP_LO), PanamaTranspose.ODD_LANES);
                        FloatVector t3 = y2.rearrange(PanamaTranspose.DUP_HI).blend(y3.rearrange(PanamaTranspose.DUP_HI), PanamaTranspose.ODD_LANES);
                        q0 = t0.rearrange(PanamaTranspose.PAIR_LO).blend(t2.rearrange(PanamaTranspose.PAIR_LO), PanamaTranspose.ODD_PAIRS);
                        q1 = t0.rearrange(PanamaTranspose.PAIR_HI).blend(t2.rearrange(PanamaTranspose.PAIR_HI), PanamaTranspose.ODD_PAIRS);
                        q2 = t1.rearrange(PanamaTranspose.PAIR_LO).blend(t3.rearrange(PanamaTranspose.PAIR_LO), PanamaTranspose.ODD_PAIRS);
                        q3 = t1.rearrange(PanamaTranspose.PAIR_HI).blend(t3.rearrange(PanamaTranspose.PAIR_HI), PanamaTranspose.ODD_PAIRS);
                    }
                    int o = first + m * plane + i * outW;
                    q0.intoArray(out, 0);
                    q1.intoArray(out, L);
                    q2.intoArray(out, 2 * L);
                    q3.intoArray(out, 3 * L);
                    if (cols == 4) {
                        for (int e = 0; e < images; e++) FloatVector.fromArray(QUAD, out, 4 * e).intoArray(y, o + e * yStride);
                    } else {
                        // a tile over the right edge
                        for (int e = 0; e < images; e++)
                            for (int k = 0; k < cols; k++) y[o + e * yStride + k] = out[4 * e + k];
                    }
                }
            }
        }
    }


    /**
     * {@link #output} for two neighbouring tiles of a tile row, both inside the output (unit u's products at column q
     * of P, unit u + 1's at q + 8): per tile row, the eight outputs of each image side by side are one 8×8 transpose
     * of the two tiles' eight column vectors away — three rounds of two-source permutations (vpermi2d) — and are
     * stored with one 256-bit store per image, where the single tiles' path stores 128 bits per image through a
     * scratch array (the loads back from it, and those stores, were the transform's largest cost).
     */
    private static void outputPair(float[] prod, int q, int pp, float bias, boolean relu, float[] s, float[] y, int o,
                                   int outW, int yStride, int images, int rows) {
        for (int j = 0; j < 6; j++) outputColumn(prod, q + j * pp, 6 * pp, s, A + j * L, 6 * L);
        for (int j = 0; j < 6; j++) outputColumn(prod, q + L + j * pp, 6 * pp, s, A + (24 + j) * L, 6 * L);
        FloatVector b = FloatVector.broadcast(S, bias);
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < rows; i++, o += outW) {
            int at = A + 6 * i * L;
            FloatVector p0 = FloatVector.fromArray(S, s, at), p1 = FloatVector.fromArray(S, s, at + L), p2 = FloatVector.fromArray(S, s, at + 2 * L);
            FloatVector p3 = FloatVector.fromArray(S, s, at + 3 * L), p4 = FloatVector.fromArray(S, s, at + 4 * L), p5 = FloatVector.fromArray(S, s, at + 5 * L);
            FloatVector s12 = p1.add(p2), s34 = p3.add(p4), m12 = p1.sub(p2), m34 = p3.sub(p4);
            FloatVector y0 = p0.add(s12).add(s34).add(b), y1 = m34.fma(TWO, m12).add(b);
            FloatVector y2 = s34.fma(FOUR, s12).add(b), y3 = m34.fma(EIGHT, m12).add(p5).add(b);
            at += 24 * L;
            p0 = FloatVector.fromArray(S, s, at);
            p1 = FloatVector.fromArray(S, s, at + L);
            p2 = FloatVector.fromArray(S, s, at + 2 * L);
            p3 = FloatVector.fromArray(S, s, at + 3 * L);
            p4 = FloatVector.fromArray(S, s, at + 4 * L);
            p5 = FloatVector.fromArray(S, s, at + 5 * L);
            s12 = p1.add(p2);
            s34 = p3.add(p4);
            m12 = p1.sub(p2);
            m34 = p3.sub(p4);
            FloatVector y4 = p0.add(s12).add(s34).add(b), y5 = m34.fma(TWO, m12).add(b);
            FloatVector y6 = s34.fma(FOUR, s12).add(b), y7 = m34.fma(EIGHT, m12).add(p5).add(b);
            if (relu) {
                y0 = y0.max(zero);
                y1 = y1.max(zero);
                y2 = y2.max(zero);
                y3 = y3.max(zero);
                y4 = y4.max(zero);
                y5 = y5.max(zero);
                y6 = y6.max(zero);
                y7 = y7.max(zero);
            }
            // columns 0..7 (lanes: images) -> images 0..7 (lanes: columns): pairs of lanes, then quads, then halves
            IntVector i0 = y0.reinterpretAsInts(), i1 = y1.reinterpretAsInts(), i2 = y2.reinterpretAsInts(), i3 = y3.reinterpretAsInts();
            IntVector i4 = y4.reinterpretAsInts(), i5 = y5.reinterpretAsInts(), i6 = y6.reinterpretAsInts(), i7 = y7.reinterpretAsInts();
            IntVector t0 = ZIP_LO.selectFrom(i0, i1), t1 = ZIP_HI.selectFrom(i0, i1);
            IntVector t2 = ZIP_LO.selectFrom(i2, i3), t3 = ZIP_HI.selectFrom(i2, i3);
            IntVector t4 = ZIP_LO.selectFrom(i4, i5), t5 = ZIP_HI.selectFrom(i4, i5);
            IntVector t6 = ZIP_LO.selectFrom(i6, i7), t7 = ZIP_HI.selectFrom(i6, i7);
            IntVector a0 = ZIP_PAIRS_LO.selectFrom(t0, t2), a1 = ZIP_PAIRS_HI.selectFrom(t0, t2);
            IntVector a2 = ZIP_PAIRS_LO.selectFrom(t1, t3), a3 = ZIP_PAIRS_HI.selectFrom(t1, t3);
            IntVector b0 = ZIP_PAIRS_LO.selectFrom(t4, t6), b1 = ZIP_PAIRS_HI.selectFrom(t4, t6);
            IntVector b2 = ZIP_PAIRS_LO.selectFrom(t5, t7), b3 = ZIP_PAIRS_HI.selectFrom(t5, t7);
            HALVES_LO.selectFrom(a0, b0).reinterpretAsFloats().intoArray(y, o);
            if (images > 1) HALVES_HI.selectFrom(a0, b0).reinterpretAsFloats().intoArray(y, o + yStride);
            if (images > 2) HALVES_LO.selectFrom(a1, b1).reinterpretAsFloats().intoArray(y, o + 2 * yStride);
            if (images > 3) HALVES_HI.selectFrom(a1, b1).reinterpretAsFloats().intoArray(y, o + 3 * yStride);
            if (images > 4) HALVES_LO.selectFrom(a2, b2).reinterpretAsFloats().intoArray(y, o + 4 * yStride);
            if (images > 5) HALVES_HI.selectFrom(a2, b2).reinterpretAsFloats().intoArray(y, o + 5 * yStride);
            if (images > 6) HALVES_LO.selectFrom(a3, b3).reinterpretAsFloats().intoArray(y, o + 6 * yStride);
            if (images > 7) HALVES_HI.selectFrom(a3, b3).reinterpretAsFloats().intoArray(y, o + 7 * yStride);
        }
    }

    /**
     * {@link Winograd4x4#outputTransformPooled}: the column pass as in {@link #output}, then per pair of tile rows the
     * row pass of both and the 2×2 maxima across lanes (each lane is one image, so pooling needs no shuffle), before
     * the bias and the ReLU: adding the same bias to each candidate cannot change which is largest (rounding is
     * monotonic), and max(·, 0) commutes with max, so the floats are the reference's. Two pooled values per image and
     * pooled row, stored one by one.
     */
    static void outputPooled(Winograd4x4 w, float[] prod, int u0, int units, int width, float[] bias, int biasOff, float[] y,
                             int yOff, int yStride, int count, boolean relu) {
        final int outChannels = w.outChannels, tiles = w.tiles, tilesW = w.tilesW;
        final int pooledH = w.g.outH() / 2, pooledW = w.g.outW() / 2, plane = pooledH * pooledW;
        final int pp = Winograd.pointStride(outChannels, width);
        float[] s = SCRATCH.get(), out = OUT.get();
        for (int m = 0; m < outChannels; m++) {
            for (int u = u0; u < u0 + units; u++) {
                int group = u / tiles, local = u - group * tiles, ty = local / tilesW, tx = local - ty * tilesW;
                int images = Math.min(L, count - group * L), rows = Math.min(2, pooledH - 2 * ty), cols = Math.min(2, pooledW - 2 * tx);
                if (rows <= 0 || cols <= 0) continue;  // a tile over the dropped last row or column of an odd size
                int first = yOff + group * L * yStride + 2 * ty * pooledW + 2 * tx;
                int q = w.base + m * width + (u - u0) * L;
                for (int j = 0; j < 6; j++) outputColumn(prod, q + j * pp, 6 * pp, s, A + j * L, 6 * L);
                FloatVector b = FloatVector.broadcast(S, bias == null ? 0f : bias[biasOff + m]);
                for (int i = 0; i < rows; i++) {
                    int at = A + 12 * i * L;
                    // tile row 2i
                    FloatVector p0 = FloatVector.fromArray(S, s, at), p1 = FloatVector.fromArray(S, s, at + L), p2 = FloatVector.fromArray(S, s, at + 2 * L);
                    FloatVector p3 = FloatVector.fromArray(S, s, at + 3 * L), p4 = FloatVector.fromArray(S, s, at + 4 * L), p5 = FloatVector.fromArray(S, s, at + 5 * L);
                    FloatVector s12 = p1.add(p2), s34 = p3.add(p4), m12 = p1.sub(p2), m34 = p3.sub(p4);
                    FloatVector left = p0.add(s12).add(s34), cand = m34.fma(TWO, m12);
                    left = left.blend(cand, cand.compare(VectorOperators.GT, left).or(cand.test(VectorOperators.IS_NAN)));
                    FloatVector right = s34.fma(FOUR, s12);
                    cand = m34.fma(EIGHT, m12).add(p5);
                    right = right.blend(cand, cand.compare(VectorOperators.GT, right).or(cand.test(VectorOperators.IS_NAN)));
                    // tile row 2i + 1
                    at += 6 * L;
                    p0 = FloatVector.fromArray(S, s, at);
                    p1 = FloatVector.fromArray(S, s, at + L);
                    p2 = FloatVector.fromArray(S, s, at + 2 * L);
                    p3 = FloatVector.fromArray(S, s, at + 3 * L);
                    p4 = FloatVector.fromArray(S, s, at + 4 * L);
                    p5 = FloatVector.fromArray(S, s, at + 5 * L);
                    s12 = p1.add(p2);
                    s34 = p3.add(p4);
                    m12 = p1.sub(p2);
                    m34 = p3.sub(p4);
                    cand = p0.add(s12).add(s34);
                    left = left.blend(cand, cand.compare(VectorOperators.GT, left).or(cand.test(VectorOperators.IS_NAN)));
                    cand = m34.fma(TWO, m12);
                    left = left.blend(cand, cand.compare(VectorOperators.GT, left).or(cand.test(VectorOperators.IS_NAN))).add(b);
                    cand = s34.fma(FOUR, s12);
                    right = right.blend(cand, cand.compare(VectorOperators.GT, right).or(cand.test(VectorOperators.IS_NAN)));
                    cand = m34.fma(EIGHT, m12).add(p5);
                    right = right.blend(cand, cand.compare(VectorOperators.GT, right).or(cand.test(VectorOperators.IS_NAN))).add(b);
                    if (relu) {
                        left = left.blend(0f, left.compare(VectorOperators.LE, 0f));
                        right = right.blend(0f, right.compare(VectorOperators.LE, 0f));
                    }
                    left.intoArray(out, 0);
                    right.intoArray(out, L);
                    int o = first + m * plane + i * pooledW;
                    if (cols == 2) {
                        for (int e = 0; e < images; e++) {
                            y[o + e * yStride] = out[e];
                            y[o + e * yStride + 1] = out[L + e];
                        }
                    } else {
                        for (int e = 0; e < images; e++) y[o + e * yStride] = out[e];
                    }
                }
            }
        }
    }

    /**
     * {@link Winograd4x4#outputTransformPooled} with the positions (a training forward, whose pooling's backward needs
     * them): per pair of tile rows, their eight vectors with bias and ReLU, then for each window the pooling's rule
     * lane-wise as {@link PanamaElementwise}'s pooling applies it (the first candidate equal to the maximum, its own
     * value; the choice coded 0..3 and turned into the position). A window with a NaN in some lane is done by the
     * scalar rule from the vectors parked in a scratch. The two windows' values (and positions) are interleaved
     * (int two-vector selections, one vpermi2d each), so that each image's pair lies side by side as in its output
     * row, and stored with one 64-bit store per image instead of two scalar ones: 100 images of (16,28,28)→16, one
     * thread, alternated: 0.72-0.73 -> 0.55-0.64 ms. The windows' choices and the ReLU are compares and blends, not
     * FloatVector.max (six instructions each for Java's rules on NaN and signed zeros, which neither needs here: NaNs
     * go to the scalar rule, and a choice among equal candidates keeps the first): that layer with its pooling, 6
     * alternated runs, medians 1.73-1.93 -> 1.63-1.82 ms.
     */
    static void outputPooledIndexed(Winograd4x4 w, float[] prod, int u0, int units, int width, float[] bias, int biasOff,
                                    float[] y, int yOff, int yStride, int[] argmax, int count, boolean relu) {
        final int outChannels = w.outChannels, tiles = w.tiles, tilesW = w.tilesW, outW = w.g.outW();
        final int pooledH = w.g.outH() / 2, pooledW = outW / 2, plane = pooledH * pooledW;
        final int pp = Winograd.pointStride(outChannels, width);
        float[] s = SCRATCH.get();
        int[] at = AT.get(), pairs = PAIRS_SCRATCH.get();
        for (int m = 0; m < outChannels; m++) {
            for (int u = u0; u < u0 + units; u++) {
                int group = u / tiles, local = u - group * tiles, ty = local / tilesW, tx = local - ty * tilesW;
                int images = Math.min(L, count - group * L), rows = Math.min(2, pooledH - 2 * ty), cols = Math.min(2, pooledW - 2 * tx);
                if (rows <= 0 || cols <= 0) continue;  // a tile over the dropped last row or column of an odd size
                int first = yOff + group * L * yStride + 2 * ty * pooledW + 2 * tx;
                int q = w.base + m * width + (u - u0) * L;
                for (int j = 0; j < 6; j++) outputColumn(prod, q + j * pp, 6 * pp, s, A + j * L, 6 * L);
                FloatVector b = FloatVector.broadcast(S, bias == null ? 0f : bias[biasOff + m]);
                for (int i = 0; i < rows; i++) {
                    int r = A + 12 * i * L;
                    // tile row 2i: a0 .. a3
                    FloatVector p0 = FloatVector.fromArray(S, s, r), p1 = FloatVector.fromArray(S, s, r + L), p2 = FloatVector.fromArray(S, s, r + 2 * L);
                    FloatVector p3 = FloatVector.fromArray(S, s, r + 3 * L), p4 = FloatVector.fromArray(S, s, r + 4 * L), p5 = FloatVector.fromArray(S, s, r + 5 * L);
                    FloatVector s12 = p1.add(p2), s34 = p3.add(p4), m12 = p1.sub(p2), m34 = p3.sub(p4);
                    FloatVector a0 = p0.add(s12).add(s34).add(b), a1 = m34.fma(TWO, m12).add(b);
                    FloatVector a2 = s34.fma(FOUR, s12).add(b), a3 = m34.fma(EIGHT, m12).add(p5).add(b);
                    // tile row 2i + 1: c0 .. c3
                    r += 6 * L;
                    p0 = FloatVector.fromArray(S, s, r);
                    p1 = FloatVector.fromArray(S, s, r + L);
                    p2 = FloatVector.fromArray(S, s, r + 2 * L);
                    p3 = FloatVector.fromArray(S, s, r + 3 * L);
                    p4 = FloatVector.fromArray(S, s, r + 4 * L);
                    p5 = FloatVector.fromArray(S, s, r + 5 * L);
                    s12 = p1.add(p2);
                    s34 = p3.add(p4);
                    m12 = p1.sub(p2);
                    m34 = p3.sub(p4);
                    FloatVector c0 = p0.add(s12).add(s34).add(b), c1 = m34.fma(TWO, m12).add(b);
                    FloatVector c2 = s34.fma(FOUR, s12).add(b), c3 = m34.fma(EIGHT, m12).add(p5).add(b);
                    if (relu) {
                        // +0 where v <= 0: Math.max(v, 0)'s rule (-0 included, NaN kept) as a compare and a blend
                        a0 = a0.blend(0f, a0.compare(VectorOperators.LE, 0f));
                        a1 = a1.blend(0f, a1.compare(VectorOperators.LE, 0f));
                        a2 = a2.blend(0f, a2.compare(VectorOperators.LE, 0f));
                        a3 = a3.blend(0f, a3.compare(VectorOperators.LE, 0f));
                        c0 = c0.blend(0f, c0.compare(VectorOperators.LE, 0f));
                        c1 = c1.blend(0f, c1.compare(VectorOperators.LE, 0f));
                        c2 = c2.blend(0f, c2.compare(VectorOperators.LE, 0f));
                        c3 = c3.blend(0f, c3.compare(VectorOperators.LE, 0f));
                    }
                    // the left window (a0, a1, c0, c1) and the right one (a2, a3, c2, c3), candidates in scan order: a
                    // candidate replaces the one chosen so far only when greater, so the first of equal maxima stays
                    // (the pooling's rule, -0 equal to +0 as there); a NaN anywhere goes to the scalar rule below
                    int corner = (4 * ty + 2 * i) * outW + 4 * tx;
                    VectorMask<Float> gt = a1.compare(VectorOperators.GT, a0);
                    FloatVector left = a0.blend(a1, gt);
                    IntVector leftAt = IntVector.broadcast(I, corner).blend(corner + 1, gt.cast(I));
                    gt = c0.compare(VectorOperators.GT, left);
                    left = left.blend(c0, gt);
                    leftAt = leftAt.blend(corner + outW, gt.cast(I));
                    gt = c1.compare(VectorOperators.GT, left);
                    left = left.blend(c1, gt);
                    leftAt = leftAt.blend(corner + outW + 1, gt.cast(I));
                    gt = a3.compare(VectorOperators.GT, a2);
                    FloatVector right = a2.blend(a3, gt);
                    IntVector rightAt = IntVector.broadcast(I, corner + 2).blend(corner + 3, gt.cast(I));
                    gt = c2.compare(VectorOperators.GT, right);
                    right = right.blend(c2, gt);
                    rightAt = rightAt.blend(corner + outW + 2, gt.cast(I));
                    gt = c3.compare(VectorOperators.GT, right);
                    right = right.blend(c3, gt);
                    rightAt = rightAt.blend(corner + outW + 3, gt.cast(I));
                    // the sum of the eight is NaN where one of them is (or where +inf meets -inf: the scalar rule then
                    // chooses, the same)
                    FloatVector all = a0.add(a1).add(c0.add(c1)).add(a2.add(a3).add(c2.add(c3)));
                    // image e's two pooled values (and positions) side by side at 2e, as they lie in its output row
                    IntVector li = left.reinterpretAsInts(), ri = right.reinterpretAsInts();
                    ZIP_LO.selectFrom(li, ri).intoArray(pairs, 0);
                    ZIP_HI.selectFrom(li, ri).intoArray(pairs, L);
                    ZIP_LO.selectFrom(leftAt, rightAt).intoArray(at, 0);
                    ZIP_HI.selectFrom(leftAt, rightAt).intoArray(at, L);
                    if (all.test(VectorOperators.IS_NAN).anyTrue()) {
                        // rare: the rows parked, every lane's windows by the scalar rule
                        float[] rowsOut = NAN_ROWS.get();
                        a0.intoArray(rowsOut, 0);
                        a1.intoArray(rowsOut, L);
                        a2.intoArray(rowsOut, 2 * L);
                        a3.intoArray(rowsOut, 3 * L);
                        c0.intoArray(rowsOut, 4 * L);
                        c1.intoArray(rowsOut, 5 * L);
                        c2.intoArray(rowsOut, 6 * L);
                        c3.intoArray(rowsOut, 7 * L);
                        for (int e = 0; e < L; e++) {
                            for (int half = 0; half < 2; half++) {
                                int k = 0, lane = half * 2 * L + e;
                                for (int c = 1; c < 4; c++) {
                                    float v = rowsOut[lane + (c / 2 * 4 + c % 2) * L], chosen = rowsOut[lane + (k / 2 * 4 + k % 2) * L];
                                    if (v > chosen || v != v) k = c;
                                }
                                pairs[2 * e + half] = Float.floatToRawIntBits(rowsOut[lane + (k / 2 * 4 + k % 2) * L]);
                                at[2 * e + half] = corner + 2 * half + k / 2 * outW + k % 2;
                            }
                        }
                    }
                    int o = first + m * plane + i * pooledW;
                    if (cols == 2) {
                        for (int e = 0; e < images; e++) {
                            IntVector.fromArray(PAIR, pairs, 2 * e).reinterpretAsFloats().intoArray(y, o + e * yStride);
                            IntVector.fromArray(PAIR, at, 2 * e).intoArray(argmax, o + e * yStride);
                        }
                    } else {
                        for (int e = 0; e < images; e++) {
                            y[o + e * yStride] = Float.intBitsToFloat(pairs[2 * e]);
                            argmax[o + e * yStride] = at[2 * e];
                        }
                    }
                }
            }
        }
    }

    /**
     * {@link Winograd4x4#outputTransformInterleaved}: as {@link #output} and {@link #outputPooled}, but the vectors of
     * a tile row (lane e = image e) are stored as they are, each one position of the next layer's interleaved copy —
     * no shuffles, and the next layer copies nothing in.
     */
    static void outputInterleaved(Winograd4x4 w, float[] prod, int u0, int units, int width, float[] bias, int biasOff,
                                  boolean relu, boolean pool, InterleavedWinograd next, float[] dst, int dstAt) {
        // two methods: one holding both row passes grows past what C2 inlines into one method, and its vector helpers
        // then box their vectors (the pooled pass ran several times slower)
        if (pool) interleavedPooled(w, prod, u0, units, width, bias, biasOff, relu, next, dst, dstAt);
        else interleavedRows(w, prod, u0, units, width, bias, biasOff, relu, next, dst, dstAt);
    }

    /** {@link #outputInterleaved} without pooling: a tile row's four vectors stored as four positions. */
    private static void interleavedRows(Winograd4x4 w, float[] prod, int u0, int units, int width, float[] bias, int biasOff,
                                        boolean relu, InterleavedWinograd next, float[] dst, int dstAt) {
        final int outChannels = w.outChannels, tiles = w.tiles, tilesW = w.tilesW, side = 4;
        final int outH = w.g.outH(), outW = w.g.outW();
        final int pp = Winograd.pointStride(outChannels, width), rowStep = next.rowStep, channelStep = next.channelStep;
        float[] s = SCRATCH.get();
        for (int u = u0; u < u0 + units; u++) {
            int group = u / tiles, local = u - group * tiles, ty = local / tilesW, tx = local - ty * tilesW;
            int rows = Math.min(side, outH - side * ty), cols = Math.min(side, outW - side * tx);
            int corner = dstAt + group * next.groupSize() + next.positions[side * ty * outW + side * tx];
            for (int m = 0; m < outChannels; m++) {
                int q = w.base + m * width + (u - u0) * L;
                for (int j = 0; j < 6; j++) outputColumn(prod, q + j * pp, 6 * pp, s, A + j * L, 6 * L);
                FloatVector b = FloatVector.broadcast(S, bias == null ? 0f : bias[biasOff + m]);
                int channel = corner + m * channelStep;
                for (int i = 0; i < rows; i++) {
                    int at = A + 6 * i * L, o = channel + i * rowStep;
                    FloatVector p0 = FloatVector.fromArray(S, s, at), p1 = FloatVector.fromArray(S, s, at + L), p2 = FloatVector.fromArray(S, s, at + 2 * L);
                    FloatVector p3 = FloatVector.fromArray(S, s, at + 3 * L), p4 = FloatVector.fromArray(S, s, at + 4 * L), p5 = FloatVector.fromArray(S, s, at + 5 * L);
                    FloatVector s12 = p1.add(p2), s34 = p3.add(p4), m12 = p1.sub(p2), m34 = p3.sub(p4);
                    FloatVector y0 = p0.add(s12).add(s34).add(b), y1 = m34.fma(TWO, m12).add(b);
                    FloatVector y2 = s34.fma(FOUR, s12).add(b), y3 = m34.fma(EIGHT, m12).add(p5).add(b);
                    if (relu) {
                        y0 = y0.blend(0f, y0.compare(VectorOperators.LE, 0f));
                        y1 = y1.blend(0f, y1.compare(VectorOperators.LE, 0f));
                        y2 = y2.blend(0f, y2.compare(VectorOperators.LE, 0f));
                        y3 = y3.blend(0f, y3.compare(VectorOperators.LE, 0f));
                    }
                    y0.intoArray(dst, o);
                    if (cols > 1) y1.intoArray(dst, o + L);
                    if (cols > 2) y2.intoArray(dst, o + 2 * L);
                    if (cols > 3) y3.intoArray(dst, o + 3 * L);
                }
            }
        }
    }

    /**
     * {@link #outputInterleaved} with pooling: per pair of tile rows, two pooled positions. A window's maximum is taken
     * candidate by candidate in scan order, each replacing the one so far where greater or NaN (the pooling's rule),
     * and the ReLU is +0 where v <= 0: compares and blends instead of FloatVector.max's six instructions (DeepConvNet
     * inference at one thread with this and {@link #outputPooled} so, 5 alternated runs: medians 4.66-4.86 -> 4.46-4.77
     * ms).
     */
    private static void interleavedPooled(Winograd4x4 w, float[] prod, int u0, int units, int width, float[] bias,
                                          int biasOff, boolean relu, InterleavedWinograd next, float[] dst, int dstAt) {
        final int outChannels = w.outChannels, tiles = w.tiles, tilesW = w.tilesW, side = 2;
        final int outH = w.g.outH() / 2, outW = w.g.outW() / 2;
        final int pp = Winograd.pointStride(outChannels, width), rowStep = next.rowStep, channelStep = next.channelStep;
        float[] s = SCRATCH.get();
        for (int u = u0; u < u0 + units; u++) {
            int group = u / tiles, local = u - group * tiles, ty = local / tilesW, tx = local - ty * tilesW;
            int rows = Math.min(side, outH - side * ty), cols = Math.min(side, outW - side * tx);
            if (rows <= 0 || cols <= 0) continue;  // a tile over the dropped last row or column of an odd size
            int corner = dstAt + group * next.groupSize() + next.positions[side * ty * outW + side * tx];
            for (int m = 0; m < outChannels; m++) {
                int q = w.base + m * width + (u - u0) * L;
                for (int j = 0; j < 6; j++) outputColumn(prod, q + j * pp, 6 * pp, s, A + j * L, 6 * L);
                FloatVector b = FloatVector.broadcast(S, bias == null ? 0f : bias[biasOff + m]);
                int channel = corner + m * channelStep;
                for (int i = 0; i < rows; i++) {
                    int at = A + 12 * i * L, o = channel + i * rowStep;
                    FloatVector p0 = FloatVector.fromArray(S, s, at), p1 = FloatVector.fromArray(S, s, at + L), p2 = FloatVector.fromArray(S, s, at + 2 * L);
                    FloatVector p3 = FloatVector.fromArray(S, s, at + 3 * L), p4 = FloatVector.fromArray(S, s, at + 4 * L), p5 = FloatVector.fromArray(S, s, at + 5 * L);
                    FloatVector s12 = p1.add(p2), s34 = p3.add(p4), m12 = p1.sub(p2), m34 = p3.sub(p4);
                    FloatVector left = p0.add(s12).add(s34), cand = m34.fma(TWO, m12);
                    left = left.blend(cand, cand.compare(VectorOperators.GT, left).or(cand.test(VectorOperators.IS_NAN)));
                    FloatVector right = s34.fma(FOUR, s12);
                    cand = m34.fma(EIGHT, m12).add(p5);
                    right = right.blend(cand, cand.compare(VectorOperators.GT, right).or(cand.test(VectorOperators.IS_NAN)));
                    at += 6 * L;
                    p0 = FloatVector.fromArray(S, s, at);
                    p1 = FloatVector.fromArray(S, s, at + L);
                    p2 = FloatVector.fromArray(S, s, at + 2 * L);
                    p3 = FloatVector.fromArray(S, s, at + 3 * L);
                    p4 = FloatVector.fromArray(S, s, at + 4 * L);
                    p5 = FloatVector.fromArray(S, s, at + 5 * L);
                    s12 = p1.add(p2);
                    s34 = p3.add(p4);
                    m12 = p1.sub(p2);
                    m34 = p3.sub(p4);
                    cand = p0.add(s12).add(s34);
                    left = left.blend(cand, cand.compare(VectorOperators.GT, left).or(cand.test(VectorOperators.IS_NAN)));
                    cand = m34.fma(TWO, m12);
                    left = left.blend(cand, cand.compare(VectorOperators.GT, left).or(cand.test(VectorOperators.IS_NAN))).add(b);
                    cand = s34.fma(FOUR, s12);
                    right = right.blend(cand, cand.compare(VectorOperators.GT, right).or(cand.test(VectorOperators.IS_NAN)));
                    cand = m34.fma(EIGHT, m12).add(p5);
                    right = right.blend(cand, cand.compare(VectorOperators.GT, right).or(cand.test(VectorOperators.IS_NAN))).add(b);
                    if (relu) {
                        left = left.blend(0f, left.compare(VectorOperators.LE, 0f));
                        right = right.blend(0f, right.compare(VectorOperators.LE, 0f));
                    }
                    left.intoArray(dst, o);
                    if (cols > 1) right.intoArray(dst, o + L);
                }
            }
        }
    }

    /**
     * {@link Winograd4x4#packWeights} four output channels at a time, one per lane: the lanes of a vector are the four
     * rows of one A panel, so each point's four values are one 128-bit store into their packed places. The taps of
     * the four channels are gathered (9·C floats apart) and widened to double, and the transforms are the scalar
     * reference's operations in double, in its order (no fused multiply-adds), so the floats are the same bit for
     * bit; a partial last panel goes through the reference. The weights change every training step, so each
     * forward and input gradient packs them: one at a time, (G·k)·Gᵀ pair by pair took 1.7% of a DeepConvNet step at
     * one thread (0.09 ms for 64 → 64 channels), serially at any thread count.
     */
    static void packWeights(Winograd4x4 w, float[] k, int kOff, float[] dst) {
        if (w.mr != PANEL_ROWS) {
            w.packWeights(k, kOff, dst);
            return;
        }
        final int channels = w.channels, stride = w.weightStride(), whole = w.outChannels / PANEL_ROWS * PANEL_ROWS;
        java.util.Arrays.fill(dst, 0, w.packedWeightSize(), 0f);
        int[] rows = new int[PANEL_ROWS];
        for (int r = 0; r < PANEL_ROWS; r++) rows[r] = 9 * channels * r;
        // G·k of one input channel, row i and column j at (3·i + j)·4: between the column and the row transforms
        double[] gk = new double[18 * PANEL_ROWS];
        for (int m0 = 0; m0 < whole; m0 += PANEL_ROWS) {
            for (int c = 0; c < channels; c++) {
                int o = kOff + (m0 * channels + c) * 9;
                for (int j = 0; j < 3; j++) {
                    DoubleVector g0 = (DoubleVector) FloatVector.fromArray(TAPS, k, o + j, rows, 0).convertShape(VectorOperators.F2D, D, 0);
                    DoubleVector g1 = (DoubleVector) FloatVector.fromArray(TAPS, k, o + 3 + j, rows, 0).convertShape(VectorOperators.F2D, D, 0);
                    DoubleVector g2 = (DoubleVector) FloatVector.fromArray(TAPS, k, o + 6 + j, rows, 0).convertShape(VectorOperators.F2D, D, 0);
                    DoubleVector sum = g0.add(g2), outer = g0.mul(1 / 24.0).add(g2.mul(1 / 6.0)), middle = g1.mul(1 / 12.0);
                    g0.mul(0.25).intoArray(gk, j * PANEL_ROWS);
                    sum.add(g1).mul(-1 / 6.0).intoArray(gk, (3 + j) * PANEL_ROWS);
                    sum.sub(g1).mul(-1 / 6.0).intoArray(gk, (6 + j) * PANEL_ROWS);
                    outer.add(middle).intoArray(gk, (9 + j) * PANEL_ROWS);
                    outer.sub(middle).intoArray(gk, (12 + j) * PANEL_ROWS);
                    g2.intoArray(gk, (15 + j) * PANEL_ROWS);
                }
                int at = w.packedIndex(m0, c);
                for (int i = 0; i < 6; i++) {
                    DoubleVector g0 = DoubleVector.fromArray(D, gk, 3 * i * PANEL_ROWS);
                    DoubleVector g1 = DoubleVector.fromArray(D, gk, (3 * i + 1) * PANEL_ROWS);
                    DoubleVector g2 = DoubleVector.fromArray(D, gk, (3 * i + 2) * PANEL_ROWS);
                    DoubleVector sum = g0.add(g2), outer = g0.mul(1 / 24.0).add(g2.mul(1 / 6.0)), middle = g1.mul(1 / 12.0);
                    int to = at + 6 * i * stride;
                    ((FloatVector) g0.mul(0.25).convertShape(VectorOperators.D2F, TAPS, 0)).intoArray(dst, to);
                    ((FloatVector) sum.add(g1).mul(-1 / 6.0).convertShape(VectorOperators.D2F, TAPS, 0)).intoArray(dst, to + stride);
                    ((FloatVector) sum.sub(g1).mul(-1 / 6.0).convertShape(VectorOperators.D2F, TAPS, 0)).intoArray(dst, to + 2 * stride);
                    ((FloatVector) outer.add(middle).convertShape(VectorOperators.D2F, TAPS, 0)).intoArray(dst, to + 3 * stride);
                    ((FloatVector) outer.sub(middle).convertShape(VectorOperators.D2F, TAPS, 0)).intoArray(dst, to + 4 * stride);
                    ((FloatVector) g2.convertShape(VectorOperators.D2F, TAPS, 0)).intoArray(dst, to + 5 * stride);
                }
            }
        }
        w.packPairs(k, kOff, dst, whole, w.outChannels);
    }

    /** The rows of a GEMM A panel that {@link #packWeights} fills at once, and their float and double vectors. */
    private static final int PANEL_ROWS = 4;
    private static final VectorSpecies<Float> TAPS = FloatVector.SPECIES_128;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_256;

    /**
     * Whether {@link #input}'s first pass takes two patch columns per 512-bit vector: neighbouring columns of the
     * interleaved copy are adjacent (8 floats each), and so are their results in the scratch, so one load and one
     * store serve both. Only where the hardware has 512-bit vectors. (100,16,28,28)->16 forward at one thread,
     * alternated in one build, minima: 1.80-1.86 -> 1.68-1.78 ms; 32->32 on 14x14 1.32-1.45 -> 1.26-1.31. (The output
     * transform's two units per vector, with its shuffles, was slower: 1.82-1.96 -> 2.12-2.19 ms.)
     */
    static final boolean PAIRS = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512;
    private static final VectorSpecies<Float> W = FloatVector.SPECIES_512;
    private static final FloatVector W_FOUR = FloatVector.broadcast(W, 4f), W_MINUS_FOUR = FloatVector.broadcast(W, -4f);
    private static final FloatVector W_MINUS_FIVE = FloatVector.broadcast(W, -5f), W_TWO = FloatVector.broadcast(W, 2f);
    private static final FloatVector W_MINUS_TWO = FloatVector.broadcast(W, -2f);

    /** {@link #inputColumn} for columns j and j + 1 at once (the vectors at src[at + i·stride] hold both). */
    private static void inputColumnPair(float[] src, int at, int stride, float[] out, int o, int step) {
        FloatVector d0 = FloatVector.fromArray(W, src, at), d1 = FloatVector.fromArray(W, src, at + stride);
        FloatVector d2 = FloatVector.fromArray(W, src, at + 2 * stride), d3 = FloatVector.fromArray(W, src, at + 3 * stride);
        FloatVector d4 = FloatVector.fromArray(W, src, at + 4 * stride), d5 = FloatVector.fromArray(W, src, at + 5 * stride);
        FloatVector s12 = d1.add(d2), s34 = d3.add(d4), m12 = d1.sub(d2), m43 = d4.sub(d3), m31 = d3.sub(d1), m42 = d4.sub(d2);
        d0.fma(W_FOUR, d2.fma(W_MINUS_FIVE, d4)).intoArray(out, o);
        s12.fma(W_MINUS_FOUR, s34).intoArray(out, o + step);
        m12.fma(W_FOUR, m43).intoArray(out, o + 2 * step);
        m31.fma(W_TWO, m42).intoArray(out, o + 3 * step);
        m31.fma(W_MINUS_TWO, m42).intoArray(out, o + 4 * step);
        d1.fma(W_FOUR, d3.fma(W_MINUS_FIVE, d5)).intoArray(out, o + 5 * step);
    }

    /** {@link Winograd4x4#outputColumn} on vectors: out[o + k·step] = row k of Aᵀ·(p0 .. p5), p_i at src[at + i·stride]. */
    private static void outputColumn(float[] src, int at, int stride, float[] out, int o, int step) {
        FloatVector p0 = load(src, at), p1 = load(src, at + stride), p2 = load(src, at + 2 * stride);
        FloatVector p3 = load(src, at + 3 * stride), p4 = load(src, at + 4 * stride), p5 = load(src, at + 5 * stride);
        FloatVector s12 = p1.add(p2), s34 = p3.add(p4), m12 = p1.sub(p2), m34 = p3.sub(p4);
        p0.add(s12).add(s34).intoArray(out, o);
        m34.fma(TWO, m12).intoArray(out, o + step);
        s34.fma(FOUR, s12).intoArray(out, o + 2 * step);
        m34.fma(EIGHT, m12).add(p5).intoArray(out, o + 3 * step);
    }

    /** The transforms' factors, as vectors (FloatVector.fma takes no scalar factor with a vector addend). */
    private static final FloatVector FOUR = FloatVector.broadcast(S, 4f), MINUS_FOUR = FloatVector.broadcast(S, -4f);
    private static final FloatVector MINUS_FIVE = FloatVector.broadcast(S, -5f), TWO = FloatVector.broadcast(S, 2f);
    private static final FloatVector MINUS_TWO = FloatVector.broadcast(S, -2f), EIGHT = FloatVector.broadcast(S, 8f);

    /**
     * Per thread: 36 vectors between the two passes of a transform (48: two tiles' 24 in {@link #outputPair}), from
     * {@link #A} on.
     */
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[A + 48 * L]);
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    /** Per thread: the positions of two windows of eight images ({@link #outputPooledIndexed}). */
    private static final ThreadLocal<int[]> AT = ThreadLocal.withInitial(() -> new int[2 * L]);
    /** Per thread: two windows' pooled values of eight images, each image's pair side by side (as int bits). */
    private static final ThreadLocal<int[]> PAIRS_SCRATCH = ThreadLocal.withInitial(() -> new int[2 * L]);
    /** One image's pair of pooled outputs. */
    private static final VectorSpecies<Integer> PAIR = IntVector.SPECIES_64;
    /**
     * Lane indices into a pair of vectors (the second's lanes numbered from 8) for {@code selectFrom}: the low halves
     * interleaved lane by lane (a0, b0, a1, b1, ...), the high halves, and the same by pairs of lanes (a0, a1, b0, b1,
     * ...). As ints: on IntVectors a two-source selectFrom is one permutation (vpermi2d), where two rearranges and a
     * blend were three; on FloatVectors its float indices would be converted on every call.
     */
    private static final IntVector ZIP_LO = IntVector.fromArray(I, new int[] {0, 8, 1, 9, 2, 10, 3, 11}, 0);
    private static final IntVector ZIP_HI = IntVector.fromArray(I, new int[] {4, 12, 5, 13, 6, 14, 7, 15}, 0);
    private static final IntVector ZIP_PAIRS_LO = IntVector.fromArray(I, new int[] {0, 1, 8, 9, 2, 3, 10, 11}, 0);
    private static final IntVector ZIP_PAIRS_HI = IntVector.fromArray(I, new int[] {4, 5, 12, 13, 6, 7, 14, 15}, 0);
    /** The low halves of two vectors side by side, and the high halves. */
    private static final IntVector HALVES_LO = IntVector.fromArray(I, new int[] {0, 1, 2, 3, 8, 9, 10, 11}, 0);
    private static final IntVector HALVES_HI = IntVector.fromArray(I, new int[] {4, 5, 6, 7, 12, 13, 14, 15}, 0);
    /**
     * Whether {@link #output} interleaves with those two-source permutations: where the hardware has them (AVX-512's
     * vpermi2d on 256-bit vectors). Without (AVX2, here -XX:UseAVX=2) the JIT lowers each to two permutes and a blend
     * and the output transform ran slower than with the rearranges (medians 51.9/59.5 → 60.9/60.2 ns per unit-channel).
     */
    private static final boolean TWO_SOURCE_PERMUTES = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512;
    /** Per thread: two tile rows of eight images, parked for the scalar rule when a window holds a NaN. */
    private static final ThreadLocal<float[]> NAN_ROWS = ThreadLocal.withInitial(() -> new float[8 * L]);
    /** Per thread: one tile row's outputs of eight images, four per image. */
    private static final ThreadLocal<float[]> OUT = ThreadLocal.withInitial(() -> new float[4 * L]);

    private static FloatVector load(float[] a, int i) {
        return FloatVector.fromArray(S, a, i);
    }
}
