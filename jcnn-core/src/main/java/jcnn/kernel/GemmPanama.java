package jcnn.kernel;

import java.util.function.IntSupplier;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM in the GotoBLAS/BLIS structure, with a Vector API micro-kernel. Same contract as {@link GemmKernel}.
 *
 * <p>Loops, outermost first: columns of C in blocks of {@link #NC}; the shared dimension in blocks of
 * {@link #KC} (op(B)'s block is packed once, into column panels NR wide); rows of C in blocks of {@link #MC}
 * (op(A)'s block packed into row panels MR tall); then the micro-kernel computes one MR×NR tile of C from one A
 * panel and one B panel. Packing makes every inner access contiguous whatever the transposes, and the blocks
 * are sized so a B panel (KC·NR floats, 16 KiB) stays in L1 and an A block (MC·KC floats, 128 KiB) in L2
 * while they are reused.
 *
 * <p>The tile is 4 rows × 2 vectors: 8 accumulators, 2 B vectors and 1 broadcast A value = 11 of the 16 AVX2
 * registers. Measured on this project's machine: tiles needing all 16 registers (6×16, 4×24) make C2 spill
 * and run at half speed, while 4×16 reaches ~98% of the FMA peak.
 *
 * <p>Edge tiles are computed in full from zero-padded panels and only their valid part is written back, so
 * the hot loop has no edge cases.
 */
final class GemmPanama implements GemmKernel {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int LANES = SPECIES.length();
    static final int MR = 4;
    static final int NR = 2 * LANES;
    static final int KC = 256;
    static final int MC = 128;
    static final int NC = 4096 / NR * NR;

    /**
     * Per-thread packing buffers, grown on demand and reused: packed A block, packed B block, edge tile, all of
     * op(A) packed for {@link #sgemmStrips}, and the lane sums of {@link #dotProductsNT}.
     */
    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[][] {
            new float[0], new float[0], new float[MR * NR], new float[0], new float[0]});

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) return;
        if (k == 0) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        if (!transA && transB && useDotProducts(m, n, k)) {
            dotProductsNT(m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        float[][] buf = BUFFERS.get();
        int kcMax = Math.min(KC, k);
        float[] packA = grow(buf, 0, roundUp(Math.min(MC, m), MR) * kcMax);
        float[] packB = grow(buf, 1, roundUp(Math.min(NC, n), NR) * kcMax);
        float[] edge = buf[2];
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                packB(transB, b, bOff, ldb, pc, jc, kc, nc, packB);
                float blockBeta = pc == 0 ? beta : 1f;
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    packA(transA, a, aOff, lda, ic, pc, mc, kc, packA);
                    macroKernel(mc, nc, kc, packA, 0, packB, blockBeta, c, cOff + ic * ldc + jc, ldc, edge, null, 0);
                }
            }
        }
    }

    /**
     * The strips of a parallel GEMM with op(A) packed once per thread, in full, before the first strip, so that a
     * thread taking several strips does not pack the same A again for each ({@link #sgemmPackedA} per strip).
     */
    @Override
    public void sgemmStrips(boolean transA, boolean transB, int m, int n, int k,
                            float[] a, int aOff, int lda,
                            float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc, int width, IntSupplier nextStrip) {
        if (m == 0 || n == 0 || k == 0 || (!transA && transB && useDotProducts(m, Math.min(width, n), k))) {
            GemmKernel.super.sgemmStrips(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, width, nextStrip);
            return;
        }
        int strips = (n + width - 1) / width;
        int s = nextStrip.getAsInt();
        if (s >= strips) return;
        float[] packA = grow(BUFFERS.get(), 3, packedASize(m, k));
        packWholeA(transA, m, k, a, aOff, lda, packA);
        for (; s < strips; s = nextStrip.getAsInt()) {
            int j0 = s * width;
            sgemmPackedA(packA, m, k, transB, Math.min(width, n - j0), b, transB ? bOff + j0 * ldb : bOff + j0, ldb,
                    beta, c, cOff + j0, ldc);
        }
    }

    /** MR-row panels of depth kc per block of KC: block (pc, ic) at pc·mPad + ic·kc, mPad = m rounded up to MR. */
    @Override
    public int packedASize(int m, int k) {
        return roundUp(m, MR) * k;
    }

    @Override
    public void packWholeA(boolean transA, int m, int k, float[] a, int aOff, int lda, float[] packed) {
        final int mPad = roundUp(m, MR);
        for (int pc = 0; pc < k; pc += KC) {
            // panels of depth kc, the block starting at pc·mPad (the offset argument counts in MR-row steps)
            packA(transA, a, aOff, lda, 0, pc, m, Math.min(KC, k - pc), packed, Math.min(KC, k - pc), pc * mPad / MR);
        }
    }

    /** {@link #sgemm}'s loop nest on the packed A, with the same sums in the same order. */
    @Override
    public void sgemmPackedA(float[] packedA, int m, int k, boolean transB, int n, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) return;
        if (k == 0) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        float[][] buf = BUFFERS.get();
        final int mPad = roundUp(m, MR);
        float[] packB = grow(buf, 1, roundUp(Math.min(NC, n), NR) * Math.min(KC, k));
        float[] edge = buf[2];
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                packB(transB, b, bOff, ldb, pc, jc, kc, nc, packB);
                float blockBeta = pc == 0 ? beta : 1f;
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    macroKernel(mc, nc, kc, packedA, pc * mPad + ic * kc, packB, blockBeta, c, cOff + ic * ldc + jc, ldc, edge, null, 0);
                }
            }
        }
    }

    /**
     * C[0:mc, 0:nc] = A block (packed from {@code aBase}) · B block + beta·C, tile by tile, plus {@code bias[biasOff
     * + row]} on every row when {@code bias} is not null (the convolution's bias, added as the tile is stored).
     */
    static void macroKernel(int mc, int nc, int kc, float[] packA, int aBase, float[] packB, float beta,
                            float[] c, int cOff, int ldc, float[] edge, float[] bias, int biasOff) {
        macroKernel(mc, nc, kc, packA, aBase, packB, 0, beta, c, cOff, ldc, edge, bias, biasOff);
    }

    /** As above, with the B block starting at {@code bBase}. */
    static void macroKernel(int mc, int nc, int kc, float[] packA, int aBase, float[] packB, int bBase, float beta,
                            float[] c, int cOff, int ldc, float[] edge, float[] bias, int biasOff) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int ir = 0;
            if (WIDE_TILES && nr == NR) {
                for (; ir + 2 * MR <= mc; ir += 2 * MR) {
                    int a0 = aBase + ir * kc;
                    microKernel8(kc, packA, a0, a0 + MR * kc, MR, packB, bBase + jr * kc, beta, c, cOff + ir * ldc + jr, ldc,
                            bias, biasOff + ir);
                }
            } else if (WIDE_TILES && nr <= LANES) {
                // A last panel of at most one vector's columns (Linear(4320, 100)'s 100 = 3·32 + 4): tiles of 8 rows ×
                // one vector, the panel's first half only, instead of 4 × NR tiles over all of its padding — half the
                // products. Each element is the same chain of FMAs over the depth, so the same floats.
                for (; ir + 2 * MR <= mc; ir += 2 * MR) {
                    int a0 = aBase + ir * kc;
                    microKernelNarrow(kc, packA, a0, a0 + MR * kc, MR, packB, bBase + jr * kc, NR, 0f, edge, 0, LANES);
                    storeEdge(edge, LANES, 2 * MR, nr, beta, c, cOff + ir * ldc + jr, ldc, bias, biasOff + ir);
                }
            }
            for (; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                int co = cOff + ir * ldc + jr;
                if (mr == MR && nr == NR) {
                    microKernel(kc, packA, aBase + ir * kc, packB, bBase + jr * kc, beta, c, co, ldc, bias, biasOff + ir);
                } else {
                    microKernel(kc, packA, aBase + ir * kc, packB, bBase + jr * kc, 0f, edge, 0, NR, null, 0);
                    storeEdge(edge, NR, mr, nr, beta, c, co, ldc, bias, biasOff + ir);
                }
            }
        }
    }

    /**
     * The valid rows × cols of an edge tile (computed in full into {@code edge}, rows {@code width} apart) into C at
     * co: + bias[biasOff + row] when bias is not null, + beta·C.
     */
    private static void storeEdge(float[] edge, int width, int rows, int cols, float beta, float[] c, int co, int ldc,
                                  float[] bias, int biasOff) {
        for (int r = 0; r < rows; r++) {
            float b = bias == null ? 0f : bias[biasOff + r];
            for (int j = 0; j < cols; j++) {
                int ci = co + r * ldc + j;
                float v = edge[r * width + j] + b;
                c[ci] = beta == 0f ? v : v + beta * c[ci];
            }
        }
    }

    /** Per thread: an 8 × NR edge tile for {@link #macroKernelTallA}. */
    private static final ThreadLocal<float[]> EDGE8 = ThreadLocal.withInitial(() -> new float[2 * MR * NR]);

    /**
     * C[0:mc, 0:nc] = A · B + beta·C with B in the usual NR-wide panels and A in panels of {@code mrA} rows, a multiple
     * of 8 (a transform then writes a point of a vector's worth of rows with one store): 8-row tiles, two quarters of
     * an A panel each. Only where {@link #WIDE_TILES}.
     */
    static void macroKernelTallA(int mc, int nc, int kc, float[] packA, int aBase, int mrA, float[] packB, int bBase,
                                 float beta, float[] c, int cOff, int ldc) {
        float[] edge = EDGE8.get();
        for (int jr = 0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr);
            for (int ir = 0; ir < mc; ir += 2 * MR) {
                int rows = Math.min(2 * MR, mc - ir), co = cOff + ir * ldc + jr;
                int a0 = aBase + (ir / mrA) * mrA * kc + ir % mrA;
                if (rows == 2 * MR && cols == NR) {
                    microKernel8(kc, packA, a0, a0 + MR, mrA, packB, bBase + jr * kc, beta, c, co, ldc, null, 0);
                    continue;
                }
                microKernel8(kc, packA, a0, a0 + MR, mrA, packB, bBase + jr * kc, 0f, edge, 0, NR, null, 0);
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < cols; j++) {
                        int ci = co + r * ldc + j;
                        float v = edge[r * NR + j];
                        c[ci] = beta == 0f ? v : v + beta * c[ci];
                    }
                }
            }
        }
    }

    /**
     * C[0:mc, 0:nc] = A block (packed from {@code aBase} in panels of {@code mrA} rows: {@link #MR}, or a multiple of
     * 8 such as a vector's {@link #LANES}) · B block + beta·C, where B is packed in panels one vector ({@link #LANES}
     * columns) wide instead of {@link #NR}: for products with at most LANES columns (a weight
     * gradient's M × C with C = 16 on a 16-lane machine), of which NR-wide panels would be half padding. Tiles of 8
     * rows (two A panels) × one vector: 8 accumulators, one B load and 8 broadcasts per step; where 32 registers and a
     * panel 16 rows tall allow, tiles of 16 rows ({@link #microKernelNarrow16}).
     */
    static void macroKernelNarrow(int mc, int nc, int kc, float[] packA, int aBase, int mrA, float[] packB, int bBase,
                                  float beta, float[] c, int cOff, int ldc, float[] edge) {
        for (int jr = 0; jr < nc; jr += LANES) {
            int cols = Math.min(LANES, nc - jr);
            int ir = 0;
            if (WIDE_TILES && cols == LANES && mrA % 16 == 0) {
                for (; ir + 16 <= mc; ir += 16) {
                    microKernelNarrow16(kc, packA, aBase + (ir / mrA) * mrA * kc + ir % mrA, mrA, packB, bBase + jr * kc,
                            beta, c, cOff + ir * ldc + jr, ldc);
                }
            }
            for (; ir < mc; ir += 2 * MR) {
                int rows = Math.min(2 * MR, mc - ir), co = cOff + ir * ldc + jr;
                // rows 0-3 and 4-7 of the tile: two 4-row panels, or two quarters of a panel mrA (a multiple of 8) tall
                int a0 = aBase + (ir / mrA) * mrA * kc + ir % mrA;
                int a1 = rows <= MR ? a0 : mrA == MR ? a0 + MR * kc : a0 + MR;
                if (rows == 2 * MR && cols == LANES) {
                    microKernelNarrow(kc, packA, a0, a1, mrA, packB, bBase + jr * kc, LANES, beta, c, co, ldc);
                    continue;
                }
                // edge tiles in full into the edge buffer (a last single 4-row panel read twice), then their valid part
                microKernelNarrow(kc, packA, a0, a1, mrA, packB, bBase + jr * kc, LANES, 0f, edge, 0, LANES);
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < cols; j++) {
                        int ci = co + r * ldc + j;
                        float v = edge[r * LANES + j];
                        c[ci] = beta == 0f ? v : v + beta * c[ci];
                    }
                }
            }
        }
    }

    /**
     * C[0:16, 0:LANES] (+)= A · a B panel LANES wide, A's 16 rows at a0 + p·stride (a panel at least 16 rows tall) for
     * depth p: 16 accumulators, one B load and 16 broadcasts per step. Where a product has 16 rows (a 16-channel weight
     * gradient's M), B is loaded once instead of twice, and 16 independent chains of fused multiply-adds instead of 8
     * keep both FMA pipes busy through their latency: in one JVM, 16 × 16 × 256 products (the F(2×2) weight gradient's
     * 16 points), 174-184 GFLOP/s with two 8-row tiles, 246-253 with one of 16. Each element is the same chain of FMAs
     * over the depth as there, so the same floats.
     */
    private static void microKernelNarrow16(int kc, float[] pa, int a0, int stride, float[] pb, int bo, float beta,
                                            float[] c, int co, int ldc) {
        FloatVector c0 = FloatVector.zero(SPECIES), c1 = FloatVector.zero(SPECIES), c2 = FloatVector.zero(SPECIES), c3 = FloatVector.zero(SPECIES);
        FloatVector c4 = FloatVector.zero(SPECIES), c5 = FloatVector.zero(SPECIES), c6 = FloatVector.zero(SPECIES), c7 = FloatVector.zero(SPECIES);
        FloatVector c8 = FloatVector.zero(SPECIES), c9 = FloatVector.zero(SPECIES), c10 = FloatVector.zero(SPECIES), c11 = FloatVector.zero(SPECIES);
        FloatVector c12 = FloatVector.zero(SPECIES), c13 = FloatVector.zero(SPECIES), c14 = FloatVector.zero(SPECIES), c15 = FloatVector.zero(SPECIES);
        for (int p = 0; p < kc; p++) {
            FloatVector b = FloatVector.fromArray(SPECIES, pb, bo + p * LANES);
            int x = a0 + p * stride;
            c0 = FloatVector.broadcast(SPECIES, pa[x]).fma(b, c0);
            c1 = FloatVector.broadcast(SPECIES, pa[x + 1]).fma(b, c1);
            c2 = FloatVector.broadcast(SPECIES, pa[x + 2]).fma(b, c2);
            c3 = FloatVector.broadcast(SPECIES, pa[x + 3]).fma(b, c3);
            c4 = FloatVector.broadcast(SPECIES, pa[x + 4]).fma(b, c4);
            c5 = FloatVector.broadcast(SPECIES, pa[x + 5]).fma(b, c5);
            c6 = FloatVector.broadcast(SPECIES, pa[x + 6]).fma(b, c6);
            c7 = FloatVector.broadcast(SPECIES, pa[x + 7]).fma(b, c7);
            c8 = FloatVector.broadcast(SPECIES, pa[x + 8]).fma(b, c8);
            c9 = FloatVector.broadcast(SPECIES, pa[x + 9]).fma(b, c9);
            c10 = FloatVector.broadcast(SPECIES, pa[x + 10]).fma(b, c10);
            c11 = FloatVector.broadcast(SPECIES, pa[x + 11]).fma(b, c11);
            c12 = FloatVector.broadcast(SPECIES, pa[x + 12]).fma(b, c12);
            c13 = FloatVector.broadcast(SPECIES, pa[x + 13]).fma(b, c13);
            c14 = FloatVector.broadcast(SPECIES, pa[x + 14]).fma(b, c14);
            c15 = FloatVector.broadcast(SPECIES, pa[x + 15]).fma(b, c15);
        }
        if (beta != 0f) {
            FloatVector vb = FloatVector.broadcast(SPECIES, beta);  // (an FMA by 1 rounds as the plain sum)
            c0 = FloatVector.fromArray(SPECIES, c, co).fma(vb, c0);
            c1 = FloatVector.fromArray(SPECIES, c, co + ldc).fma(vb, c1);
            c2 = FloatVector.fromArray(SPECIES, c, co + 2 * ldc).fma(vb, c2);
            c3 = FloatVector.fromArray(SPECIES, c, co + 3 * ldc).fma(vb, c3);
            c4 = FloatVector.fromArray(SPECIES, c, co + 4 * ldc).fma(vb, c4);
            c5 = FloatVector.fromArray(SPECIES, c, co + 5 * ldc).fma(vb, c5);
            c6 = FloatVector.fromArray(SPECIES, c, co + 6 * ldc).fma(vb, c6);
            c7 = FloatVector.fromArray(SPECIES, c, co + 7 * ldc).fma(vb, c7);
            c8 = FloatVector.fromArray(SPECIES, c, co + 8 * ldc).fma(vb, c8);
            c9 = FloatVector.fromArray(SPECIES, c, co + 9 * ldc).fma(vb, c9);
            c10 = FloatVector.fromArray(SPECIES, c, co + 10 * ldc).fma(vb, c10);
            c11 = FloatVector.fromArray(SPECIES, c, co + 11 * ldc).fma(vb, c11);
            c12 = FloatVector.fromArray(SPECIES, c, co + 12 * ldc).fma(vb, c12);
            c13 = FloatVector.fromArray(SPECIES, c, co + 13 * ldc).fma(vb, c13);
            c14 = FloatVector.fromArray(SPECIES, c, co + 14 * ldc).fma(vb, c14);
            c15 = FloatVector.fromArray(SPECIES, c, co + 15 * ldc).fma(vb, c15);
        }
        c0.intoArray(c, co);
        c1.intoArray(c, co + ldc);
        c2.intoArray(c, co + 2 * ldc);
        c3.intoArray(c, co + 3 * ldc);
        c4.intoArray(c, co + 4 * ldc);
        c5.intoArray(c, co + 5 * ldc);
        c6.intoArray(c, co + 6 * ldc);
        c7.intoArray(c, co + 7 * ldc);
        c8.intoArray(c, co + 8 * ldc);
        c9.intoArray(c, co + 9 * ldc);
        c10.intoArray(c, co + 10 * ldc);
        c11.intoArray(c, co + 11 * ldc);
        c12.intoArray(c, co + 12 * ldc);
        c13.intoArray(c, co + 13 * ldc);
        c14.intoArray(c, co + 14 * ldc);
        c15.intoArray(c, co + 15 * ldc);
    }

    /**
     * C[0:8, 0:LANES] (+)= A · LANES columns of B, A's rows 0-3 at a0 + p·stride and rows 4-7 at a1 + p·stride, B's
     * row at bo + p·bStride for depth p (a panel LANES wide, or the first half of an NR-wide one).
     */
    private static void microKernelNarrow(int kc, float[] pa, int a0, int a1, int stride, float[] pb, int bo, int bStride,
                                          float beta, float[] c, int co, int ldc) {
        FloatVector c0 = FloatVector.zero(SPECIES), c1 = FloatVector.zero(SPECIES);
        FloatVector c2 = FloatVector.zero(SPECIES), c3 = FloatVector.zero(SPECIES);
        FloatVector c4 = FloatVector.zero(SPECIES), c5 = FloatVector.zero(SPECIES);
        FloatVector c6 = FloatVector.zero(SPECIES), c7 = FloatVector.zero(SPECIES);
        for (int p = 0; p < kc; p++) {
            FloatVector b = FloatVector.fromArray(SPECIES, pb, bo + p * bStride);
            int x = a0 + p * stride, y = a1 + p * stride;
            FloatVector a = FloatVector.broadcast(SPECIES, pa[x]);
            c0 = a.fma(b, c0);
            a = FloatVector.broadcast(SPECIES, pa[x + 1]);
            c1 = a.fma(b, c1);
            a = FloatVector.broadcast(SPECIES, pa[x + 2]);
            c2 = a.fma(b, c2);
            a = FloatVector.broadcast(SPECIES, pa[x + 3]);
            c3 = a.fma(b, c3);
            a = FloatVector.broadcast(SPECIES, pa[y]);
            c4 = a.fma(b, c4);
            a = FloatVector.broadcast(SPECIES, pa[y + 1]);
            c5 = a.fma(b, c5);
            a = FloatVector.broadcast(SPECIES, pa[y + 2]);
            c6 = a.fma(b, c6);
            a = FloatVector.broadcast(SPECIES, pa[y + 3]);
            c7 = a.fma(b, c7);
        }
        // written out, as in microKernel
        if (beta != 0f) {
            FloatVector vb = FloatVector.broadcast(SPECIES, beta);  // (an FMA by 1 rounds as the plain sum)
            c0 = FloatVector.fromArray(SPECIES, c, co).fma(vb, c0);
            c1 = FloatVector.fromArray(SPECIES, c, co + ldc).fma(vb, c1);
            c2 = FloatVector.fromArray(SPECIES, c, co + 2 * ldc).fma(vb, c2);
            c3 = FloatVector.fromArray(SPECIES, c, co + 3 * ldc).fma(vb, c3);
            c4 = FloatVector.fromArray(SPECIES, c, co + 4 * ldc).fma(vb, c4);
            c5 = FloatVector.fromArray(SPECIES, c, co + 5 * ldc).fma(vb, c5);
            c6 = FloatVector.fromArray(SPECIES, c, co + 6 * ldc).fma(vb, c6);
            c7 = FloatVector.fromArray(SPECIES, c, co + 7 * ldc).fma(vb, c7);
        }
        c0.intoArray(c, co);
        c1.intoArray(c, co + ldc);
        c2.intoArray(c, co + 2 * ldc);
        c3.intoArray(c, co + 3 * ldc);
        c4.intoArray(c, co + 4 * ldc);
        c5.intoArray(c, co + 5 * ldc);
        c6.intoArray(c, co + 6 * ldc);
        c7.intoArray(c, co + 7 * ldc);
    }

    /**
     * Tiles of 8 rows (two A panels) × NR in {@link #macroKernel} where there are 32 vector registers (AVX-512, 16
     * lanes): 16 accumulators, two B vectors and a broadcast, each pair of B loads serving 16 products instead of 8.
     * (With 16 registers, AVX2, such a tile spills.)
     */
    static final boolean WIDE_TILES = LANES >= 16;

    /**
     * {@link #microKernel} for 8 rows: C[0:8, 0:NR] = A (8×kc) · B panel + beta·C, A's rows 0-3 at a0 + p·stride and
     * rows 4-7 at a1 + p·stride for depth p (two 4-row panels: a1 = a0 + 4·kc, stride 4; or a taller panel).
     */
    static void microKernel8(int kc, float[] pa, int a0, int a1, int stride, float[] pb, int bo, float beta, float[] c,
                             int co, int ldc, float[] bias, int biasOff) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = FloatVector.zero(SPECIES), c10 = FloatVector.zero(SPECIES), c11 = FloatVector.zero(SPECIES);
        FloatVector c20 = FloatVector.zero(SPECIES), c21 = FloatVector.zero(SPECIES), c30 = FloatVector.zero(SPECIES), c31 = FloatVector.zero(SPECIES);
        FloatVector c40 = FloatVector.zero(SPECIES), c41 = FloatVector.zero(SPECIES), c50 = FloatVector.zero(SPECIES), c51 = FloatVector.zero(SPECIES);
        FloatVector c60 = FloatVector.zero(SPECIES), c61 = FloatVector.zero(SPECIES), c70 = FloatVector.zero(SPECIES), c71 = FloatVector.zero(SPECIES);
        for (int p = 0; p < kc; p++) {
            int bp = bo + p * NR, ap = a0 + p * stride, aq = a1 + p * stride;
            FloatVector b0 = FloatVector.fromArray(SPECIES, pb, bp);
            FloatVector b1 = FloatVector.fromArray(SPECIES, pb, bp + LANES);
            FloatVector a = FloatVector.broadcast(SPECIES, pa[ap]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(SPECIES, pa[ap + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(SPECIES, pa[ap + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(SPECIES, pa[ap + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(SPECIES, pa[aq]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(SPECIES, pa[aq + 1]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            a = FloatVector.broadcast(SPECIES, pa[aq + 2]);
            c60 = a.fma(b0, c60);
            c61 = a.fma(b1, c61);
            a = FloatVector.broadcast(SPECIES, pa[aq + 3]);
            c70 = a.fma(b0, c70);
            c71 = a.fma(b1, c71);
        }
        // bias and the stores written out, as in microKernel
        if (bias != null) {
            FloatVector b = FloatVector.broadcast(SPECIES, bias[biasOff]);
            c00 = c00.add(b);
            c01 = c01.add(b);
            b = FloatVector.broadcast(SPECIES, bias[biasOff + 1]);
            c10 = c10.add(b);
            c11 = c11.add(b);
            b = FloatVector.broadcast(SPECIES, bias[biasOff + 2]);
            c20 = c20.add(b);
            c21 = c21.add(b);
            b = FloatVector.broadcast(SPECIES, bias[biasOff + 3]);
            c30 = c30.add(b);
            c31 = c31.add(b);
            b = FloatVector.broadcast(SPECIES, bias[biasOff + 4]);
            c40 = c40.add(b);
            c41 = c41.add(b);
            b = FloatVector.broadcast(SPECIES, bias[biasOff + 5]);
            c50 = c50.add(b);
            c51 = c51.add(b);
            b = FloatVector.broadcast(SPECIES, bias[biasOff + 6]);
            c60 = c60.add(b);
            c61 = c61.add(b);
            b = FloatVector.broadcast(SPECIES, bias[biasOff + 7]);
            c70 = c70.add(b);
            c71 = c71.add(b);
        }
        int r1 = co + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc, r6 = r5 + ldc, r7 = r6 + ldc;
        if (beta != 0f) {
            // an FMA by beta = 1 rounds as the plain sum, so one form serves every beta
            FloatVector vb = FloatVector.broadcast(SPECIES, beta);
            c00 = FloatVector.fromArray(SPECIES, c, co).fma(vb, c00);
            c01 = FloatVector.fromArray(SPECIES, c, co + LANES).fma(vb, c01);
            c10 = FloatVector.fromArray(SPECIES, c, r1).fma(vb, c10);
            c11 = FloatVector.fromArray(SPECIES, c, r1 + LANES).fma(vb, c11);
            c20 = FloatVector.fromArray(SPECIES, c, r2).fma(vb, c20);
            c21 = FloatVector.fromArray(SPECIES, c, r2 + LANES).fma(vb, c21);
            c30 = FloatVector.fromArray(SPECIES, c, r3).fma(vb, c30);
            c31 = FloatVector.fromArray(SPECIES, c, r3 + LANES).fma(vb, c31);
            c40 = FloatVector.fromArray(SPECIES, c, r4).fma(vb, c40);
            c41 = FloatVector.fromArray(SPECIES, c, r4 + LANES).fma(vb, c41);
            c50 = FloatVector.fromArray(SPECIES, c, r5).fma(vb, c50);
            c51 = FloatVector.fromArray(SPECIES, c, r5 + LANES).fma(vb, c51);
            c60 = FloatVector.fromArray(SPECIES, c, r6).fma(vb, c60);
            c61 = FloatVector.fromArray(SPECIES, c, r6 + LANES).fma(vb, c61);
            c70 = FloatVector.fromArray(SPECIES, c, r7).fma(vb, c70);
            c71 = FloatVector.fromArray(SPECIES, c, r7 + LANES).fma(vb, c71);
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + LANES);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + LANES);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + LANES);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + LANES);
        c40.intoArray(c, r4);
        c41.intoArray(c, r4 + LANES);
        c50.intoArray(c, r5);
        c51.intoArray(c, r5 + LANES);
        c60.intoArray(c, r6);
        c61.intoArray(c, r6 + LANES);
        c70.intoArray(c, r7);
        c71.intoArray(c, r7 + LANES);
    }

    /**
     * C[0:4, 0:NR] = A_panel (4×kc, packed k-major) · B_panel (kc×NR, packed k-major) + beta·C.
     * With beta == 0 the old C is never read, so garbage (even NaN) in C does not leak into the result.
     */
    static void microKernel(int kc, float[] pa, int ao, float[] pb, int bo, float beta,
                            float[] c, int co, int ldc, float[] bias, int biasOff) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = FloatVector.zero(SPECIES);
        FloatVector c10 = FloatVector.zero(SPECIES), c11 = FloatVector.zero(SPECIES);
        FloatVector c20 = FloatVector.zero(SPECIES), c21 = FloatVector.zero(SPECIES);
        FloatVector c30 = FloatVector.zero(SPECIES), c31 = FloatVector.zero(SPECIES);
        for (int p = 0; p < kc; p++) {
            int bp = bo + p * NR;
            int ap = ao + p * MR;
            FloatVector b0 = FloatVector.fromArray(SPECIES, pb, bp);
            FloatVector b1 = FloatVector.fromArray(SPECIES, pb, bp + LANES);
            FloatVector a0 = FloatVector.broadcast(SPECIES, pa[ap]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(SPECIES, pa[ap + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(SPECIES, pa[ap + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(SPECIES, pa[ap + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
        }
        if (bias != null) {
            FloatVector b = FloatVector.broadcast(SPECIES, bias[biasOff]);
            c00 = c00.add(b);
            c01 = c01.add(b);
            b = FloatVector.broadcast(SPECIES, bias[biasOff + 1]);
            c10 = c10.add(b);
            c11 = c11.add(b);
            b = FloatVector.broadcast(SPECIES, bias[biasOff + 2]);
            c20 = c20.add(b);
            c21 = c21.add(b);
            b = FloatVector.broadcast(SPECIES, bias[biasOff + 3]);
            c30 = c30.add(b);
            c31 = c31.add(b);
        }
        // the stores written out, not through a helper taking the vectors: one C2 does not inline (which depends on
        // what it compiled before) boxes them, and then every GEMM ran 4-5x slower
        int c1 = co + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        if (beta == 1f) {
            c00 = c00.add(FloatVector.fromArray(SPECIES, c, co));
            c01 = c01.add(FloatVector.fromArray(SPECIES, c, co + LANES));
            c10 = c10.add(FloatVector.fromArray(SPECIES, c, c1));
            c11 = c11.add(FloatVector.fromArray(SPECIES, c, c1 + LANES));
            c20 = c20.add(FloatVector.fromArray(SPECIES, c, c2));
            c21 = c21.add(FloatVector.fromArray(SPECIES, c, c2 + LANES));
            c30 = c30.add(FloatVector.fromArray(SPECIES, c, c3));
            c31 = c31.add(FloatVector.fromArray(SPECIES, c, c3 + LANES));
        } else if (beta != 0f) {
            FloatVector vb = FloatVector.broadcast(SPECIES, beta);
            c00 = FloatVector.fromArray(SPECIES, c, co).fma(vb, c00);
            c01 = FloatVector.fromArray(SPECIES, c, co + LANES).fma(vb, c01);
            c10 = FloatVector.fromArray(SPECIES, c, c1).fma(vb, c10);
            c11 = FloatVector.fromArray(SPECIES, c, c1 + LANES).fma(vb, c11);
            c20 = FloatVector.fromArray(SPECIES, c, c2).fma(vb, c20);
            c21 = FloatVector.fromArray(SPECIES, c, c2 + LANES).fma(vb, c21);
            c30 = FloatVector.fromArray(SPECIES, c, c3).fma(vb, c30);
            c31 = FloatVector.fromArray(SPECIES, c, c3 + LANES).fma(vb, c31);
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + LANES);
        c10.intoArray(c, c1);
        c11.intoArray(c, c1 + LANES);
        c20.intoArray(c, c2);
        c21.intoArray(c, c2 + LANES);
        c30.intoArray(c, c3);
        c31.intoArray(c, c3 + LANES);
    }

    /** Packs rows [i0, i0+mc) × columns [p0, p0+kc) of op(A) into MR-row panels, k-major, zero-padded. */
    static void packA(boolean transA, float[] a, int aOff, int lda, int i0, int p0, int mc, int kc, float[] dst) {
        packA(transA, a, aOff, lda, i0, p0, mc, kc, dst, kc, 0);
    }

    /**
     * As above, into panels of depth {@code depth} starting at depth {@code offset}: a block whose k-range is
     * assembled from several pieces (the weight gradient's positions of several images).
     */
    static void packA(boolean transA, float[] a, int aOff, int lda, int i0, int p0, int mc, int kc, float[] dst,
                      int depth, int offset) {
        for (int ir = 0; ir < mc; ir += MR) {
            int d = ir * depth + offset * MR;
            int rows = Math.min(MR, mc - ir);
            // one small method per case, so that each is compiled for its own loop (with the three in one body, the
            // transposed case ran 15% slower: Linear's dW = dyᵀ·x, 100x100x4320, 0.70 -> 0.80 ms)
            if (!transA && rows == MR) packFourRows(a, aOff + (i0 + ir) * lda + p0, lda, kc, dst, d);
            else if (!transA) packRows(a, aOff + (i0 + ir) * lda + p0, lda, rows, kc, dst, d);
            else packColumns(a, aOff + p0 * lda + i0 + ir, lda, rows, kc, dst, d);
        }
    }

    /**
     * One whole A panel from four rows of a row-major A: four row streams read in step, one sequential write stream,
     * 8 columns at a time interleaved in registers (Linear 4320->100, x's panels: 0.21 -> 0.07 ms), the rest one by one.
     */
    private static void packFourRows(float[] a, int r0, int lda, int kc, float[] dst, int d) {
        int r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda;
        int p = 0;
        if (PanamaTranspose.EIGHT_LANES) {
            int t = PanamaTranspose.WIDTH;
            for (; p + t <= kc; p += t, d += MR * t) PanamaTranspose.interleave4(a, r0 + p, lda, dst, d);
        }
        for (; p < kc; p++, d += MR) {
            dst[d] = a[r0 + p];
            dst[d + 1] = a[r1 + p];
            dst[d + 2] = a[r2 + p];
            dst[d + 3] = a[r3 + p];
        }
    }

    /** The last, partial A panel of a row-major A: {@code rows} rows from r0, zero below. */
    private static void packRows(float[] a, int r0, int lda, int rows, int kc, float[] dst, int d) {
        for (int p = 0; p < kc; p++, d += MR) {
            for (int r = 0; r < MR; r++) dst[d + r] = r < rows ? a[r0 + r * lda + p] : 0f;
        }
    }

    /** An A panel from a transposed A: each column p of the panel is {@code rows} contiguous floats from src + p·lda. */
    private static void packColumns(float[] a, int src, int lda, int rows, int kc, float[] dst, int d) {
        for (int p = 0; p < kc; p++, d += MR, src += lda) {
            for (int r = 0; r < MR; r++) dst[d + r] = r < rows ? a[src + r] : 0f;
        }
    }

    /** 0, NR, 2·NR, ...: where consecutive rows of a B panel start, relative to the first (16 of them, a transpose's). */
    private static final int[] PANEL_ROWS = java.util.stream.IntStream.range(0, 16).map(i -> i * NR).toArray();

    /** Panels packed together from a row-major B. */
    private static final int GROUP = 4;

    /** Packs rows [p0, p0+kc) × columns [j0, j0+nc) of op(B) into NR-column panels, k-major, zero-padded. */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int p0, int j0, int kc, int nc, float[] dst) {
        packB(transB, b, bOff, ldb, p0, j0, kc, nc, dst, kc, 0);
    }

    /** As above, into panels of depth {@code depth} starting at depth {@code offset}. */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int p0, int j0, int kc, int nc, float[] dst,
                      int depth, int offset) {
        int jr = 0;
        if (!transB) {
            // Four panels at a time, row by row: each row of B is read as 4·NR contiguous floats. Panel by panel, the
            // kc rows of 64 bytes lie ldb apart — with ldb = 1024, all in one L1 set, and every line straddled by two
            // panels was fetched twice. 64×1024×576: packing 0.21 -> 0.12 ms of 1.19 -> 1.07; the stride-2 layer's
            // column matrix 2.5-2.7 -> 2.05-2.15 ms (eight at a time: 0.09-0.12 and 2.4-3.6 ms).
            for (; jr + GROUP * NR <= nc; jr += GROUP * NR) {
                int base = jr * depth + offset * NR, src = bOff + p0 * ldb + j0 + jr;
                for (int p = 0; p < kc; p++, src += ldb) {
                    for (int g = 0, d = base + p * NR; g < GROUP; g++, d += depth * NR) {
                        FloatVector.fromArray(SPECIES, b, src + g * NR).intoArray(dst, d);
                        FloatVector.fromArray(SPECIES, b, src + g * NR + LANES).intoArray(dst, d + LANES);
                    }
                }
            }
        }
        for (; jr < nc; jr += NR) {
            int base = jr * depth + offset * NR;
            int cols = Math.min(NR, nc - jr);
            if (!transB) {
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (p0 + p) * ldb + j0 + jr;
                    int d = base + p * NR;
                    if (cols == NR) {
                        FloatVector.fromArray(SPECIES, b, src).intoArray(dst, d);
                        FloatVector.fromArray(SPECIES, b, src + LANES).intoArray(dst, d + LANES);
                    } else {
                        for (int j = 0; j < NR; j++) dst[d + j] = j < cols ? b[src + j] : 0f;
                    }
                }
            } else if (cols == NR && PanamaTranspose.EIGHT_LANES) {
                // B stored transposed: each eighth, quarter or half of a panel (8 columns) is 8 rows of B, transposed 8
                // columns at a time in registers (Linear 4320->100, Wᵀ's panels: 0.22 -> 0.17 ms, near a plain copy's
                // 0.14), the last kc % 8 columns one by one; 16 at a time on 512-bit vectors
                int t = PanamaTranspose.SIXTEEN_LANES && NR % PanamaTranspose.WIDE == 0 ? PanamaTranspose.WIDE : PanamaTranspose.WIDTH;
                for (int h = 0; h < NR; h += t) {
                    int src = bOff + (j0 + jr + h) * ldb + p0, p = 0;
                    if (t == PanamaTranspose.WIDE) {
                        for (; p + t <= kc; p += t) PanamaTranspose.blockWide(b, src + p, ldb, dst, PANEL_ROWS, 0, base + p * NR + h);
                    } else {
                        for (; p + t <= kc; p += t) PanamaTranspose.block(b, src + p, ldb, dst, PANEL_ROWS, 0, base + p * NR + h);
                    }
                    for (; p < kc; p++) {
                        for (int j = 0; j < t; j++) dst[base + p * NR + h + j] = b[src + j * ldb + p];
                    }
                }
            } else {
                for (int j = 0; j < NR; j++) {
                    if (j < cols) {
                        int src = bOff + (j0 + jr + j) * ldb + p0;
                        for (int p = 0; p < kc; p++) dst[base + p * NR + j] = b[src + p];
                    } else {
                        for (int p = 0; p < kc; p++) dst[base + p * NR + j] = 0f;
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // A·Bᵀ with a small C: dot products, no packing
    // ---------------------------------------------------------------------------------------------------

    /**
     * For C = A·Bᵀ both operands are read along their rows, so every C[i][j] is a dot product of two contiguous
     * rows. When C is small (a convolution's weight gradient: 30×25 summed over thousands of positions) packing
     * would cost as much as the arithmetic, and C's few columns would fill the packed tiles badly; reading the rows
     * in place is faster. Each dot product ends in a sum across the lanes, though, and its rows are read by several
     * blocks, so for a larger C or a short k the packed product wins. Measured (one thread, 16 lanes; dots / packed,
     * µs): 30×25×57600 1,000 / 1,630; 30×25×576 11 / 13; 16×16×1000 6.7 / 13; 100×10×1000 33 / 38 — but 100×10×100
     * (a Linear(100, 10) forward) 7.6 / 4.1; 30×25×196 9.3 / 6.1; 32×32×300 15 / 4.9; 16×144×1000 71 / 49;
     * 64×64×1000 107 / 46.
     */
    static boolean useDotProducts(int m, int n, int k) {
        long cells = (long) m * n;
        return k >= 4 * LANES && (cells <= 256 || (cells <= 1024 && k >= 512));
    }

    /**
     * Floats of A's and B's rows that one pass of {@link #dotProductsNT} reads: 512 KiB, within the L2 cache, so
     * that the rows each 2×4 block shares with the others are read from memory once, not once per block.
     */
    private static final int DOT_CHUNK_FLOATS = 128 * 1024;

    /**
     * C = A (m×k, rows contiguous) · Bᵀ (B n×k, rows contiguous) + beta·C, as 2×4 blocks of dot products.
     *
     * <p>k is taken in chunks whose rows of A and B fit in L2 together, and between chunks each dot product's vector
     * of lane sums is parked in {@code acc}: over k = 57,600 (30×25 products, rows of 225 KiB) every block streamed
     * its six rows from memory, each row read by up to 15 blocks. Each lane still sums its products in the order of
     * p, and the lanes and the scalar tail are added as before, so the chunks change no result.
     */
    static void dotProductsNT(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float beta, float[] c, int cOff, int ldc) {
        float[] acc = grow(BUFFERS.get(), 4, m * n * LANES);
        int end = SPECIES.loopBound(k);
        int chunk = Math.max(LANES, DOT_CHUNK_FLOATS / (m + n) / LANES * LANES);
        for (int p0 = 0; p0 < end; p0 += chunk) {
            int p1 = Math.min(end, p0 + chunk);
            boolean first = p0 == 0;
            int i = 0;
            for (; i + 2 <= m; i += 2) {
                int j = 0;
                for (; j + 4 <= n; j += 4) dot2x4(p0, p1, first, a, aOff + i * lda, lda, b, bOff + j * ldb, ldb, acc, (i * n + j) * LANES, n * LANES);
                for (; j < n; j++) {
                    dot1x1(p0, p1, first, a, aOff + i * lda, b, bOff + j * ldb, acc, (i * n + j) * LANES);
                    dot1x1(p0, p1, first, a, aOff + (i + 1) * lda, b, bOff + j * ldb, acc, ((i + 1) * n + j) * LANES);
                }
            }
            for (; i < m; i++) {
                for (int j = 0; j < n; j++) dot1x1(p0, p1, first, a, aOff + i * lda, b, bOff + j * ldb, acc, (i * n + j) * LANES);
            }
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                // the lanes added in lane order, not by reduceLanes(ADD): its JIT-compiled form adds them as a tree and
                // its interpreted fallback in order, so a result would depend on whether the method had been compiled
                float t = 0f;
                if (end > 0) {
                    for (int l = 0, q = (i * n + j) * LANES; l < LANES; l++) t += acc[q + l];
                }
                for (int p = end; p < k; p++) t += a[aOff + i * lda + p] * b[bOff + j * ldb + p];
                storeDot(t, beta, c, cOff + i * ldc + j);
            }
        }
    }

    /**
     * Eight dot products over [p0, p1): rows a0, a0+lda against rows b0 .. b0+3·ldb, their lane sums continued from
     * (or, when {@code first}, started instead of) acc at q (row a0) and q + rowStride (row a0 + lda), four vectors each.
     */
    private static void dot2x4(int p0, int p1, boolean first, float[] a, int a0, int lda, float[] b, int b0, int ldb,
                               float[] acc, int q, int rowStride) {
        FloatVector s00, s01, s02, s03, s10, s11, s12, s13;
        int r = q + rowStride;
        if (first) {
            s00 = s01 = s02 = s03 = s10 = s11 = s12 = s13 = FloatVector.zero(SPECIES);
        } else {
            s00 = FloatVector.fromArray(SPECIES, acc, q);
            s01 = FloatVector.fromArray(SPECIES, acc, q + LANES);
            s02 = FloatVector.fromArray(SPECIES, acc, q + 2 * LANES);
            s03 = FloatVector.fromArray(SPECIES, acc, q + 3 * LANES);
            s10 = FloatVector.fromArray(SPECIES, acc, r);
            s11 = FloatVector.fromArray(SPECIES, acc, r + LANES);
            s12 = FloatVector.fromArray(SPECIES, acc, r + 2 * LANES);
            s13 = FloatVector.fromArray(SPECIES, acc, r + 3 * LANES);
        }
        int a1 = a0 + lda, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
        for (int p = p0; p < p1; p += LANES) {
            FloatVector x0 = FloatVector.fromArray(SPECIES, a, a0 + p);
            FloatVector x1 = FloatVector.fromArray(SPECIES, a, a1 + p);
            FloatVector y = FloatVector.fromArray(SPECIES, b, b0 + p);
            s00 = x0.fma(y, s00);
            s10 = x1.fma(y, s10);
            y = FloatVector.fromArray(SPECIES, b, b1 + p);
            s01 = x0.fma(y, s01);
            s11 = x1.fma(y, s11);
            y = FloatVector.fromArray(SPECIES, b, b2 + p);
            s02 = x0.fma(y, s02);
            s12 = x1.fma(y, s12);
            y = FloatVector.fromArray(SPECIES, b, b3 + p);
            s03 = x0.fma(y, s03);
            s13 = x1.fma(y, s13);
        }
        s00.intoArray(acc, q);
        s01.intoArray(acc, q + LANES);
        s02.intoArray(acc, q + 2 * LANES);
        s03.intoArray(acc, q + 3 * LANES);
        s10.intoArray(acc, r);
        s11.intoArray(acc, r + LANES);
        s12.intoArray(acc, r + 2 * LANES);
        s13.intoArray(acc, r + 3 * LANES);
    }

    /** One dot product over [p0, p1): row a0 against row b0, its lane sums continued from (or started at) acc at q. */
    private static void dot1x1(int p0, int p1, boolean first, float[] a, int a0, float[] b, int b0, float[] acc, int q) {
        FloatVector s = first ? FloatVector.zero(SPECIES) : FloatVector.fromArray(SPECIES, acc, q);
        for (int p = p0; p < p1; p += LANES) {
            s = FloatVector.fromArray(SPECIES, a, a0 + p).fma(FloatVector.fromArray(SPECIES, b, b0 + p), s);
        }
        s.intoArray(acc, q);
    }

    private static void storeDot(float v, float beta, float[] c, int ci) {
        c[ci] = beta == 0f ? v : v + beta * c[ci];
    }

    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            for (int j = 0; j < n; j++) c[ci + j] = beta == 0f ? 0f : beta * c[ci + j];
        }
    }

    private static float[] grow(float[][] buf, int slot, int size) {
        if (buf[slot].length < size) buf[slot] = new float[size];
        return buf[slot];
    }

    private static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }
}
