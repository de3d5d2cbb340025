package jcnn.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The stride-1 convolution of {@link ShiftPlan} with the Vector API: the GEMM of {@link GemmPanama} whose operand
 * B is read straight from the padded image through the plan's offsets (no im2col, no B packing), and the weight
 * gradient as dot products of output-gradient rows with shifted image windows.
 *
 * <p>Shapes, one image and one group: packed W (m × K, {@link PanamaConv#packA} order), padded image
 * (C × Hp × Wp flat), output on the padded width (m × cols) then compacted to (m × outH × outW).
 */
final class PanamaShifted {
    private static final VectorSpecies<Float> S = GemmPanama.SPECIES;
    private static final int L = GemmPanama.LANES, MR = GemmPanama.MR, NR = GemmPanama.NR;
    private static final int KC = GemmPanama.KC, MC = GemmPanama.MC;

    private PanamaShifted() {}

    /** out (m × outH × outW at outOff) = W · shifted(x) [+ bias]; xpad and padded are per-thread buffers. */
    static void forward(ShiftPlan plan, float[] x, int xOff, float[] packedW, int m, float[] bias, int biasOff,
                        float[] out, int outOff, float[] xpad, float[] padded, float[] edge, boolean relu) {
        plan.pad(x, xOff, xpad);
        final int k = plan.offsets.length, cols = plan.cols, mPad = (m + MR - 1) / MR * MR;
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            float beta = pc == 0 ? 0f : 1f;
            for (int ic = 0; ic < m; ic += MC) {
                int mc = Math.min(MC, m - ic), aBlock = pc * mPad + ic * kc;
                // one 16-position window of the image serves every 4-row panel of W (it stays in L1)
                for (int jr = 0; jr < cols; jr += NR) {
                    for (int ir = 0; ir < mc; ir += MR) {
                        int rows = Math.min(MR, mc - ir), co = (ic + ir) * cols + jr;
                        float[] b = pc == 0 ? bias : null;
                        if (rows == MR) {
                            micro(kc, packedW, aBlock + ir * kc, xpad, plan.offsets, pc, jr, beta, padded, co, cols, b, biasOff + ic + ir);
                        } else {
                            micro(kc, packedW, aBlock + ir * kc, xpad, plan.offsets, pc, jr, 0f, edge, 0, NR, null, 0);
                            for (int r = 0; r < rows; r++) {
                                float add = b == null ? 0f : b[biasOff + ic + ir + r];
                                for (int j = 0; j < NR; j++) {
                                    int ci = co + r * cols + j;
                                    float v = edge[r * NR + j] + add;
                                    padded[ci] = beta == 0f ? v : v + padded[ci];
                                }
                            }
                        }
                    }
                }
            }
        }
        plan.compact(padded, m, out, outOff, relu);
    }

    /**
     * C[4 × NR] (+)= A panel (4 × kc) · B, where B row p is the image window at offsets[o0 + p] + q0: the GEMM
     * micro-kernel with its B panel replaced by shifted reads of the image.
     */
    private static void micro(int kc, float[] pa, int ao, float[] x, int[] offsets, int o0, int q0, float beta,
                              float[] c, int co, int ldc, float[] bias, int biasOff) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bp = offsets[o0 + p] + q0, ap = ao + p * MR;
            FloatVector b0 = FloatVector.fromArray(S, x, bp);
            FloatVector b1 = FloatVector.fromArray(S, x, bp + L);
            FloatVector a0 = FloatVector.broadcast(S, pa[ap]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, pa[ap + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, pa[ap + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, pa[ap + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
        }
        if (bias != null) {
            FloatVector b = FloatVector.broadcast(S, bias[biasOff]);
            c00 = c00.add(b);
            c01 = c01.add(b);
            b = FloatVector.broadcast(S, bias[biasOff + 1]);
            c10 = c10.add(b);
            c11 = c11.add(b);
            b = FloatVector.broadcast(S, bias[biasOff + 2]);
            c20 = c20.add(b);
            c21 = c21.add(b);
            b = FloatVector.broadcast(S, bias[biasOff + 3]);
            c30 = c30.add(b);
            c31 = c31.add(b);
        }
        store(c00, c01, beta, c, co);
        store(c10, c11, beta, c, co + ldc);
        store(c20, c21, beta, c, co + 2 * ldc);
        store(c30, c31, beta, c, co + 3 * ldc);
    }

    private static void store(FloatVector v0, FloatVector v1, float beta, float[] c, int co) {
        if (beta != 0f) {
            v0 = v0.add(FloatVector.fromArray(S, c, co));
            v1 = v1.add(FloatVector.fromArray(S, c, co + L));
        }
        v0.intoArray(c, co);
        v1.intoArray(c, co + L);
    }

    // ---------------------------------------------------------------------------------------------------
    // Weight gradient
    // ---------------------------------------------------------------------------------------------------

    /**
     * acc (m × K at accOff) (+)= dy (m × outH × outW at dyOff, expanded to the padded width) · shifted(x)ᵀ: each
     * entry a dot product of a gradient row with an image window. With {@code overwrite} acc is replaced.
     */
    static void weightGradient(ShiftPlan plan, float[] x, int xOff, float[] dy, int dyOff, int m, float[] acc, int accOff,
                               boolean overwrite, float[] xpad, float[] dypad, float[] lanes) {
        plan.pad(x, xOff, xpad);
        plan.expand(dy, dyOff, m, dypad);
        final int k = plan.offsets.length, cols = plan.cols;
        int[] off = plan.offsets;
        int i = 0;
        for (; i + 2 <= m; i += 2) {
            int r = 0;
            for (; r + 4 <= k; r += 4) {
                dot2x4(cols, dypad, i * cols, cols, xpad, off[r], off[r + 1], off[r + 2], off[r + 3],
                        acc, accOff + i * k + r, k, overwrite, lanes);
            }
            for (; r < k; r++) {
                add(acc, accOff + i * k + r, dot(cols, dypad, i * cols, xpad, off[r], lanes), overwrite);
                add(acc, accOff + (i + 1) * k + r, dot(cols, dypad, (i + 1) * cols, xpad, off[r], lanes), overwrite);
            }
        }
        for (; i < m; i++) {
            for (int r = 0; r < k; r++) add(acc, accOff + i * k + r, dot(cols, dypad, i * cols, xpad, off[r], lanes), overwrite);
        }
    }

    /** Eight dot products of length n (a multiple of the lane count): rows a0, a0 + lda against windows b0..b3. */
    private static void dot2x4(int n, float[] a, int a0, int lda, float[] x, int b0, int b1, int b2, int b3,
                               float[] acc, int c0, int ldc, boolean overwrite, float[] lanes) {
        FloatVector s00 = FloatVector.zero(S), s01 = FloatVector.zero(S), s02 = FloatVector.zero(S), s03 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S), s11 = FloatVector.zero(S), s12 = FloatVector.zero(S), s13 = FloatVector.zero(S);
        int a1 = a0 + lda;
        for (int q = 0; q < n; q += L) {
            FloatVector u0 = FloatVector.fromArray(S, a, a0 + q), u1 = FloatVector.fromArray(S, a, a1 + q);
            FloatVector v = FloatVector.fromArray(S, x, b0 + q);
            s00 = u0.fma(v, s00);
            s10 = u1.fma(v, s10);
            v = FloatVector.fromArray(S, x, b1 + q);
            s01 = u0.fma(v, s01);
            s11 = u1.fma(v, s11);
            v = FloatVector.fromArray(S, x, b2 + q);
            s02 = u0.fma(v, s02);
            s12 = u1.fma(v, s12);
            v = FloatVector.fromArray(S, x, b3 + q);
            s03 = u0.fma(v, s03);
            s13 = u1.fma(v, s13);
        }
        add(acc, c0, sum(s00, lanes), overwrite);
        add(acc, c0 + 1, sum(s01, lanes), overwrite);
        add(acc, c0 + 2, sum(s02, lanes), overwrite);
        add(acc, c0 + 3, sum(s03, lanes), overwrite);
        add(acc, c0 + ldc, sum(s10, lanes), overwrite);
        add(acc, c0 + ldc + 1, sum(s11, lanes), overwrite);
        add(acc, c0 + ldc + 2, sum(s12, lanes), overwrite);
        add(acc, c0 + ldc + 3, sum(s13, lanes), overwrite);
    }

    private static float dot(int n, float[] a, int a0, float[] x, int b0, float[] lanes) {
        FloatVector s = FloatVector.zero(S);
        for (int q = 0; q < n; q += L) s = FloatVector.fromArray(S, a, a0 + q).fma(FloatVector.fromArray(S, x, b0 + q), s);
        return sum(s, lanes);
    }

    /** The lanes' sum in lane order (see GemmPanama: reduceLanes would round differently before JIT compilation). */
    private static float sum(FloatVector v, float[] t) {
        v.intoArray(t, 0);
        float s = 0f;
        for (int i = 0; i < L; i++) s += t[i];
        return s;
    }

    private static void add(float[] acc, int i, float v, boolean overwrite) {
        acc[i] = overwrite ? v : acc[i] + v;
    }
}
