package jcnn.kernel;

import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.NE;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ElementwiseKernel} with the Vector API. The point is max pooling: written as scalar code, the argmax is a
 * chain of data-dependent branches that mispredict half the time (measured 22 ns per output against 3 ns for
 * the max alone). Here the four candidates of L windows are gathered into four vectors (even and odd columns of
 * the two rows) and the scalar rule runs on whole vectors, without a branch: in scan order, a candidate replaces
 * the best so far where it is larger or NaN — one compare (two with the NaN test) and a blend of values and of
 * positions each.
 *
 * <p>Not {@code FloatVector.max}: it keeps Java's rules (a NaN wins, +0 above -0), which x86's max instruction does
 * not, so C2 compiles each into six instructions (sign masks, two blends, the max, an unordered compare, a masked
 * move). The pooling took the maximum that way and then compared each candidate with it; the compare-and-blend
 * form needs no maximum, and a NaN needs no scalar fallback. SimpleConvNet's pooling with its ReLU, 100 images of
 * 30×24×24 at one thread, alternated: 0.39 -> 0.26-0.29 ms. The ReLU of a candidate, Math.max(v, 0), is likewise a
 * compare and a blend: v, with +0 where v <= 0 (a NaN is not <= 0, and -0 becomes +0).
 */
final class PanamaElementwise implements ElementwiseKernel {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = F.withLanes(int.class);
    private static final int L = F.length();
    /**
     * Two-vector selections, as the lane indices of {@code IntVector.selectFrom(v1, v2)} (index i < L: lane i of v1,
     * else lane i - L of v2), on the floats' bits: one permute instruction (vpermi2d). The same selections as float
     * shuffles, {@code a.rearrange(shuffle, b)}, compile to two permutes, the shuffle's indices loaded, wrapped and
     * compared, and a blend. Lanes 0, 2, 4, ... of the concatenation of two vectors, and 1, 3, 5, ...:
     */
    private static final IntVector EVEN_AT = IntVector.zero(I).addIndex(2), ODD_AT = EVEN_AT.add(1);

    /** Indices interleaving lanes from, from + 1, ... of two vectors of n lanes: v1's, v2's, v1's, ... */
    private static int[] zip(int n, int from) {
        int[] at = new int[n];
        for (int i = 0; i < n; i++) at[i] = from + i / 2 + (i % 2 == 0 ? 0 : n);
        return at;
    }
    /** Lanes 0, 0', 1, 1', ... of two vectors interleaved (the primed from the second), and the upper half's. */
    private static final IntVector ZIP_LO_AT = IntVector.fromArray(I, zip(L, 0), 0);
    private static final IntVector ZIP_HI_AT = IntVector.fromArray(I, zip(L, L / 2), 0);
    /** 0, 2, 4, ...: the column offset of each lane's window. */
    private static final IntVector TWICE_IOTA = IntVector.zero(I).addIndex(2);

    private final ElementwiseKernel.Scalar scalar = new ElementwiseKernel.Scalar();

    /**
     * L outputs from two vector loads and one two-vector shuffle (the even lanes), instead of L strided scalar
     * copies: (32,64,56,56) stride 2, 3×3, im2col of the batch 14.0 -> 6.5 ms. Only whole vectors that end
     * before the row's last pair are done this way, so no load reaches past x[xOff + 2n - 2].
     */
    @Override
    public void gatherEven(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (; i + L < n; i += L) {
            FloatVector a = FloatVector.fromArray(F, x, xOff + 2 * i), b = FloatVector.fromArray(F, x, xOff + 2 * i + L);
            EVEN_AT.selectFrom(a.reinterpretAsInts(), b.reinterpretAsInts()).reinterpretAsFloats().intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] = x[xOff + 2 * i];
    }

    @Override
    public void gatherEvenWithMargin(float[] x, int xOff, float[] y, int yOff, int n) {
        if (n < L) {
            gatherEven(x, xOff, y, yOff, n);
            return;
        }
        for (int i = 0; ; i += L) {
            if (i > n - L) i = n - L;  // the last vector overlaps the one before: the same values again
            FloatVector a = FloatVector.fromArray(F, x, xOff + 2 * i), b = FloatVector.fromArray(F, x, xOff + 2 * i + L);
            EVEN_AT.selectFrom(a.reinterpretAsInts(), b.reinterpretAsInts()).reinterpretAsFloats().intoArray(y, yOff + i);
            if (i == n - L) return;
        }
    }

