package jcnn.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Planes to channels-last with the Vector API: the layout change the weight gradients need (Winograd's copies of x
 * and dy, the shifted form's output-gradient panels), where channel c of position p goes to an address that is a
 * sum of a per-position and a per-channel offset. Copied float by float, every write of a position's channels lands
 * on a different cache line; here blocks of 8 channels × 8 consecutive positions are transposed in registers and
 * each position's 8 channels stored with one vector store; with AVX-512, blocks of 16 × 16 and one 512-bit store
 * per position.
 */
final class PanamaTranspose {
    /**
     * 256-bit vectors, whatever the GEMM's width: the transposes work on blocks of 8 × 8 (with AVX-512 the GEMM's
     * vectors have 16 lanes, and the Winograd kernels that interleave eight images still use these).
     */
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int L = S.length();
    /** The side of the transposed blocks: 8 floats. */
    static final int WIDTH = L;

    private PanamaTranspose() {}

    /**
     * Channel c of position p of src's planes (channels × positions.length, contiguous, from srcOff) to
     * dst[positions[p] + (c / panel)·panelStride + c % panel]. {@code panel} must be a multiple of L or at least the
     * channel count; {@code steps} holds 0, plane, 2·plane, ... (L of them). Blocks of L channels × L positions are
     * transposed in registers (8 lanes), or, on 512-bit vectors, blocks of 16 × 16 ({@link #blockWide}) while 16
     * channels are left; the positions past the last block are gathered (L loads, one store) and the channels past
     * the last multiple of L copied one by one.
     */
    static void toPositions(float[] src, int srcOff, int channels, int[] positions, int[] steps, float[] dst, int panel,
                            int panelStride) {
        int plane = positions.length, c = 0;
        if (SIXTEEN_LANES && (panel % WIDE == 0 || panel >= channels)) {
            // 16 channels at a time (a block never crosses a panel): whole 16 × 16 blocks, then the last positions
            // as two gathers of 8 channels each
            int wideBlocked = plane / WIDE * WIDE;
            for (; c + WIDE <= channels; c += WIDE) {
                int from = srcOff + c * plane, base = c / panel * panelStride + c % panel, p = 0;
                for (; p < wideBlocked; p += WIDE) blockWide(src, from + p, plane, dst, positions, p, base);
                for (; p < plane; p++) {
                    FloatVector.fromArray(S, src, from + p, steps, 0).intoArray(dst, positions[p] + base);
                    FloatVector.fromArray(S, src, from + L * plane + p, steps, 0).intoArray(dst, positions[p] + base + L);
                }
            }
        }
        int blocked = EIGHT_LANES ? plane / L * L : 0;
        for (; c + L <= channels; c += L) {
            int from = srcOff + c * plane, base = c / panel * panelStride + c % panel, p = 0;
            for (; p < blocked; p += L) block(src, from + p, plane, dst, positions, p, base);
            for (; p < plane; p++) FloatVector.fromArray(S, src, from + p, steps, 0).intoArray(dst, positions[p] + base);
        }
        for (; c < channels; c++) {
            int from = srcOff + c * plane, base = c / panel * panelStride + c % panel;
            for (int p = 0; p < plane; p++) dst[positions[p] + base] = src[from + p];
        }
    }

    /**
     * Whether the register transposes below run on the hardware's vectors: 256-bit ones (AVX2, or AVX-512), not a
     * JVM limited to narrower ones (e.g. -XX:MaxVectorSize=16), where the Vector API would emulate them.
     */
    static final boolean EIGHT_LANES = FloatVector.SPECIES_PREFERRED.length() >= L;

    /**
     * Whether {@link #blockWide} runs on the hardware's vectors: 512-bit ones (AVX-512). Measured on 16 channels of
     * 28×28, 100 images (the copy of x for the 16-channel layer's weight gradient, alone, minima of six runs): 8×8
     * blocks 145–170 µs, 16×16 blocks 101–118 µs.
     */
    static final boolean SIXTEEN_LANES = FloatVector.SPECIES_PREFERRED.length() >= 16;
    private static final VectorSpecies<Float> S16 = FloatVector.SPECIES_512;
    /** The side of the wide blocks: 16 floats. */
    static final int WIDE = S16.length();

    /**
     * The two-source permutations of {@link #blockWide}'s round k (k = 3, 2, 1, 0): of two rows whose indices differ in
     * bit k, LOW gathers the lanes whose index has bit k clear (lane l takes lane l with bit k cleared, from the first
     * row where l has bit k clear, else from the second), HIGH those with bit k set. Lane indices into the pair, as
     * ints: {@code selectFrom} on IntVectors is one vpermi2d; on FloatVectors its float indices are converted on every
     * call, and 8×8 blocks that way were slower than the rearrange-and-blend ones.
     */
    private static final IntVector LOW0 = pairIndices(0, false), HIGH0 = pairIndices(0, true);
    private static final IntVector LOW1 = pairIndices(1, false), HIGH1 = pairIndices(1, true);
    private static final IntVector LOW2 = pairIndices(2, false), HIGH2 = pairIndices(2, true);
    private static final IntVector LOW3 = pairIndices(3, false), HIGH3 = pairIndices(3, true);

    private static IntVector pairIndices(int k, boolean high) {
        int[] index = new int[WIDE];
        int bit = 1 << k;
        for (int l = 0; l < WIDE; l++) index[l] = ((l & bit) != 0 ? WIDE : 0) + (high ? l | bit : l & ~bit);
        return IntVector.fromArray(IntVector.SPECIES_512, index, 0);
    }

    /**
     * The 16×16 transpose of rows src[s + k·plane ...] (16 channels, 16 positions each), position p + j's column
     * stored at dst[positions[p + j] + base]. Element (row r, lane l) must end in row l, lane r: round k pairs the rows
     * that differ in bit k and swaps that bit of the row index with the same bit of the lane index (row r of the
     * result takes the lanes of both rows whose lane index has bit k equal to r's). Four rounds of 16 two-source
     * permutations; the floats only move, as ints.
     */
    static void blockWide(float[] src, int s, int plane, float[] dst, int[] positions, int p, int base) {
        IntVector r0 = row(src, s), r1 = row(src, s + plane), r2 = row(src, s + 2 * plane), r3 = row(src, s + 3 * plane);
        IntVector r4 = row(src, s + 4 * plane), r5 = row(src, s + 5 * plane), r6 = row(src, s + 6 * plane);
        IntVector r7 = row(src, s + 7 * plane), r8 = row(src, s + 8 * plane), r9 = row(src, s + 9 * plane);
        IntVector r10 = row(src, s + 10 * plane), r11 = row(src, s + 11 * plane), r12 = row(src, s + 12 * plane);
        IntVector r13 = row(src, s + 13 * plane), r14 = row(src, s + 14 * plane), r15 = row(src, s + 15 * plane);
        // bit 3: rows r and r + 8
        IntVector a0 = LOW3.selectFrom(r0, r8), a8 = HIGH3.selectFrom(r0, r8), a1 = LOW3.selectFrom(r1, r9), a9 = HIGH3.selectFrom(r1, r9);
        IntVector a2 = LOW3.selectFrom(r2, r10), a10 = HIGH3.selectFrom(r2, r10), a3 = LOW3.selectFrom(r3, r11), a11 = HIGH3.selectFrom(r3, r11);
        IntVector a4 = LOW3.selectFrom(r4, r12), a12 = HIGH3.selectFrom(r4, r12), a5 = LOW3.selectFrom(r5, r13), a13 = HIGH3.selectFrom(r5, r13);
        IntVector a6 = LOW3.selectFrom(r6, r14), a14 = HIGH3.selectFrom(r6, r14), a7 = LOW3.selectFrom(r7, r15), a15 = HIGH3.selectFrom(r7, r15);
        // bit 2: rows r and r + 4
        IntVector b0 = LOW2.selectFrom(a0, a4), b4 = HIGH2.selectFrom(a0, a4), b1 = LOW2.selectFrom(a1, a5), b5 = HIGH2.selectFrom(a1, a5);
        IntVector b2 = LOW2.selectFrom(a2, a6), b6 = HIGH2.selectFrom(a2, a6), b3 = LOW2.selectFrom(a3, a7), b7 = HIGH2.selectFrom(a3, a7);
        IntVector b8 = LOW2.selectFrom(a8, a12), b12 = HIGH2.selectFrom(a8, a12), b9 = LOW2.selectFrom(a9, a13), b13 = HIGH2.selectFrom(a9, a13);
        IntVector b10 = LOW2.selectFrom(a10, a14), b14 = HIGH2.selectFrom(a10, a14), b11 = LOW2.selectFrom(a11, a15), b15 = HIGH2.selectFrom(a11, a15);
        // bit 1: rows r and r + 2
        IntVector c0 = LOW1.selectFrom(b0, b2), c2 = HIGH1.selectFrom(b0, b2), c1 = LOW1.selectFrom(b1, b3), c3 = HIGH1.selectFrom(b1, b3);
        IntVector c4 = LOW1.selectFrom(b4, b6), c6 = HIGH1.selectFrom(b4, b6), c5 = LOW1.selectFrom(b5, b7), c7 = HIGH1.selectFrom(b5, b7);
        IntVector c8 = LOW1.selectFrom(b8, b10), c10 = HIGH1.selectFrom(b8, b10), c9 = LOW1.selectFrom(b9, b11), c11 = HIGH1.selectFrom(b9, b11);
        IntVector c12 = LOW1.selectFrom(b12, b14), c14 = HIGH1.selectFrom(b12, b14), c13 = LOW1.selectFrom(b13, b15), c15 = HIGH1.selectFrom(b13, b15);
        // bit 0: rows r and r + 1, each result is position p + r's 16 channels
        LOW0.selectFrom(c0, c1).reinterpretAsFloats().intoArray(dst, positions[p] + base);
        HIGH0.selectFrom(c0, c1).reinterpretAsFloats().intoArray(dst, positions[p + 1] + base);
        LOW0.selectFrom(c2, c3).reinterpretAsFloats().intoArray(dst, positions[p + 2] + base);
        HIGH0.selectFrom(c2, c3).reinterpretAsFloats().intoArray(dst, positions[p + 3] + base);
        LOW0.selectFrom(c4, c5).reinterpretAsFloats().intoArray(dst, positions[p + 4] + base);
        HIGH0.selectFrom(c4, c5).reinterpretAsFloats().intoArray(dst, positions[p + 5] + base);
        LOW0.selectFrom(c6, c7).reinterpretAsFloats().intoArray(dst, positions[p + 6] + base);
        HIGH0.selectFrom(c6, c7).reinterpretAsFloats().intoArray(dst, positions[p + 7] + base);
        LOW0.selectFrom(c8, c9).reinterpretAsFloats().intoArray(dst, positions[p + 8] + base);
        HIGH0.selectFrom(c8, c9).reinterpretAsFloats().intoArray(dst, positions[p + 9] + base);
        LOW0.selectFrom(c10, c11).reinterpretAsFloats().intoArray(dst, positions[p + 10] + base);
        HIGH0.selectFrom(c10, c11).reinterpretAsFloats().intoArray(dst, positions[p + 11] + base);
        LOW0.selectFrom(c12, c13).reinterpretAsFloats().intoArray(dst, positions[p + 12] + base);
        HIGH0.selectFrom(c12, c13).reinterpretAsFloats().intoArray(dst, positions[p + 13] + base);
        LOW0.selectFrom(c14, c15).reinterpretAsFloats().intoArray(dst, positions[p + 14] + base);
        HIGH0.selectFrom(c14, c15).reinterpretAsFloats().intoArray(dst, positions[p + 15] + base);
    }

    /** 16 floats at src[s] as the ints {@link #blockWide} permutes (a load; the reinterpretation is free). */
    private static IntVector row(float[] src, int s) {
        return FloatVector.fromArray(S16, src, s).reinterpretAsInts();
    }

    /**
     * Eight images × 16 positions into the image-interleaved layout with 512-bit vectors: rows src[s + e·plane ...]
     * (image e, positions p .. p + 15) to dst[positions[p + j] + base + e], each pair of positions (2i, 2i + 1) one
     * 512-bit store — only where every such pair is adjacent in dst (positions[p + 2i + 1] = positions[p + 2i] + 8;
     * {@link #pairsAdjacent}). Element (image e, position q) must move from row e, lane q to row q / 2, lane
     * 8·(q % 2) + e: three rounds, each pairing the rows that differ in one bit of the image index and trading it
     * for one bit of the position (two-source permutations on ints, one vpermi2d each; the last round also puts the
     * lanes in their final order). 24 permutations per 128 floats, where {@link #block} takes 64 per 64.
     */
    static void blockPairs(float[] src, int s, int plane, float[] dst, int[] positions, int p, int base) {
        IntVector r0 = row(src, s), r1 = row(src, s + plane), r2 = row(src, s + 2 * plane), r3 = row(src, s + 3 * plane);
        IntVector r4 = row(src, s + 4 * plane), r5 = row(src, s + 5 * plane), r6 = row(src, s + 6 * plane), r7 = row(src, s + 7 * plane);
        // image bit 0 for position bit 1: rows r and r + 1
        IntVector a0 = PAIRS_A0.selectFrom(r0, r1), a1 = PAIRS_A1.selectFrom(r0, r1), a2 = PAIRS_A0.selectFrom(r2, r3), a3 = PAIRS_A1.selectFrom(r2, r3);
        IntVector a4 = PAIRS_A0.selectFrom(r4, r5), a5 = PAIRS_A1.selectFrom(r4, r5), a6 = PAIRS_A0.selectFrom(r6, r7), a7 = PAIRS_A1.selectFrom(r6, r7);
        // image bit 1 for position bit 2: rows r and r + 2
        IntVector b0 = PAIRS_B0.selectFrom(a0, a2), b2 = PAIRS_B1.selectFrom(a0, a2), b1 = PAIRS_B0.selectFrom(a1, a3), b3 = PAIRS_B1.selectFrom(a1, a3);
        IntVector b4 = PAIRS_B0.selectFrom(a4, a6), b6 = PAIRS_B1.selectFrom(a4, a6), b5 = PAIRS_B0.selectFrom(a5, a7), b7 = PAIRS_B1.selectFrom(a5, a7);
        // image bit 2 for position bit 3: rows r and r + 4; row i is then positions 2i and 2i + 1
        PAIRS_C0.selectFrom(b0, b4).reinterpretAsFloats().intoArray(dst, positions[p] + base);
        PAIRS_C1.selectFrom(b0, b4).reinterpretAsFloats().intoArray(dst, positions[p + 8] + base);
        PAIRS_C0.selectFrom(b1, b5).reinterpretAsFloats().intoArray(dst, positions[p + 2] + base);
        PAIRS_C1.selectFrom(b1, b5).reinterpretAsFloats().intoArray(dst, positions[p + 10] + base);
        PAIRS_C0.selectFrom(b2, b6).reinterpretAsFloats().intoArray(dst, positions[p + 4] + base);
        PAIRS_C1.selectFrom(b2, b6).reinterpretAsFloats().intoArray(dst, positions[p + 12] + base);
        PAIRS_C0.selectFrom(b3, b7).reinterpretAsFloats().intoArray(dst, positions[p + 6] + base);
        PAIRS_C1.selectFrom(b3, b7).reinterpretAsFloats().intoArray(dst, positions[p + 14] + base);
    }

    /** Whether {@link #blockPairs} may store positions p .. p + 15: each pair (2i, 2i + 1) adjacent in the copy. */
    static boolean pairsAdjacent(int[] positions, int p) {
        for (int i = 0; i < WIDE; i += 2) if (positions[p + i + 1] != positions[p + i] + L) return false;
        return true;
    }

    /**
     * Where element (image e, position q) lies after round t of {@link #blockPairs} (t = 0: the rows as loaded), as
     * row · 16 + lane. Round 1 trades image bit 0 for position bit 1 (row (e2 e1 q1), lane (q3 q2 e0 q0)), round 2
     * image bit 1 for position bit 2 (row (e2 q2 q1), lane (q3 e1 e0 q0)), round 3 image bit 2 for position bit 3
     * and orders the lanes (row (q3 q2 q1), lane (q0 e2 e1 e0)).
     */
    private static int pairsPlace(int round, int e, int q) {
        int e0 = e & 1, e1 = e >> 1 & 1, e2 = e >> 2, q0 = q & 1, q1 = q >> 1 & 1, q2 = q >> 2 & 1, q3 = q >> 3;
        return switch (round) {
            case 0 -> e * WIDE + q;
            case 1 -> (e2 << 2 | e1 << 1 | q1) * WIDE + (q3 << 3 | q2 << 2 | e0 << 1 | q0);
            case 2 -> (e2 << 2 | q2 << 1 | q1) * WIDE + (q3 << 3 | e1 << 2 | e0 << 1 | q0);
            default -> (q3 << 2 | q2 << 1 | q1) * WIDE + (q0 << 3 | e2 << 2 | e1 << 1 | e0);
        };
    }

    /**
     * Round t's permutation for the output row whose traded bit is {@code bit}: for each of its lanes, the lane
     * (0–15 of the pair's first row, 16–31 of its second) that holds the element belonging there, found by following
     * {@link #pairsPlace}. Taken from the rows of image index 0 and 2^(t-1); every other pair of the round moves the
     * same way (checked by the tests against the scalar interleave).
     */
    private static IntVector pairsIndices(int round, int bit) {
        int k = round - 1, first = 0, second = 1 << k, target = bit << k;
        int[] index = new int[WIDE];
        int filled = 0;
        for (int e = 0; e < L; e++)
            for (int q = 0; q < WIDE; q++) {
                int to = pairsPlace(round, e, q), from = pairsPlace(round - 1, e, q);
                if (to / WIDE != target) continue;
                int fromRow = from / WIDE;
                if (fromRow != first && fromRow != second) throw new AssertionError("round " + round + " mixes more than a pair of rows");
                index[to % WIDE] = (fromRow == second ? WIDE : 0) + from % WIDE;
                filled++;
            }
        if (filled != WIDE) throw new AssertionError("round " + round + " fills " + filled + " lanes of a row");
        return IntVector.fromArray(IntVector.SPECIES_512, index, 0);
    }

    private static final IntVector PAIRS_A0 = pairsIndices(1, 0), PAIRS_A1 = pairsIndices(1, 1);
    private static final IntVector PAIRS_B0 = pairsIndices(2, 0), PAIRS_B1 = pairsIndices(2, 1);
    private static final IntVector PAIRS_C0 = pairsIndices(3, 0), PAIRS_C1 = pairsIndices(3, 1);

    /**
     * Four rows of 8 (src[s + r·stride ...], r < 4) interleaved: dst[d + 4·j + r] = row r's element j, 32 floats
     * written as 4 vectors — the first two rounds of {@link #block}. The GEMM's A panels are this layout.
     */
    static void interleave4(float[] src, int s, int stride, float[] dst, int d) {
        FloatVector r0 = FloatVector.fromArray(S, src, s), r1 = FloatVector.fromArray(S, src, s + stride);
        FloatVector r2 = FloatVector.fromArray(S, src, s + 2 * stride), r3 = FloatVector.fromArray(S, src, s + 3 * stride);
        FloatVector t0 = r0.rearrange(DUP_LO).blend(r1.rearrange(DUP_LO), ODD_LANES), t1 = r0.rearrange(DUP_HI).blend(r1.rearrange(DUP_HI), ODD_LANES);
        FloatVector t2 = r2.rearrange(DUP_LO).blend(r3.rearrange(DUP_LO), ODD_LANES), t3 = r2.rearrange(DUP_HI).blend(r3.rearrange(DUP_HI), ODD_LANES);
        t0.rearrange(PAIR_LO).blend(t2.rearrange(PAIR_LO), ODD_PAIRS).intoArray(dst, d);
        t0.rearrange(PAIR_HI).blend(t2.rearrange(PAIR_HI), ODD_PAIRS).intoArray(dst, d + L);
        t1.rearrange(PAIR_LO).blend(t3.rearrange(PAIR_LO), ODD_PAIRS).intoArray(dst, d + 2 * L);
        t1.rearrange(PAIR_HI).blend(t3.rearrange(PAIR_HI), ODD_PAIRS).intoArray(dst, d + 3 * L);
    }

    /** Lanes i/2 and L/2 + i/2; 2·(i/4) + i%2 and L/2 + that; and the halves swapped (meant for 8 lanes). */
    static final VectorShuffle<Float> DUP_LO = VectorShuffle.fromOp(S, i -> i / 2);
    static final VectorShuffle<Float> DUP_HI = VectorShuffle.fromOp(S, i -> L / 2 + i / 2);
    static final VectorShuffle<Float> PAIR_LO = VectorShuffle.fromOp(S, i -> 2 * (i / 4) + i % 2);
    static final VectorShuffle<Float> PAIR_HI = VectorShuffle.fromOp(S, i -> L / 2 + 2 * (i / 4) + i % 2);
    private static final VectorShuffle<Float> SWAP_HALVES = VectorShuffle.fromOp(S, i -> (i + L / 2) % L);
    static final VectorMask<Float> ODD_LANES = VectorMask.fromLong(S, 0xAAAA_AAAA_AAAA_AAAAL);
    static final VectorMask<Float> ODD_PAIRS = VectorMask.fromLong(S, 0xCCCC_CCCC_CCCC_CCCCL);
    private static final VectorMask<Float> UPPER_HALF = VectorMask.fromLong(S, ((1L << L) - 1) & -(1L << (L / 2)));

    /**
     * The 8×8 transpose of rows src[s + k·plane ...] (8 channels, 8 positions each), position p + j's column stored
     * at dst[positions[p + j] + base]. Three rounds of two-vector merges, each a permutation of both inputs and a
     * blend: interleave the elements of row pairs, then their element pairs, then swap 4-element halves.
     */
    static void block(float[] src, int s, int plane, float[] dst, int[] positions, int p, int base) {
        FloatVector r0 = FloatVector.fromArray(S, src, s), r1 = FloatVector.fromArray(S, src, s + plane);
        FloatVector r2 = FloatVector.fromArray(S, src, s + 2 * plane), r3 = FloatVector.fromArray(S, src, s + 3 * plane);
        FloatVector r4 = FloatVector.fromArray(S, src, s + 4 * plane), r5 = FloatVector.fromArray(S, src, s + 5 * plane);
        FloatVector r6 = FloatVector.fromArray(S, src, s + 6 * plane), r7 = FloatVector.fromArray(S, src, s + 7 * plane);
        // t0 = (r0[0], r1[0], r0[1], r1[1], ..., r1[3]), t1 the same from element 4
        FloatVector t0 = r0.rearrange(DUP_LO).blend(r1.rearrange(DUP_LO), ODD_LANES), t1 = r0.rearrange(DUP_HI).blend(r1.rearrange(DUP_HI), ODD_LANES);
        FloatVector t2 = r2.rearrange(DUP_LO).blend(r3.rearrange(DUP_LO), ODD_LANES), t3 = r2.rearrange(DUP_HI).blend(r3.rearrange(DUP_HI), ODD_LANES);
        FloatVector t4 = r4.rearrange(DUP_LO).blend(r5.rearrange(DUP_LO), ODD_LANES), t5 = r4.rearrange(DUP_HI).blend(r5.rearrange(DUP_HI), ODD_LANES);
        FloatVector t6 = r6.rearrange(DUP_LO).blend(r7.rearrange(DUP_LO), ODD_LANES), t7 = r6.rearrange(DUP_HI).blend(r7.rearrange(DUP_HI), ODD_LANES);
        // u0 = (r0[0], r1[0], r2[0], r3[0], r0[1], r1[1], r2[1], r3[1]), u1 elements 2 and 3, u2 4 and 5, u3 6 and 7
        FloatVector u0 = t0.rearrange(PAIR_LO).blend(t2.rearrange(PAIR_LO), ODD_PAIRS), u1 = t0.rearrange(PAIR_HI).blend(t2.rearrange(PAIR_HI), ODD_PAIRS);
        FloatVector u2 = t1.rearrange(PAIR_LO).blend(t3.rearrange(PAIR_LO), ODD_PAIRS), u3 = t1.rearrange(PAIR_HI).blend(t3.rearrange(PAIR_HI), ODD_PAIRS);
        FloatVector u4 = t4.rearrange(PAIR_LO).blend(t6.rearrange(PAIR_LO), ODD_PAIRS), u5 = t4.rearrange(PAIR_HI).blend(t6.rearrange(PAIR_HI), ODD_PAIRS);
        FloatVector u6 = t5.rearrange(PAIR_LO).blend(t7.rearrange(PAIR_LO), ODD_PAIRS), u7 = t5.rearrange(PAIR_HI).blend(t7.rearrange(PAIR_HI), ODD_PAIRS);
        // position j: the halves of u(j/2) and u(4 + j/2) holding element j
        u0.blend(u4.rearrange(SWAP_HALVES), UPPER_HALF).intoArray(dst, positions[p] + base);
        u0.rearrange(SWAP_HALVES).blend(u4, UPPER_HALF).intoArray(dst, positions[p + 1] + base);
        u1.blend(u5.rearrange(SWAP_HALVES), UPPER_HALF).intoArray(dst, positions[p + 2] + base);
        u1.rearrange(SWAP_HALVES).blend(u5, UPPER_HALF).intoArray(dst, positions[p + 3] + base);
        u2.blend(u6.rearrange(SWAP_HALVES), UPPER_HALF).intoArray(dst, positions[p + 4] + base);
        u2.rearrange(SWAP_HALVES).blend(u6, UPPER_HALF).intoArray(dst, positions[p + 5] + base);
        u3.blend(u7.rearrange(SWAP_HALVES), UPPER_HALF).intoArray(dst, positions[p + 6] + base);
        u3.rearrange(SWAP_HALVES).blend(u7, UPPER_HALF).intoArray(dst, positions[p + 7] + base);
    }

    /**
     * {@link #block} with only the first {@code rows} rows of src read (0 to 8), the others taken as zeros: the
     * partial group of images at the end of a batch, whose missing lanes an interleaved copy keeps at zero. Not the
     * body of {@link #block} too: with every full block going through these tests, a DeepConvNet training step at one
     * thread took 24.7/25.3/23.8 ms against 23.6/24.3/23.8 (jcnn bench --groups train, alternated). (And not a helper
     * taking the loaded vectors: a helper with vector arguments that C2 does not inline boxes them, DEVELOPING.md.)
     */
    static void blockRows(float[] src, int s, int plane, int rows, float[] dst, int[] positions, int p, int base) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector r0 = rows > 0 ? FloatVector.fromArray(S, src, s) : zero;
        FloatVector r1 = rows > 1 ? FloatVector.fromArray(S, src, s + plane) : zero;
        FloatVector r2 = rows > 2 ? FloatVector.fromArray(S, src, s + 2 * plane) : zero;
        FloatVector r3 = rows > 3 ? FloatVector.fromArray(S, src, s + 3 * plane) : zero;
        FloatVector r4 = rows > 4 ? FloatVector.fromArray(S, src, s + 4 * plane) : zero;
        FloatVector r5 = rows > 5 ? FloatVector.fromArray(S, src, s + 5 * plane) : zero;
        FloatVector r6 = rows > 6 ? FloatVector.fromArray(S, src, s + 6 * plane) : zero;
        FloatVector r7 = rows > 7 ? FloatVector.fromArray(S, src, s + 7 * plane) : zero;
        // t0 = (r0[0], r1[0], r0[1], r1[1], ..., r1[3]), t1 the same from element 4
        FloatVector t0 = r0.rearrange(DUP_LO).blend(r1.rearrange(DUP_LO), ODD_LANES), t1 = r0.rearrange(DUP_HI).blend(r1.rearrange(DUP_HI), ODD_LANES);
        FloatVector t2 = r2.rearrange(DUP_LO).blend(r3.rearrange(DUP_LO), ODD_LANES), t3 = r2.rearrange(DUP_HI).blend(r3.rearrange(DUP_HI), ODD_LANES);
        FloatVector t4 = r4.rearrange(DUP_LO).blend(r5.rearrange(DUP_LO), ODD_LANES), t5 = r4.rearrange(DUP_HI).blend(r5.rearrange(DUP_HI), ODD_LANES);
        FloatVector t6 = r6.rearrange(DUP_LO).blend(r7.rearrange(DUP_LO), ODD_LANES), t7 = r6.rearrange(DUP_HI).blend(r7.rearrange(DUP_HI), ODD_LANES);
        // u0 = (r0[0], r1[0], r2[0], r3[0], r0[1], r1[1], r2[1], r3[1]), u1 elements 2 and 3, u2 4 and 5, u3 6 and 7
        FloatVector u0 = t0.rearrange(PAIR_LO).blend(t2.rearrange(PAIR_LO), ODD_PAIRS), u1 = t0.rearrange(PAIR_HI).blend(t2.rearrange(PAIR_HI), ODD_PAIRS);
        FloatVector u2 = t1.rearrange(PAIR_LO).blend(t3.rearrange(PAIR_LO), ODD_PAIRS), u3 = t1.rearrange(PAIR_HI).blend(t3.rearrange(PAIR_HI), ODD_PAIRS);
        FloatVector u4 = t4.rearrange(PAIR_LO).blend(t6.rearrange(PAIR_LO), ODD_PAIRS), u5 = t4.rearrange(PAIR_HI).blend(t6.rearrange(PAIR_HI), ODD_PAIRS);
        FloatVector u6 = t5.rearrange(PAIR_LO).blend(t7.rearrange(PAIR_LO), ODD_PAIRS), u7 = t5.rearrange(PAIR_HI).blend(t7.rearrange(PAIR_HI), ODD_PAIRS);
        // position j: the halves of u(j/2) and u(4 + j/2) holding element j
        u0.blend(u4.rearrange(SWAP_HALVES), UPPER_HALF).intoArray(dst, positions[p] + base);
        u0.rearrange(SWAP_HALVES).blend(u4, UPPER_HALF).intoArray(dst, positions[p + 1] + base);
        u1.blend(u5.rearrange(SWAP_HALVES), UPPER_HALF).intoArray(dst, positions[p + 2] + base);
        u1.rearrange(SWAP_HALVES).blend(u5, UPPER_HALF).intoArray(dst, positions[p + 3] + base);
        u2.blend(u6.rearrange(SWAP_HALVES), UPPER_HALF).intoArray(dst, positions[p + 4] + base);
        u2.rearrange(SWAP_HALVES).blend(u6, UPPER_HALF).intoArray(dst, positions[p + 5] + base);
        u3.blend(u7.rearrange(SWAP_HALVES), UPPER_HALF).intoArray(dst, positions[p + 6] + base);
        u3.rearrange(SWAP_HALVES).blend(u7, UPPER_HALF).intoArray(dst, positions[p + 7] + base);
    }

    /**
     * The inverse of {@link #block}: the 8×8 transpose of the vectors src[positions[p + j] + base] (8 positions, 8
     * lanes each), lane k's 8 values stored as one row at dst[d + k·stride], for the first {@code rows} lanes only
     * (an interleaved copy's lanes are images, and a batch's last group may have fewer than 8).
     */
    static void unblock(float[] src, int[] positions, int p, int base, float[] dst, int d, int stride, int rows) {
        FloatVector r0 = FloatVector.fromArray(S, src, positions[p] + base), r1 = FloatVector.fromArray(S, src, positions[p + 1] + base);
        FloatVector r2 = FloatVector.fromArray(S, src, positions[p + 2] + base), r3 = FloatVector.fromArray(S, src, positions[p + 3] + base);
        FloatVector r4 = FloatVector.fromArray(S, src, positions[p + 4] + base), r5 = FloatVector.fromArray(S, src, positions[p + 5] + base);
        FloatVector r6 = FloatVector.fromArray(S, src, positions[p + 6] + base), r7 = FloatVector.fromArray(S, src, positions[p + 7] + base);
        // the same three rounds as block's
        FloatVector t0 = r0.rearrange(DUP_LO).blend(r1.rearrange(DUP_LO), ODD_LANES), t1 = r0.rearrange(DUP_HI).blend(r1.rearrange(DUP_HI), ODD_LANES);
        FloatVector t2 = r2.rearrange(DUP_LO).blend(r3.rearrange(DUP_LO), ODD_LANES), t3 = r2.rearrange(DUP_HI).blend(r3.rearrange(DUP_HI), ODD_LANES);
        FloatVector t4 = r4.rearrange(DUP_LO).blend(r5.rearrange(DUP_LO), ODD_LANES), t5 = r4.rearrange(DUP_HI).blend(r5.rearrange(DUP_HI), ODD_LANES);
        FloatVector t6 = r6.rearrange(DUP_LO).blend(r7.rearrange(DUP_LO), ODD_LANES), t7 = r6.rearrange(DUP_HI).blend(r7.rearrange(DUP_HI), ODD_LANES);
        FloatVector u0 = t0.rearrange(PAIR_LO).blend(t2.rearrange(PAIR_LO), ODD_PAIRS), u1 = t0.rearrange(PAIR_HI).blend(t2.rearrange(PAIR_HI), ODD_PAIRS);
        FloatVector u2 = t1.rearrange(PAIR_LO).blend(t3.rearrange(PAIR_LO), ODD_PAIRS), u3 = t1.rearrange(PAIR_HI).blend(t3.rearrange(PAIR_HI), ODD_PAIRS);
        FloatVector u4 = t4.rearrange(PAIR_LO).blend(t6.rearrange(PAIR_LO), ODD_PAIRS), u5 = t4.rearrange(PAIR_HI).blend(t6.rearrange(PAIR_HI), ODD_PAIRS);
        FloatVector u6 = t5.rearrange(PAIR_LO).blend(t7.rearrange(PAIR_LO), ODD_PAIRS), u7 = t5.rearrange(PAIR_HI).blend(t7.rearrange(PAIR_HI), ODD_PAIRS);
        u0.blend(u4.rearrange(SWAP_HALVES), UPPER_HALF).intoArray(dst, d);
        if (rows > 1) u0.rearrange(SWAP_HALVES).blend(u4, UPPER_HALF).intoArray(dst, d + stride);
        if (rows > 2) u1.blend(u5.rearrange(SWAP_HALVES), UPPER_HALF).intoArray(dst, d + 2 * stride);
        if (rows > 3) u1.rearrange(SWAP_HALVES).blend(u5, UPPER_HALF).intoArray(dst, d + 3 * stride);
        if (rows > 4) u2.blend(u6.rearrange(SWAP_HALVES), UPPER_HALF).intoArray(dst, d + 4 * stride);
        if (rows > 5) u2.rearrange(SWAP_HALVES).blend(u6, UPPER_HALF).intoArray(dst, d + 5 * stride);
        if (rows > 6) u3.blend(u7.rearrange(SWAP_HALVES), UPPER_HALF).intoArray(dst, d + 6 * stride);
        if (rows > 7) u3.rearrange(SWAP_HALVES).blend(u7, UPPER_HALF).intoArray(dst, d + 7 * stride);
    }
}