    /**
     * The adjoint of {@link #gatherEven}: L values interleaved with zeros (two shuffles) and added to the even lanes
     * of two vectors of x (a masked add, so the odd elements are stored back unchanged, -0 included). As there, only
     * vectors ending before the row's last pair, so nothing past x[xOff + 2n - 2] is written. col2im of the same batch:
     * 14.9 -> 8.8 ms.
     */
    @Override
    public void scatterAddEven(float[] y, int yOff, float[] x, int xOff, int n) {
        int i = 0;
        FloatVector zero = FloatVector.zero(F);
        for (; i + L < n; i += L) {
            FloatVector v = FloatVector.fromArray(F, y, yOff + i);
            int o = xOff + 2 * i;
            IntVector vi = v.reinterpretAsInts(), zi = zero.reinterpretAsInts();
            FloatVector.fromArray(F, x, o).add(ZIP_LO_AT.selectFrom(vi, zi).reinterpretAsFloats(), EVEN_LANES).intoArray(x, o);
            FloatVector.fromArray(F, x, o + L).add(ZIP_HI_AT.selectFrom(vi, zi).reinterpretAsFloats(), EVEN_LANES).intoArray(x, o + L);
        }
        for (; i < n; i++) x[xOff + 2 * i] += y[yOff + i];
    }

    /** Lanes 0, 2, 4, ... */
    private static final VectorMask<Float> EVEN_LANES = VectorMask.fromLong(F, 0x5555_5555_5555_5555L);

    /**
     * The 32 partial sums as two 16-lane or four 8-lane accumulators (lane l of accumulator a is sum 16a + l, or
     * 8a + l), folded as the definition folds them. Four independent chains of adds: the eight scalar sums ran at 75 ns
     * per plane of 576 floats, 22% of the (100,1,28,28)->30 weight gradient with its bias. Other widths fall back
     * to the definition.
     */
    @Override
    public float sum(float[] x, int off, int n) {
        if (L != 8 && L != 16) return scalar.sum(x, off, n);
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        if (L == 16) {
            for (; i + 32 <= n; i += 32) {
                a0 = a0.add(FloatVector.fromArray(F, x, off + i));
                a1 = a1.add(FloatVector.fromArray(F, x, off + i + 16));
            }
        } else {
            for (; i + 32 <= n; i += 32) {
                a0 = a0.add(FloatVector.fromArray(F, x, off + i));
                a1 = a1.add(FloatVector.fromArray(F, x, off + i + 8));
                a2 = a2.add(FloatVector.fromArray(F, x, off + i + 16));
                a3 = a3.add(FloatVector.fromArray(F, x, off + i + 24));
            }
        }
        if (i < n) {
            float s0 = a0.lane(0);
            for (; i < n; i++) s0 += x[off + i];
            a0 = a0.withLane(0, s0);
        }
        // u_l = t_l + t_(l+8) in lanes 0..7, where t_l = s_l + s_(l+16)
        FloatVector u;
        if (L == 16) {
            FloatVector t = a0.add(a1);
            u = t.add(t.rearrange(SWAP_HALVES));
        } else {
            u = a0.add(a2).add(a1.add(a3));
        }
        return ((u.lane(0) + u.lane(1)) + (u.lane(2) + u.lane(3))) + ((u.lane(4) + u.lane(5)) + (u.lane(6) + u.lane(7)));
    }

    /** Lane l + L/2 in lane l, and the other way round. */
    private static final VectorShuffle<Float> SWAP_HALVES = VectorShuffle.fromOp(F, i -> (i + L / 2) % L);

    @Override
    public void reluForward(float[] x, float[] y, int from, int to) {
        int i = from;
        for (int end = from + F.loopBound(to - from); i < end; i += L) {
            FloatVector.fromArray(F, x, i).max(0f).intoArray(y, i);
        }
        scalar.reluForward(x, y, i, to);
    }

    @Override
    public void reluCopy(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int end = F.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(F, x, xOff + i).max(0f).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] = Math.max(x[xOff + i], 0f);
    }

    /**
     * Rows at least a vector wide in whole vectors, the last one of each row overlapping the one before (it stores
     * the same values again) instead of a tail copied float by float: rows of 24 at 16 lanes are one vector and 8
     * scalar copies otherwise, and this compaction took 40% of the (100,1,28,28)->30 5x5 forward.
     */
    @Override
    public void copyRows(float[] x, int xOff, int xStride, float[] y, int yOff, int yStride, int rows, int n, boolean relu) {
        if (n < L) {
            scalar.copyRows(x, xOff, xStride, y, yOff, yStride, rows, n, relu);
            return;
        }
        for (int r = 0; r < rows; r++, xOff += xStride, yOff += yStride) {
            for (int i = 0; ; i += L) {
                if (i > n - L) i = n - L;
                FloatVector v = FloatVector.fromArray(F, x, xOff + i);
                (relu ? v.max(0f) : v).intoArray(y, yOff + i);
                if (i == n - L) break;
            }
        }
    }

    /**
     * L elements at a time, the blocks added in order into one accumulator: the same sums as the scalar loop's
     * (the scalar loop took 25 µs for a 100×100 GEMM's eight blocks at two threads: serial work between the
     * parallel product and the next layer; this, 4 µs).
     */
    @Override
    public void sumBlocks(float[] x, int xOff, int stride, int blocks, float beta, float[] y, int yOff, int n) {
        int i = 0;
        for (int end = F.loopBound(n); i < end; i += L) {
            FloatVector sum = FloatVector.zero(F);
            for (int b = 0, q = xOff + i; b < blocks; b++, q += stride) sum = sum.add(FloatVector.fromArray(F, x, q));
            if (beta != 0f) sum = sum.add(FloatVector.fromArray(F, y, yOff + i).mul(beta));
            sum.intoArray(y, yOff + i);
        }
        scalar.sumBlocks(x, xOff + i, stride, blocks, beta, y, yOff + i, n - i);
    }

    @Override
    public void reluBackward(float[] y, float[] dy, float[] dx, int from, int to) {
        int i = from;
        FloatVector zero = FloatVector.zero(F);
        for (int end = from + F.loopBound(to - from); i < end; i += L) {
            VectorMask<Float> positive = FloatVector.fromArray(F, y, i).compare(GT, 0f);
            zero.blend(FloatVector.fromArray(F, dy, i), positive).intoArray(dx, i);
        }
        scalar.reluBackward(y, dy, dx, i, to);
    }

    @Override
    public void maxPool2x2(float[] x, int xo, int stride, int W, boolean relu, float[] y, int[] argmax, int yo, int OH,
                           int OW) {
        FloatVector zero = FloatVector.zero(F);
        for (int oh = 0; oh < OH; oh++) {
            int top = 2 * oh * W, r0 = xo + 2 * oh * stride, r1 = r0 + stride, out = yo + oh * OW;
            // Groups of L outputs; a last, partial group is done as the L outputs that end the row, overlapping
            // the previous group (recomputing a few outputs gives the same values and keeps the row vectorised).
            if (OW < L) {
                narrowRow(x, xo, stride, W, relu, y, argmax, yo, OW, oh, yo + OH * OW);
                continue;
            }
            for (int start = 0; start < OW; start += L) {
                int ow = Math.min(start, OW - L);
                int c = 2 * ow;
                FloatVector a = FloatVector.fromArray(F, x, r0 + c), b = FloatVector.fromArray(F, x, r0 + c + L);
                IntVector ai = a.reinterpretAsInts(), bi = b.reinterpretAsInts();
                FloatVector e0 = EVEN_AT.selectFrom(ai, bi).reinterpretAsFloats();
                FloatVector o0 = ODD_AT.selectFrom(ai, bi).reinterpretAsFloats();
                a = FloatVector.fromArray(F, x, r1 + c);
                b = FloatVector.fromArray(F, x, r1 + c + L);
                ai = a.reinterpretAsInts();
                bi = b.reinterpretAsInts();
                FloatVector e1 = EVEN_AT.selectFrom(ai, bi).reinterpretAsFloats();
                FloatVector o1 = ODD_AT.selectFrom(ai, bi).reinterpretAsFloats();
                if (relu) {
                    // max(v, 0) as the ReLU'd copy holds it (Math.max: +0 for -0, NaN stays NaN): +0 where v <= 0
                    e0 = e0.blend(zero, e0.compare(LE, zero));
                    o0 = o0.blend(zero, o0.compare(LE, zero));
                    e1 = e1.blend(zero, e1.compare(LE, zero));
                    o1 = o1.blend(zero, o1.compare(LE, zero));
                }
                // The reference's rule, candidate by candidate in scan order: a later one is taken if it is larger, or
                // NaN (so the first of equal maxima is kept, with its own sign of zero, and the last NaN wins)
                FloatVector best = e0;
                VectorMask<Float> take = o0.compare(GT, best).or(o0.compare(NE, o0));
                best = best.blend(o0, take);
                IntVector offset = IntVector.zero(I).blend(1, take.cast(I));
                take = e1.compare(GT, best).or(e1.compare(NE, e1));
                best = best.blend(e1, take);
                offset = offset.blend(W, take.cast(I));
                take = o1.compare(GT, best).or(o1.compare(NE, o1));
                best = best.blend(o1, take);
                best.intoArray(y, out + ow);
                if (argmax != null) {
                    offset.blend(W + 1, take.cast(I)).add(TWICE_IOTA).add(top + c).intoArray(argmax, out + ow);
                }
            }
        }
    }

    /**
     * One output row of a plane narrower than L outputs (DeepConvNet's 7×7 → 3×3): the vector form above on the
     * row's first L windows, of which only the first OW are stored (masked); the others read past the row into
     * the next and are ignored. The scalar form, a branch per candidate, mispredicts about every other window
     * (measured 17 ns per output on (100,64,7,7)). Rows too close to the array's end are done the scalar way.
     */
    private static void narrowRow(float[] x, int xo, int stride, int W, boolean relu, float[] y, int[] argmax, int yo,
                                  int OW, int oh, int planeEnd) {
        int top = 2 * oh * W, r0 = xo + 2 * oh * stride, r1 = r0 + stride, out = yo + oh * OW;
        VectorMask<Float> valid = F.indexInRange(0, OW);
        if (r1 + 2 * L > x.length) {
            for (int j = 0; j < OW; j++) ElementwiseKernel.Scalar.maxPool2x2At(x, xo, stride, W, relu, y, argmax, yo, OW, oh, j);
            return;
        }
        FloatVector a = FloatVector.fromArray(F, x, r0), b = FloatVector.fromArray(F, x, r0 + L);
        IntVector ai = a.reinterpretAsInts(), bi = b.reinterpretAsInts();
        FloatVector e0 = EVEN_AT.selectFrom(ai, bi).reinterpretAsFloats();
        FloatVector o0 = ODD_AT.selectFrom(ai, bi).reinterpretAsFloats();
        a = FloatVector.fromArray(F, x, r1);
        b = FloatVector.fromArray(F, x, r1 + L);
        ai = a.reinterpretAsInts();
        bi = b.reinterpretAsInts();
        FloatVector e1 = EVEN_AT.selectFrom(ai, bi).reinterpretAsFloats();
        FloatVector o1 = ODD_AT.selectFrom(ai, bi).reinterpretAsFloats();
        if (relu) {
            FloatVector zero = FloatVector.zero(F);
            e0 = e0.blend(zero, e0.compare(LE, zero));
            o0 = o0.blend(zero, o0.compare(LE, zero));
            e1 = e1.blend(zero, e1.compare(LE, zero));
            o1 = o1.blend(zero, o1.compare(LE, zero));
        }
        FloatVector best = e0;
        VectorMask<Float> take = o0.compare(GT, best).or(o0.compare(NE, o0));
        best = best.blend(o0, take);
        IntVector offset = IntVector.zero(I).blend(1, take.cast(I));
        take = e1.compare(GT, best).or(e1.compare(NE, e1));
        best = best.blend(e1, take);
        offset = offset.blend(W, take.cast(I));
        take = o1.compare(GT, best).or(o1.compare(NE, o1));
        best = best.blend(o1, take);
        // A row's vector store reaches into the rows after it, which are stored later: only rows whose store would
        // pass the plane's end (into another thread's outputs, or past the array) are stored masked. Masked stores
        // (vmaskmovps) are slow on this AMD machine: 100 images of 64×7×7, 0.41 -> 0.37 ms; of 32×14×14, 0.60 -> 0.32.
        boolean last = out + L > planeEnd;
        if (last) best.intoArray(y, out, valid);
        else best.intoArray(y, out);
        if (argmax != null) {
            IntVector at = offset.blend(W + 1, take.cast(I)).add(TWICE_IOTA).add(top);
            if (last) at.intoArray(argmax, out, valid.cast(I));
            else at.intoArray(argmax, out);
        }
    }

    /**
     * Eight windows at a time: the switch of each (0, 1, W or W + 1 past the window's corner) picks which of four
     * vectors gets the gradient and which get zeros — top-left, top-right, bottom-left, bottom-right — and
     * interleaving them pairwise gives the two rows of 16 cells, written once each. A last, partial group is done
     * as the eight windows that end the row, as in the forward.
     */
    @Override
    public void maxPool2x2Backward(float[] dy, int[] argmax, float[] pooled, int yo, float[] dx, int xo, int stride, int W,
                                   int OH, int OW) {
        if (OW < L) {
            if (OW >= H && L > H) narrowBackward(dy, argmax, pooled, yo, dx, xo, stride, W, OH, OW);
            else if (OW >= H / 2 && OW < H) quarterBackward(dy, argmax, pooled, yo, dx, xo, stride, W, OH, OW);
            else scalar.maxPool2x2Backward(dy, argmax, pooled, yo, dx, xo, stride, W, OH, OW);
            return;
        }
        FloatVector zero = FloatVector.zero(F);
        for (int oh = 0; oh < OH; oh++) {
            int top = 2 * oh * W, row = yo + oh * OW, at = xo + 2 * oh * stride;
            for (int start = 0; start < OW; start += L) {
                int ow = Math.min(start, OW - L), q = row + ow, c = top + 2 * ow;
                FloatVector g = FloatVector.fromArray(F, dy, q);
                if (pooled != null) g = zero.blend(g, FloatVector.fromArray(F, pooled, q).compare(GT, 0f));
                IntVector local = IntVector.fromArray(I, argmax, q).sub(TWICE_IOTA).sub(c);
                VectorMask<Float> bottom = local.compare(GE, W).cast(F);
                VectorMask<Float> right = local.compare(EQ, 1).or(local.compare(EQ, W + 1)).cast(F);
                FloatVector up = g.blend(zero, bottom), down = zero.blend(g, bottom);
                FloatVector upLeft = up.blend(zero, right), upRight = zero.blend(up, right);
                FloatVector downLeft = down.blend(zero, right), downRight = zero.blend(down, right);
                int d = at + 2 * ow;
                IntVector ul = upLeft.reinterpretAsInts(), ur = upRight.reinterpretAsInts();
                IntVector dl = downLeft.reinterpretAsInts(), dr = downRight.reinterpretAsInts();
                ZIP_LO_AT.selectFrom(ul, ur).reinterpretAsFloats().intoArray(dx, d);
                ZIP_HI_AT.selectFrom(ul, ur).reinterpretAsFloats().intoArray(dx, d + L);
                ZIP_LO_AT.selectFrom(dl, dr).reinterpretAsFloats().intoArray(dx, d + stride);
                ZIP_HI_AT.selectFrom(dl, dr).reinterpretAsFloats().intoArray(dx, d + stride + L);
            }
        }
    }

    /**
     * {@link #maxPool2x2Backward} for rows of H to L - 1 outputs (SimpleConvNet's 24 → 12: 12 per row), one L-lane
     * vector of windows per row: its first H windows' cells written by the first interleave, and its last H windows'
     * (ending at the row's last window) by a second one that overlaps the first (the same values again), so that
     * nothing past the row's windows is written and no store is masked. Lanes past OW are computed and not stored.
     * (Needs L = 2·H, a 512-bit machine: the first interleave covers H windows.) Rows of two H-lane vectors did the
     * same work in two passes: 0.23-0.25 -> 0.15-0.16 ms for 100 images of 30 × 24 × 24. Rows whose loads would pass
     * an array's end are done with 256-bit vectors ({@link #halfBackward}).
     */
    private static void narrowBackward(float[] dy, int[] argmax, float[] pooled, int yo, float[] dx, int xo, int stride, int W,
                                       int OH, int OW) {
        FloatVector zero = FloatVector.zero(F);
        // the last H windows of a row: lanes OW - H .. OW - 1 of both vectors, interleaved
        IntVector tail = ZIP_LO_AT.add(OW - H);
        int end = Math.min(dy.length, argmax.length);
        if (pooled != null) end = Math.min(end, pooled.length);
        for (int oh = 0; oh < OH; oh++) {
            int top = 2 * oh * W, q = yo + oh * OW, d = xo + 2 * oh * stride;
            if (q + L > end) {
                halfBackward(dy, argmax, pooled, yo, dx, xo, stride, W, oh, OH, OW);
                return;
            }
            FloatVector g = FloatVector.fromArray(F, dy, q);
            if (pooled != null) g = zero.blend(g, FloatVector.fromArray(F, pooled, q).compare(GT, 0f));
            IntVector local = IntVector.fromArray(I, argmax, q).sub(TWICE_IOTA).sub(top);
            VectorMask<Float> bottom = local.compare(GE, W).cast(F);
            VectorMask<Float> right = local.compare(EQ, 1).or(local.compare(EQ, W + 1)).cast(F);
            FloatVector up = g.blend(zero, bottom), down = zero.blend(g, bottom);
            FloatVector upLeft = up.blend(zero, right), upRight = zero.blend(up, right);
            FloatVector downLeft = down.blend(zero, right), downRight = zero.blend(down, right);
            IntVector ul = upLeft.reinterpretAsInts(), ur = upRight.reinterpretAsInts();
            IntVector dl = downLeft.reinterpretAsInts(), dr = downRight.reinterpretAsInts();
            int last = 2 * (OW - H);
            ZIP_LO_AT.selectFrom(ul, ur).reinterpretAsFloats().intoArray(dx, d);
            tail.selectFrom(ul, ur).reinterpretAsFloats().intoArray(dx, d + last);
            ZIP_LO_AT.selectFrom(dl, dr).reinterpretAsFloats().intoArray(dx, d + stride);
            tail.selectFrom(dl, dr).reinterpretAsFloats().intoArray(dx, d + stride + last);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // The backward on 256-bit vectors, for planes narrower than the preferred vector
    // ---------------------------------------------------------------------------------------------------

    /** 256-bit vectors (8 lanes), for rows of 8 to L - 1 outputs where the preferred vectors have 16 lanes. */
    private static final VectorSpecies<Float> FH = FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> IH = FH.withLanes(int.class);
    private static final int H = FH.length();
    private static final IntVector ZIP_LO_H_AT = IntVector.fromArray(IH, zip(H, 0), 0);
    private static final IntVector ZIP_HI_H_AT = IntVector.fromArray(IH, zip(H, H / 2), 0);
    private static final IntVector TWICE_IOTA_H = IntVector.zero(IH).addIndex(2);

    /**
     * {@link #maxPool2x2Backward} with 8-lane vectors: with 16-lane ones SimpleConvNet's 24 → 12 pooling (12 outputs
     * per row) went to the scalar loop, 12% of a training step.
     */
    private static void halfBackward(float[] dy, int[] argmax, float[] pooled, int yo, float[] dx, int xo, int stride, int W,
                                     int from, int OH, int OW) {
        FloatVector zero = FloatVector.zero(FH);
        for (int oh = from; oh < OH; oh++) {
            int top = 2 * oh * W, row = yo + oh * OW, at = xo + 2 * oh * stride;
            for (int start = 0; start < OW; start += H) {
                int ow = Math.min(start, OW - H), q = row + ow, c = top + 2 * ow;
                FloatVector g = FloatVector.fromArray(FH, dy, q);
                if (pooled != null) g = zero.blend(g, FloatVector.fromArray(FH, pooled, q).compare(GT, 0f));
                IntVector local = IntVector.fromArray(IH, argmax, q).sub(TWICE_IOTA_H).sub(c);
                VectorMask<Float> bottom = local.compare(GE, W).cast(FH);
                VectorMask<Float> right = local.compare(EQ, 1).or(local.compare(EQ, W + 1)).cast(FH);
                FloatVector up = g.blend(zero, bottom), down = zero.blend(g, bottom);
                FloatVector upLeft = up.blend(zero, right), upRight = zero.blend(up, right);
                FloatVector downLeft = down.blend(zero, right), downRight = zero.blend(down, right);
                int d = at + 2 * ow;
                IntVector ul = upLeft.reinterpretAsInts(), ur = upRight.reinterpretAsInts();
                IntVector dl = downLeft.reinterpretAsInts(), dr = downRight.reinterpretAsInts();
                ZIP_LO_H_AT.selectFrom(ul, ur).reinterpretAsFloats().intoArray(dx, d);
                ZIP_HI_H_AT.selectFrom(ul, ur).reinterpretAsFloats().intoArray(dx, d + H);
                ZIP_LO_H_AT.selectFrom(dl, dr).reinterpretAsFloats().intoArray(dx, d + stride);
                ZIP_HI_H_AT.selectFrom(dl, dr).reinterpretAsFloats().intoArray(dx, d + stride + H);
            }
        }
    }

    /**
     * {@link #maxPool2x2Backward} for rows of H/2 to H - 1 outputs (DeepConvNet's 14 → 7), as {@link #narrowBackward}
     * does it with 256-bit vectors: one vector of windows per row, the cells of its first H/2 windows and of its last
     * H/2 (ending at the row's last window, overlapping) written by two interleaves, nothing past the row. 100 images
     * of 32 × 14 × 14: 0.32 ms by the scalar loop, 0.07 ms. Rows whose loads would pass an array's end go to it still.
     */
    private static void quarterBackward(float[] dy, int[] argmax, float[] pooled, int yo, float[] dx, int xo, int stride,
                                        int W, int OH, int OW) {
        FloatVector zero = FloatVector.zero(FH);
        // the last H/2 windows of a row: lanes OW - H/2 .. OW - 1 of both vectors, interleaved
        IntVector tail = ZIP_LO_H_AT.add(OW - H / 2);
        int end = Math.min(dy.length, argmax.length), last = 2 * OW - H;
        if (pooled != null) end = Math.min(end, pooled.length);
        for (int oh = 0; oh < OH; oh++) {
            int top = 2 * oh * W, q = yo + oh * OW, d = xo + 2 * oh * stride;
            if (q + H > end) {
                for (; oh < OH; oh++) {
                    for (int ow = 0; ow < OW; ow++) {
                        ElementwiseKernel.Scalar.maxPool2x2BackwardAt(dy, argmax, pooled, yo, dx, xo, stride, W, OW, oh, ow);
                    }
                }
                return;
            }
            FloatVector g = FloatVector.fromArray(FH, dy, q);
            if (pooled != null) g = zero.blend(g, FloatVector.fromArray(FH, pooled, q).compare(GT, 0f));
            IntVector local = IntVector.fromArray(IH, argmax, q).sub(TWICE_IOTA_H).sub(top);
            VectorMask<Float> bottom = local.compare(GE, W).cast(FH);
            VectorMask<Float> right = local.compare(EQ, 1).or(local.compare(EQ, W + 1)).cast(FH);
            FloatVector up = g.blend(zero, bottom), down = zero.blend(g, bottom);
            FloatVector upLeft = up.blend(zero, right), upRight = zero.blend(up, right);
            FloatVector downLeft = down.blend(zero, right), downRight = zero.blend(down, right);
            IntVector ul = upLeft.reinterpretAsInts(), ur = upRight.reinterpretAsInts();
            IntVector dl = downLeft.reinterpretAsInts(), dr = downRight.reinterpretAsInts();
            ZIP_LO_H_AT.selectFrom(ul, ur).reinterpretAsFloats().intoArray(dx, d);
            tail.selectFrom(ul, ur).reinterpretAsFloats().intoArray(dx, d + last);
            ZIP_LO_H_AT.selectFrom(dl, dr).reinterpretAsFloats().intoArray(dx, d + stride);
            tail.selectFrom(dl, dr).reinterpretAsFloats().intoArray(dx, d + stride + last);
        }
    }
}
