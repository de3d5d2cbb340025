package jcnn.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The convolution of {@link ShiftPlan} (stride 1, or strides over phase planes) with the Vector API: the GEMM of
 * {@link GemmPanama} whose operand B is read straight from the padded image through the plan's offsets (no im2col,
 * no B packing), and the weight gradient as the same micro-kernel with the shifted image as operand A and the
 * output gradient, transposed, as operand B (or, when K is small, as dot products of output-gradient rows with
 * shifted windows).
 *
 * <p>Shapes, one image and one group: packed W (m × K, {@link PanamaConv#packA} order), padded image
 * (C × Hp × Wp flat), output on the padded width (m × cols) then compacted to (m × outH × outW) — or, where
 * {@link #slotted} says so, computed vector by vector of each output row and stored straight to (m × outH × outW).
 */
final class PanamaShifted {
    private static final VectorSpecies<Float> S = GemmPanama.SPECIES;
    private static final int L = GemmPanama.LANES, MR = GemmPanama.MR, NR = GemmPanama.NR;
    private static final int KC = GemmPanama.KC, MC = GemmPanama.MC;

    private PanamaShifted() {}

    /** out (m × outH × outW at outOff) = W · shifted(x) [+ bias]; xpad and padded are per-thread buffers. */
    static void forward(ShiftPlan plan, float[] x, int xOff, float[] packedW, int m, float[] bias, int biasOff,
                        float[] out, int outOff, float[] xpad, float[] padded, float[] edge, boolean relu) {
        if (slotted(plan)) {
            slottedForward(plan, x, xOff, packedW, m, bias, biasOff, out, outOff, xpad, relu);
            return;
        }
        forwardPadded(plan, x, xOff, packedW, m, bias, biasOff, xpad, padded, edge);
        plan.compact(padded, m, out, outOff, relu);
    }

    /**
     * The product of {@link #forward} left in {@code padded}: output channel r's position (oh, ow) at r·plan.cols +
     * oh·plan.wp + ow, the columns past outW holding products that belong to no output. Not for {@link #slotted}
     * plans.
     */
    static void forwardPadded(ShiftPlan plan, float[] x, int xOff, float[] packedW, int m, float[] bias, int biasOff,
                              float[] xpad, float[] padded, float[] edge) {
        plan.pad(x, xOff, xpad);
        final int k = plan.offsets.length, cols = plan.cols, mPad = (m + MR - 1) / MR * MR;
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            float beta = pc == 0 ? 0f : 1f;
            for (int ic = 0; ic < m; ic += MC) {
                int mc = Math.min(MC, m - ic), aBlock = pc * mPad + ic * kc;
                // one 16-position window of the image serves every 4-row panel of W (it stays in L1)
                for (int jr = 0; jr < cols; jr += NR) {
                    int ir = 0;
                    if (WIDE_TILES) {
                        // 8 rows (two W panels) per tile where there are 32 vector registers
                        for (; ir + 2 * MR <= mc; ir += 2 * MR) {
                            micro8(kc, packedW, aBlock + ir * kc, xpad, plan.offsets, pc, jr, beta, padded, (ic + ir) * cols + jr,
                                    cols, pc == 0 ? bias : null, biasOff + ic + ir);
                        }
                        if (mc - ir > MR) {
                            // 5 to 7 rows left (SimpleConvNet's 30 = 3·8 + 6): one 8-row tile into the edge buffer (W's
                            // panels are zero past m), its valid rows copied out in vectors — instead of a 4-row tile and
                            // a partial one whose rows went out float by float (6% of a SimpleConvNet step)
                            int rows = mc - ir, co = (ic + ir) * cols + jr;
                            micro8(kc, packedW, aBlock + ir * kc, xpad, plan.offsets, pc, jr, 0f, edge, 0, NR, null, 0);
                            for (int r = 0; r < rows; r++) {
                                float add = pc == 0 && bias != null ? bias[biasOff + ic + ir + r] : 0f;
                                for (int j = 0; j < NR; j += L) {
                                    FloatVector v = FloatVector.fromArray(S, edge, r * NR + j).add(add);
                                    int ci = co + r * cols + j;
                                    (beta == 0f ? v : v.add(FloatVector.fromArray(S, padded, ci))).intoArray(padded, ci);
                                }
                            }
                            ir = mc;
                        }
                    }
                    for (; ir < mc; ir += MR) {
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
    }

    /**
     * Tiles of 8 rows × NR columns in {@link #forward}: with 16 lanes (AVX-512, 32 vector registers) the 16 accumulators,
     * two image windows and a broadcast fit, and each pair of window loads serves 16 products instead of 8. The
     * (100,1,28,28)->30 5x5 forward at one thread: 0.85-0.91 -> 0.75-0.76 ms.
     */
    private static final boolean WIDE_TILES = L >= 16;

    /** {@link #micro} for two consecutive 4-row panels of W (at ao and ao + 4·kc): C[8 × NR] (+)= A · B. */
    private static void micro8(int kc, float[] pa, int ao, float[] x, int[] offsets, int o0, int q0, float beta,
                               float[] c, int co, int ldc, float[] bias, int biasOff) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S), c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        int a1 = ao + MR * kc;
        for (int p = 0; p < kc; p++) {
            int bp = offsets[o0 + p] + q0, ap = ao + p * MR, aq = a1 + p * MR;
            FloatVector b0 = FloatVector.fromArray(S, x, bp);
            FloatVector b1 = FloatVector.fromArray(S, x, bp + L);
            FloatVector a = FloatVector.broadcast(S, pa[ap]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, pa[ap + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, pa[ap + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, pa[ap + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, pa[aq]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, pa[aq + 1]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            a = FloatVector.broadcast(S, pa[aq + 2]);
            c60 = a.fma(b0, c60);
            c61 = a.fma(b1, c61);
            a = FloatVector.broadcast(S, pa[aq + 3]);
            c70 = a.fma(b0, c70);
            c71 = a.fma(b1, c71);
        }
        // bias and the stores written out (see micro)
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
            b = FloatVector.broadcast(S, bias[biasOff + 4]);
            c40 = c40.add(b);
            c41 = c41.add(b);
            b = FloatVector.broadcast(S, bias[biasOff + 5]);
            c50 = c50.add(b);
            c51 = c51.add(b);
            b = FloatVector.broadcast(S, bias[biasOff + 6]);
            c60 = c60.add(b);
            c61 = c61.add(b);
            b = FloatVector.broadcast(S, bias[biasOff + 7]);
            c70 = c70.add(b);
            c71 = c71.add(b);
        }
        int r1 = co + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc, r6 = r5 + ldc, r7 = r6 + ldc;
        if (beta != 0f) {
            c00 = c00.add(FloatVector.fromArray(S, c, co));
            c01 = c01.add(FloatVector.fromArray(S, c, co + L));
            c10 = c10.add(FloatVector.fromArray(S, c, r1));
            c11 = c11.add(FloatVector.fromArray(S, c, r1 + L));
            c20 = c20.add(FloatVector.fromArray(S, c, r2));
            c21 = c21.add(FloatVector.fromArray(S, c, r2 + L));
            c30 = c30.add(FloatVector.fromArray(S, c, r3));
            c31 = c31.add(FloatVector.fromArray(S, c, r3 + L));
            c40 = c40.add(FloatVector.fromArray(S, c, r4));
            c41 = c41.add(FloatVector.fromArray(S, c, r4 + L));
            c50 = c50.add(FloatVector.fromArray(S, c, r5));
            c51 = c51.add(FloatVector.fromArray(S, c, r5 + L));
            c60 = c60.add(FloatVector.fromArray(S, c, r6));
            c61 = c61.add(FloatVector.fromArray(S, c, r6 + L));
            c70 = c70.add(FloatVector.fromArray(S, c, r7));
            c71 = c71.add(FloatVector.fromArray(S, c, r7 + L));
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + L);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + L);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + L);
        c40.intoArray(c, r4);
        c41.intoArray(c, r4 + L);
        c50.intoArray(c, r5);
        c51.intoArray(c, r5 + L);
        c60.intoArray(c, r6);
        c61.intoArray(c, r6 + L);
        c70.intoArray(c, r7);
        c71.intoArray(c, r7 + L);
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
        // the stores written out (see GemmPanama.microKernel: a helper taking vectors that C2 does not inline boxes them)
        int c1 = co + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        if (beta != 0f) {
            c00 = c00.add(FloatVector.fromArray(S, c, co));
            c01 = c01.add(FloatVector.fromArray(S, c, co + L));
            c10 = c10.add(FloatVector.fromArray(S, c, c1));
            c11 = c11.add(FloatVector.fromArray(S, c, c1 + L));
            c20 = c20.add(FloatVector.fromArray(S, c, c2));
            c21 = c21.add(FloatVector.fromArray(S, c, c2 + L));
            c30 = c30.add(FloatVector.fromArray(S, c, c3));
            c31 = c31.add(FloatVector.fromArray(S, c, c3 + L));
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c10.intoArray(c, c1);
        c11.intoArray(c, c1 + L);
        c20.intoArray(c, c2);
        c21.intoArray(c, c2 + L);
        c30.intoArray(c, c3);
        c31.intoArray(c, c3 + L);
    }

    // ---------------------------------------------------------------------------------------------------
    // The forward on output vectors ("slots")
    // ---------------------------------------------------------------------------------------------------

    /**
     * Whether the forward and the dot-form weight gradient run on slots: L consecutive outputs of one output row,
     * the last slot of a row moved left to end at the row's end (it then repeats some of its neighbour's
     * outputs). Each slot reads its L inputs of every column-matrix row as one contiguous window of the padded
     * image and writes its outputs straight to NCHW: no outputs on the padded width, no compaction pass, and bias
     * and ReLU are applied in registers. Chosen when rows are at least L wide, when one K block covers the
     * whole sum (outputs are then written once, so a repeated output is the same value written twice), and when
     * the slots compute at most 1/16 more outputs than the padded width would, about what the compaction pass
     * they save costs (24-wide rows: 576 instead of 672 per plane; 28-wide rows with padding 1: 896 instead of
     * 848, measured 0.95-1.05 -> 0.68 ms for (100,1,28,28)->16 and equal for (100,16,28,28)->16).
     */
    static boolean slotted(ShiftPlan plan) {
        int ow = plan.g.outW();
        return ow >= L && plan.offsets.length <= KC && slotsPerRow(plan) * L * plan.g.outH() * 16 <= plan.cols * 17;
    }

    private static int slotsPerRow(ShiftPlan plan) {
        return (plan.g.outW() + L - 1) / L;
    }

    /** First output column of slot j of a row: L·j, the last slot ending at the row's end. */
    private static int slotColumn(ShiftPlan plan, int j) {
        return Math.min(j * L, plan.g.outW() - L);
    }

    /**
     * out (m × outH × outW at outOff) = W · shifted(x) [+ bias], ReLU on the way when asked, two slots at a time
     * against every 4-row panel of W: the 2·L-wide tile of the GEMM micro-kernel, its two vectors from anywhere.
     */
    private static void slottedForward(ShiftPlan plan, float[] x, int xOff, float[] packedW, int m, float[] bias,
                                       int biasOff, float[] out, int outOff, float[] xpad, boolean relu) {
        plan.pad(x, xOff, xpad);
        final int k = plan.offsets.length, perRow = slotsPerRow(plan), slots = plan.g.outH() * perRow;
        final int wp = plan.wp, ow = plan.g.outW(), plane = plan.outPlane;
        for (int s = 0; s < slots; s += 2) {
            int t = Math.min(s + 1, slots - 1);  // an odd last slot pairs with itself
            int ra = s / perRow, ca = slotColumn(plan, s % perRow), rb = t / perRow, cb = slotColumn(plan, t % perRow);
            int xa = ra * wp + ca, xb = rb * wp + cb, ya = outOff + ra * ow + ca, yb = outOff + rb * ow + cb;
            for (int ir = 0; ir < m; ir += MR) {
                slotMicro(k, packedW, ir * k, xpad, plan.offsets, xa, xb, bias, biasOff + ir, Math.min(MR, m - ir),
                        out, ya + ir * plane, yb + ir * plane, plane, relu);
            }
        }
    }

    /**
     * Rows [0, rows) of a 4-row panel of W times the windows at xa and xb, for kc column-matrix rows (the whole
     * sum), + bias, ReLU, stored at ya and yb and the planes after them.
     */
    private static void slotMicro(int kc, float[] pa, int ao, float[] x, int[] offsets, int xa, int xb,
                                  float[] bias, int biasOff, int rows, float[] out, int ya, int yb, int plane,
                                  boolean relu) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int o = offsets[p], ap = ao + p * MR;
            FloatVector b0 = FloatVector.fromArray(S, x, o + xa);
            FloatVector b1 = FloatVector.fromArray(S, x, o + xb);
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
        // + bias, ReLU and the stores written out, row by row (see micro)
        if (bias != null) {
            FloatVector b = FloatVector.broadcast(S, bias[biasOff]);
            c00 = c00.add(b);
            c01 = c01.add(b);
            if (rows > 1) {
                b = FloatVector.broadcast(S, bias[biasOff + 1]);
                c10 = c10.add(b);
                c11 = c11.add(b);
            }
            if (rows > 2) {
                b = FloatVector.broadcast(S, bias[biasOff + 2]);
                c20 = c20.add(b);
                c21 = c21.add(b);
            }
            if (rows > 3) {
                b = FloatVector.broadcast(S, bias[biasOff + 3]);
                c30 = c30.add(b);
                c31 = c31.add(b);
            }
        }
        if (relu) {
            c00 = c00.max(0f);
            c01 = c01.max(0f);
            c10 = c10.max(0f);
            c11 = c11.max(0f);
            c20 = c20.max(0f);
            c21 = c21.max(0f);
            c30 = c30.max(0f);
            c31 = c31.max(0f);
        }
        c00.intoArray(out, ya);
        c01.intoArray(out, yb);
        if (rows > 1) {
            c10.intoArray(out, ya + plane);
            c11.intoArray(out, yb + plane);
        }
        if (rows > 2) {
            c20.intoArray(out, ya + 2 * plane);
            c21.intoArray(out, yb + 2 * plane);
        }
        if (rows > 3) {
            c30.intoArray(out, ya + 3 * plane);
            c31.intoArray(out, yb + 3 * plane);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Weight gradient
    // ---------------------------------------------------------------------------------------------------

    /** Positions per block of the weight gradient: a 16-wide panel of dyᵀ over them (16 KiB) stays in L1. */
    private static final int QB = 256;

    /**
     * Which form the weight gradient takes. With K (= C·kH·kW per group) of 64 or more, the GEMM form
     * ({@link #gemmGradient}); below, transposing dy per image would cost as much as the products, and the
     * gradient is computed as dot products of dy rows with image windows ({@link #dotGradient}).
     */
    static boolean gradientAsGemm(ShiftPlan plan) {
        return plan.offsets.length >= 64;
    }

    /** Floats of the accumulator for m output channels: dWᵀ tiles, or L partial sums per entry. */
    static int gradientSize(ShiftPlan plan, int m) {
        return gradientAsGemm(plan) ? gradRows(plan) * gradCols(m) : m * plan.offsets.length * L;
    }

    /** Floats of the per-image dy buffer: transposed panels, or rows on the padded width. */
    static int gradientPanelsSize(ShiftPlan plan, int m) {
        return gradientAsGemm(plan) ? plan.cols * gradCols(m) : m * plan.cols;
    }

    /** Adds one image's weight gradient to the accumulator at gOff (zeroed before the first image). */
    static void weightGradient(ShiftPlan plan, float[] x, int xOff, float[] dy, int dyOff, int m,
                               float[] grad, int gOff, float[] xpad, float[] dyBuffer) {
        if (gradientAsGemm(plan)) gemmGradient(plan, x, xOff, dy, dyOff, m, grad, gOff, xpad, dyBuffer);
        else dotGradient(plan, x, xOff, dy, dyOff, m, grad, gOff, xpad, dyBuffer);
    }

    /** acc (m × K at accOff, PyTorch's weight order) = the accumulated gradient at gOff. */
    static void storeGradient(ShiftPlan plan, int m, float[] grad, int gOff, float[] acc, int accOff) {
        final int k = plan.offsets.length;
        if (gradientAsGemm(plan)) {
            int ldg = gradCols(m);
            int[] rows = plan.gradTileRows;
            for (int t = 0; t < rows.length; t++) {
                int r = rows[t];
                if (r < 0) continue;
                for (int j = 0; j < m; j++) acc[accOff + j * k + r] = grad[gOff + t * ldg + j];
            }
            return;
        }
        // the L partial sums of each entry, added in lane order
        for (int e = 0; e < m * k; e++) {
            float sum = 0f;
            for (int l = 0, b = gOff + e * L; l < L; l++) sum += grad[b + l];
            acc[accOff + e] = sum;
        }
    }

    /** Rows of the transposed weight gradient {@link #gemmGradient} accumulates: one per slot of the plan's tiles. */
    static int gradRows(ShiftPlan plan) {
        return plan.gradTileRows.length;
    }

    /** Columns of the transposed weight gradient and of the dyᵀ panels: m rounded up to the panel width. */
    static int gradCols(int m) {
        return (m + NR - 1) / NR * NR;
    }

    /**
     * dWᵀ (gradRows × gradCols at gOff, row = slot of the plan's tiles, column = output channel) += shifted(x) · dyᵀ
     * for one image: the GEMM micro-kernel again, now with A read from the image through the plan's offsets (row r
     * of A at position q is xpad[offset[r] + q]) and B the output gradient transposed into NR-wide panels. Every
     * access is contiguous or a broadcast and no horizontal sums are needed; as dot products of dy rows with
     * shifted windows (the textbook view) the loop was bound by unaligned loads and per-entry lane sums.
     *
     * <p>The rows go in the plan's tiles ({@link ShiftPlan#gradTileRows}), not in order: a tile whose first three
     * windows are adjacent needs one index for them ({@link #runMicro}), where four unrelated windows need four,
     * which left C2 short of registers (it spilled them to the stack): 61 -> 81 GFLOP/s on a 16-channel 3×3 layer.
     *
     * <p>{@code dyT} holds {@code plan.cols · gradCols(m)} floats and only ever serves this plan: positions outside
     * the output (the padded width, the tail) and channels beyond m are zero from allocation on and never
     * written. Padding slots of the last tile read a valid window and are ignored by {@link #storeGradient}.
     */
    private static void gemmGradient(ShiftPlan plan, float[] x, int xOff, float[] dy, int dyOff, int m,
                                     float[] grad, int gOff, float[] xpad, float[] dyT) {
        plan.pad(x, xOff, xpad);
        final int cols = plan.cols, ldg = gradCols(m), slots = gradRows(plan), runTiles = plan.gradRunTiles;
        transposeGradient(plan, dy, dyOff, m, dyT);
        int[] off = plan.offsets, rows = plan.gradTileRows;
        for (int q0 = 0; q0 < cols; q0 += QB) {
            int q1 = Math.min(cols, q0 + QB);
            for (int jp = 0; jp < ldg; jp += NR) {
                int panel = jp * cols;
                for (int s = 0; s < slots; s += MR) {
                    int co = gOff + s * ldg + jp;
                    if (s < MR * runTiles) {
                        runMicro(q0, q1, xpad, off[rows[s]], off[rows[s + 3]], dyT, panel, grad, co, ldg);
                    } else {
                        int o0 = off[Math.max(rows[s], 0)], o1 = off[Math.max(rows[s + 1], 0)];
                        int o2 = off[Math.max(rows[s + 2], 0)], o3 = off[Math.max(rows[s + 3], 0)];
                        gradMicro(q0, q1, xpad, o0, o1, o2, o3, dyT, panel, grad, co, ldg);
                    }
                }
            }
        }
    }

    /**
     * dyT[panel j / NR][q][j % NR] = dy[j][q] for the valid positions q of the padded width ({@link PanamaTranspose}).
     * 16 channels of 28×28 per image: 9.7 us as a scalar copy, 6.6-7.0 with a gather per position, 4.2 with 8×8
     * blocks transposed in registers.
     */
    private static void transposeGradient(ShiftPlan plan, float[] dy, int dyOff, int m, float[] dyT) {
        PanamaTranspose.toPositions(dy, dyOff, m, plan.gradientPositions, plan.channelSteps, dyT, NR, NR * plan.cols);
    }

    /**
     * {@link #gradMicro} for a tile whose first three rows read adjacent windows (at o0, o0 + 1, o0 + 2) and whose
     * fourth reads the window at o3.
     */
    private static void runMicro(int q0, int q1, float[] x, int o0, int o3, float[] pb, int bBase,
                                 float[] c, int co, int ldc) {
        FloatVector c00 = FloatVector.fromArray(S, c, co), c01 = FloatVector.fromArray(S, c, co + L);
        FloatVector c10 = FloatVector.fromArray(S, c, co + ldc), c11 = FloatVector.fromArray(S, c, co + ldc + L);
        FloatVector c20 = FloatVector.fromArray(S, c, co + 2 * ldc), c21 = FloatVector.fromArray(S, c, co + 2 * ldc + L);
        FloatVector c30 = FloatVector.fromArray(S, c, co + 3 * ldc), c31 = FloatVector.fromArray(S, c, co + 3 * ldc + L);
        int d = o3 - o0;
        for (int q = q0; q < q1; q++) {
            int bp = bBase + q * NR, i = o0 + q;
            FloatVector b0 = FloatVector.fromArray(S, pb, bp);
            FloatVector b1 = FloatVector.fromArray(S, pb, bp + L);
            FloatVector a0 = FloatVector.broadcast(S, x[i]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, x[i + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, x[i + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, x[i + d]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c10.intoArray(c, co + ldc);
        c11.intoArray(c, co + ldc + L);
        c20.intoArray(c, co + 2 * ldc);
        c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc);
        c31.intoArray(c, co + 3 * ldc + L);
    }

    /** C[4 × NR] += A (rows at x + o0..o3, positions [q0, q1)) · B panel (positions × NR at bBase). */
    private static void gradMicro(int q0, int q1, float[] x, int o0, int o1, int o2, int o3, float[] pb, int bBase,
                                  float[] c, int co, int ldc) {
        FloatVector c00 = FloatVector.fromArray(S, c, co), c01 = FloatVector.fromArray(S, c, co + L);
        FloatVector c10 = FloatVector.fromArray(S, c, co + ldc), c11 = FloatVector.fromArray(S, c, co + ldc + L);
        FloatVector c20 = FloatVector.fromArray(S, c, co + 2 * ldc), c21 = FloatVector.fromArray(S, c, co + 2 * ldc + L);
        FloatVector c30 = FloatVector.fromArray(S, c, co + 3 * ldc), c31 = FloatVector.fromArray(S, c, co + 3 * ldc + L);
        for (int q = q0; q < q1; q++) {
            int bp = bBase + q * NR;
            FloatVector b0 = FloatVector.fromArray(S, pb, bp);
            FloatVector b1 = FloatVector.fromArray(S, pb, bp + L);
            FloatVector a0 = FloatVector.broadcast(S, x[o0 + q]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, x[o1 + q]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, x[o2 + q]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, x[o3 + q]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c10.intoArray(c, co + ldc);
        c11.intoArray(c, co + ldc + L);
        c20.intoArray(c, co + 2 * ldc);
        c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc);
        c31.intoArray(c, co + 3 * ldc + L);
    }

    /**
     * Partial sums (entry e = j·K + r at gOff + e·L, L lanes each) += dy row j · window r, for one image: each entry a
     * dot product over the padded width, kept lane-wise so the lanes are added only once, by {@link #storeGradient},
     * after the last image (a horizontal sum per entry and image would cost a good part of the product itself).
     * {@code dypad} holds m · plan.cols floats and only ever serves this plan: the positions outside the output (the
     * padded width's extra columns, the tail) are zero from allocation on and never written ({@link ShiftPlan#expand}).
     */
    private static void dotGradient(ShiftPlan plan, float[] x, int xOff, float[] dy, int dyOff, int m,
                                    float[] grad, int gOff, float[] xpad, float[] dypad) {
        if (slotted(plan) && plan.g.outW() % L == 0) {
            slottedDotGradient(plan, x, xOff, dy, dyOff, m, grad, gOff, xpad);
            return;
        }
        plan.expand(dy, dyOff, m, dypad);
        dotGradientPadded(plan, x, xOff, m, grad, gOff, xpad, dypad);
    }

    /**
     * Whether {@link #weightGradient} reads the output gradient on the padded width, through {@link ShiftPlan#expand}
     * into its buffer: then {@link #dotGradientPadded} can take it written there already.
     */
    static boolean gradientReadsPadded(ShiftPlan plan) {
        return !gradientAsGemm(plan) && !(slotted(plan) && plan.g.outW() % L == 0);
    }

    /**
     * {@link #dotGradient} from an output gradient already on the padded width in {@code dypad} (m rows of plan.cols,
     * zero outside the outputs).
     */
    static void dotGradientPadded(ShiftPlan plan, float[] x, int xOff, int m, float[] grad, int gOff, float[] xpad,
                                  float[] dypad) {
        plan.pad(x, xOff, xpad);
        final int k = plan.offsets.length, cols = plan.cols;
        int[] off = plan.offsets;
        int j = 0;
        if (L >= 16 && fiveWideRows(plan)) {
            for (; j + 4 <= m; j += 4) {
                for (int r = 0; r < k; r += 5) dot4x5(cols, dypad, j * cols, cols, xpad, off[r], grad, gOff + (j * k + r) * L, k * L);
            }
        }
        for (; j + 2 <= m; j += 2) {
            int r = 0;
            for (; r + 4 <= k; r += 4) {
                dot2x4(cols, dypad, j * cols, cols, xpad, off[r], off[r + 1], off[r + 2], off[r + 3],
                        grad, gOff + (j * k + r) * L, k * L);
            }
            for (; r < k; r++) {
                dot(cols, dypad, j * cols, xpad, off[r], grad, gOff + (j * k + r) * L);
                dot(cols, dypad, (j + 1) * cols, xpad, off[r], grad, gOff + ((j + 1) * k + r) * L);
            }
        }
        for (; j < m; j++) {
            for (int r = 0; r < k; r++) dot(cols, dypad, j * cols, xpad, off[r], grad, gOff + (j * k + r) * L);
        }
    }

    /**
     * Eight dot products of length n (a multiple of L): rows a0 and a0 + lda against the windows at b0..b3, added
     * lane-wise to the partial sums at v (row a0's four entries) and v + ldv (row a0 + lda's).
     */
    private static void dot2x4(int n, float[] a, int a0, int lda, float[] x, int b0, int b1, int b2, int b3,
                               float[] acc, int v, int ldv) {
        FloatVector s00 = FloatVector.fromArray(S, acc, v), s01 = FloatVector.fromArray(S, acc, v + L);
        FloatVector s02 = FloatVector.fromArray(S, acc, v + 2 * L), s03 = FloatVector.fromArray(S, acc, v + 3 * L);
        FloatVector s10 = FloatVector.fromArray(S, acc, v + ldv), s11 = FloatVector.fromArray(S, acc, v + ldv + L);
        FloatVector s12 = FloatVector.fromArray(S, acc, v + ldv + 2 * L), s13 = FloatVector.fromArray(S, acc, v + ldv + 3 * L);
        int a1 = a0 + lda;
        for (int q = 0; q < n; q += L) {
            FloatVector u0 = FloatVector.fromArray(S, a, a0 + q), u1 = FloatVector.fromArray(S, a, a1 + q);
            FloatVector w = FloatVector.fromArray(S, x, b0 + q);
            s00 = u0.fma(w, s00);
            s10 = u1.fma(w, s10);
            w = FloatVector.fromArray(S, x, b1 + q);
            s01 = u0.fma(w, s01);
            s11 = u1.fma(w, s11);
            w = FloatVector.fromArray(S, x, b2 + q);
            s02 = u0.fma(w, s02);
            s12 = u1.fma(w, s12);
            w = FloatVector.fromArray(S, x, b3 + q);
            s03 = u0.fma(w, s03);
            s13 = u1.fma(w, s13);
        }
        s00.intoArray(acc, v);
        s01.intoArray(acc, v + L);
        s02.intoArray(acc, v + 2 * L);
        s03.intoArray(acc, v + 3 * L);
        s10.intoArray(acc, v + ldv);
        s11.intoArray(acc, v + ldv + L);
        s12.intoArray(acc, v + ldv + 2 * L);
        s13.intoArray(acc, v + ldv + 3 * L);
    }

    /** Whether the column-matrix rows come in runs of five adjacent windows (a 5-wide kernel, stride 1, no dilation). */
    private static boolean fiveWideRows(ShiftPlan plan) {
        int[] off = plan.offsets;
        if (off.length % 5 != 0) return false;
        for (int r = 0; r < off.length; r += 5) {
            for (int t = 1; t < 5; t++) if (off[r + t] != off[r] + t) return false;
        }
        return true;
    }

    /**
     * Twenty dot products of length n (a multiple of L): rows a0 .. a0 + 3·lda of dy against the five adjacent windows
     * at b0 .. b0 + 4 (one row of a 5-wide kernel), added lane-wise to the partial sums at v + i·ldv + t·L (dy row i,
     * window t). 9 loads per 20 products, where {@link #dot2x4} needs 6 per 8; the 20 accumulators, 4 rows and a
     * window need 25 vector registers, so only for machines with 32 (AVX-512, 16 lanes). The (100,1,28,28)->30 5x5
     * weight gradient at one thread: 1.20 -> 1.00 ms.
     */
    private static void dot4x5(int n, float[] a, int a0, int lda, float[] x, int b0, float[] acc, int v, int ldv) {
        int v1 = v + ldv, v2 = v1 + ldv, v3 = v2 + ldv;
        FloatVector s00 = FloatVector.fromArray(S, acc, v), s01 = FloatVector.fromArray(S, acc, v + L);
        FloatVector s02 = FloatVector.fromArray(S, acc, v + 2 * L), s03 = FloatVector.fromArray(S, acc, v + 3 * L);
        FloatVector s04 = FloatVector.fromArray(S, acc, v + 4 * L);
        FloatVector s10 = FloatVector.fromArray(S, acc, v1), s11 = FloatVector.fromArray(S, acc, v1 + L);
        FloatVector s12 = FloatVector.fromArray(S, acc, v1 + 2 * L), s13 = FloatVector.fromArray(S, acc, v1 + 3 * L);
        FloatVector s14 = FloatVector.fromArray(S, acc, v1 + 4 * L);
        FloatVector s20 = FloatVector.fromArray(S, acc, v2), s21 = FloatVector.fromArray(S, acc, v2 + L);
        FloatVector s22 = FloatVector.fromArray(S, acc, v2 + 2 * L), s23 = FloatVector.fromArray(S, acc, v2 + 3 * L);
        FloatVector s24 = FloatVector.fromArray(S, acc, v2 + 4 * L);
        FloatVector s30 = FloatVector.fromArray(S, acc, v3), s31 = FloatVector.fromArray(S, acc, v3 + L);
        FloatVector s32 = FloatVector.fromArray(S, acc, v3 + 2 * L), s33 = FloatVector.fromArray(S, acc, v3 + 3 * L);
        FloatVector s34 = FloatVector.fromArray(S, acc, v3 + 4 * L);
        int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int q = 0; q < n; q += L) {
            FloatVector y0 = FloatVector.fromArray(S, a, a0 + q), y1 = FloatVector.fromArray(S, a, a1 + q);
            FloatVector y2 = FloatVector.fromArray(S, a, a2 + q), y3 = FloatVector.fromArray(S, a, a3 + q);
            FloatVector w = FloatVector.fromArray(S, x, b0 + q);
            s00 = y0.fma(w, s00);
            s10 = y1.fma(w, s10);
            s20 = y2.fma(w, s20);
            s30 = y3.fma(w, s30);
            w = FloatVector.fromArray(S, x, b0 + 1 + q);
            s01 = y0.fma(w, s01);
            s11 = y1.fma(w, s11);
            s21 = y2.fma(w, s21);
            s31 = y3.fma(w, s31);
            w = FloatVector.fromArray(S, x, b0 + 2 + q);
            s02 = y0.fma(w, s02);
            s12 = y1.fma(w, s12);
            s22 = y2.fma(w, s22);
            s32 = y3.fma(w, s32);
            w = FloatVector.fromArray(S, x, b0 + 3 + q);
            s03 = y0.fma(w, s03);
            s13 = y1.fma(w, s13);
            s23 = y2.fma(w, s23);
            s33 = y3.fma(w, s33);
            w = FloatVector.fromArray(S, x, b0 + 4 + q);
            s04 = y0.fma(w, s04);
            s14 = y1.fma(w, s14);
            s24 = y2.fma(w, s24);
            s34 = y3.fma(w, s34);
        }
        s00.intoArray(acc, v);
        s01.intoArray(acc, v + L);
        s02.intoArray(acc, v + 2 * L);
        s03.intoArray(acc, v + 3 * L);
        s04.intoArray(acc, v + 4 * L);
        s10.intoArray(acc, v1);
        s11.intoArray(acc, v1 + L);
        s12.intoArray(acc, v1 + 2 * L);
        s13.intoArray(acc, v1 + 3 * L);
        s14.intoArray(acc, v1 + 4 * L);
        s20.intoArray(acc, v2);
        s21.intoArray(acc, v2 + L);
        s22.intoArray(acc, v2 + 2 * L);
        s23.intoArray(acc, v2 + 3 * L);
        s24.intoArray(acc, v2 + 4 * L);
        s30.intoArray(acc, v3);
        s31.intoArray(acc, v3 + L);
        s32.intoArray(acc, v3 + 2 * L);
        s33.intoArray(acc, v3 + 3 * L);
        s34.intoArray(acc, v3 + 4 * L);
    }

    /**
     * {@link #dotGradient} on slots, for output rows a whole number of slots wide: the dot products run over dy's
     * planes in place (NCHW, no copy to the padded width) against the windows at the same outputs in the padded
     * image, computing no product for the padded width's extra positions.
     */
    private static void slottedDotGradient(ShiftPlan plan, float[] x, int xOff, float[] dy, int dyOff, int m,
                                           float[] grad, int gOff, float[] xpad) {
        plan.pad(x, xOff, xpad);
        final int k = plan.offsets.length, plane = plan.outPlane;
        int[] off = plan.offsets;
        int j = 0;
        for (; j + 2 <= m; j += 2) {
            int a0 = dyOff + j * plane, r = 0;
            if (k % 5 == 0) {
                // 5-wide kernels (a row of kW = 5 windows): no windows left over for the slower single dots
                for (; r < k; r += 5) {
                    if (off[r + 4] == off[r] + 4 && off[r + 1] == off[r] + 1 && off[r + 2] == off[r] + 2 && off[r + 3] == off[r] + 3) {
                        slotDotRun2x5(plan, dy, a0, plane, xpad, off[r], grad, gOff + (j * k + r) * L, k * L);
                    } else {
                        slotDot2x5(plan, dy, a0, plane, xpad, off[r], off[r + 1], off[r + 2], off[r + 3], off[r + 4],
                                grad, gOff + (j * k + r) * L, k * L);
                    }
                }
            }
            if (k % 3 == 0) {
                // 3-wide kernels: a kernel row's three adjacent windows through one index, like the fives above
                // ((64,3,32,32)->64 weight gradient 6.2-6.3 -> 5.5-5.6 ms, against fours of unrelated windows)
                for (; r < k && off[r + 2] == off[r] + 2 && off[r + 1] == off[r] + 1; r += 3) {
                    slotDotRun2x3(plan, dy, a0, plane, xpad, off[r], grad, gOff + (j * k + r) * L, k * L);
                }
            }
            for (; r + 4 <= k; r += 4) {
                slotDot2x4(plan, dy, a0, plane, xpad, off[r], off[r + 1], off[r + 2], off[r + 3],
                        grad, gOff + (j * k + r) * L, k * L);
            }
            for (; r < k; r++) slotDot2x1(plan, dy, a0, plane, xpad, off[r], grad, gOff + (j * k + r) * L, k * L);
        }
        for (; j < m; j++) {
            for (int r = 0; r < k; r++) slotDot(plan, dy, dyOff + j * plane, xpad, off[r], grad, gOff + (j * k + r) * L);
        }
    }

    /** {@link #dot2x4} over the slots: rows a0 and a0 + lda of dy (NCHW planes) against the windows at b0..b3. */
    private static void slotDot2x4(ShiftPlan plan, float[] a, int a0, int lda, float[] x, int b0, int b1, int b2,
                                   int b3, float[] acc, int v, int ldv) {
        final int plane = plan.outPlane, ow = plan.g.outW(), skip = plan.wp - ow;
        FloatVector s00 = FloatVector.fromArray(S, acc, v), s01 = FloatVector.fromArray(S, acc, v + L);
        FloatVector s02 = FloatVector.fromArray(S, acc, v + 2 * L), s03 = FloatVector.fromArray(S, acc, v + 3 * L);
        FloatVector s10 = FloatVector.fromArray(S, acc, v + ldv), s11 = FloatVector.fromArray(S, acc, v + ldv + L);
        FloatVector s12 = FloatVector.fromArray(S, acc, v + ldv + 2 * L), s13 = FloatVector.fromArray(S, acc, v + ldv + 3 * L);
        int a1 = a0 + lda;
        // q walks dy's plane, xq the same output in the padded image (a row's end skips the padding)
        for (int q = 0, col = 0, xq = 0; q < plane; q += L) {
            FloatVector u0 = FloatVector.fromArray(S, a, a0 + q), u1 = FloatVector.fromArray(S, a, a1 + q);
            FloatVector w = FloatVector.fromArray(S, x, b0 + xq);
            s00 = u0.fma(w, s00);
            s10 = u1.fma(w, s10);
            w = FloatVector.fromArray(S, x, b1 + xq);
            s01 = u0.fma(w, s01);
            s11 = u1.fma(w, s11);
            w = FloatVector.fromArray(S, x, b2 + xq);
            s02 = u0.fma(w, s02);
            s12 = u1.fma(w, s12);
            w = FloatVector.fromArray(S, x, b3 + xq);
            s03 = u0.fma(w, s03);
            s13 = u1.fma(w, s13);
            xq += L;
            col += L;
            if (col == ow) {
                col = 0;
                xq += skip;
            }
        }
        s00.intoArray(acc, v);
        s01.intoArray(acc, v + L);
        s02.intoArray(acc, v + 2 * L);
        s03.intoArray(acc, v + 3 * L);
        s10.intoArray(acc, v + ldv);
        s11.intoArray(acc, v + ldv + L);
        s12.intoArray(acc, v + ldv + 2 * L);
        s13.intoArray(acc, v + ldv + 3 * L);
    }

    /** {@link #slotDot2x4} with five windows: 10 products per 7 loads. */
    private static void slotDot2x5(ShiftPlan plan, float[] a, int a0, int lda, float[] x, int b0, int b1, int b2,
                                   int b3, int b4, float[] acc, int v, int ldv) {
        final int plane = plan.outPlane, ow = plan.g.outW(), skip = plan.wp - ow;
        FloatVector s00 = FloatVector.fromArray(S, acc, v), s01 = FloatVector.fromArray(S, acc, v + L);
        FloatVector s02 = FloatVector.fromArray(S, acc, v + 2 * L), s03 = FloatVector.fromArray(S, acc, v + 3 * L);
        FloatVector s04 = FloatVector.fromArray(S, acc, v + 4 * L);
        FloatVector s10 = FloatVector.fromArray(S, acc, v + ldv), s11 = FloatVector.fromArray(S, acc, v + ldv + L);
        FloatVector s12 = FloatVector.fromArray(S, acc, v + ldv + 2 * L), s13 = FloatVector.fromArray(S, acc, v + ldv + 3 * L);
        FloatVector s14 = FloatVector.fromArray(S, acc, v + ldv + 4 * L);
        int a1 = a0 + lda;
        for (int q = 0, col = 0, xq = 0; q < plane; q += L) {
            FloatVector u0 = FloatVector.fromArray(S, a, a0 + q), u1 = FloatVector.fromArray(S, a, a1 + q);
            FloatVector w = FloatVector.fromArray(S, x, b0 + xq);
            s00 = u0.fma(w, s00);
            s10 = u1.fma(w, s10);
            w = FloatVector.fromArray(S, x, b1 + xq);
            s01 = u0.fma(w, s01);
            s11 = u1.fma(w, s11);
            w = FloatVector.fromArray(S, x, b2 + xq);
            s02 = u0.fma(w, s02);
            s12 = u1.fma(w, s12);
            w = FloatVector.fromArray(S, x, b3 + xq);
            s03 = u0.fma(w, s03);
            s13 = u1.fma(w, s13);
            w = FloatVector.fromArray(S, x, b4 + xq);
            s04 = u0.fma(w, s04);
            s14 = u1.fma(w, s14);
            xq += L;
            col += L;
            if (col == ow) {
                col = 0;
                xq += skip;
            }
        }
        s00.intoArray(acc, v);
        s01.intoArray(acc, v + L);
        s02.intoArray(acc, v + 2 * L);
        s03.intoArray(acc, v + 3 * L);
        s04.intoArray(acc, v + 4 * L);
        s10.intoArray(acc, v + ldv);
        s11.intoArray(acc, v + ldv + L);
        s12.intoArray(acc, v + ldv + 2 * L);
        s13.intoArray(acc, v + ldv + 3 * L);
        s14.intoArray(acc, v + ldv + 4 * L);
    }

    /**
     * {@link #slotDot2x5} for five adjacent windows, b0 .. b0 + 4 (a kernel row at stride 1): read through one index,
     * C2 merges their five bounds checks into one and keeps the index in a register, where five unrelated offsets
     * took a check and a reload from the stack per load.
     */
    private static void slotDotRun2x5(ShiftPlan plan, float[] a, int a0, int lda, float[] x, int b0, float[] acc, int v,
                                      int ldv) {
        final int plane = plan.outPlane, ow = plan.g.outW(), skip = plan.wp - ow;
        FloatVector s00 = FloatVector.fromArray(S, acc, v), s01 = FloatVector.fromArray(S, acc, v + L);
        FloatVector s02 = FloatVector.fromArray(S, acc, v + 2 * L), s03 = FloatVector.fromArray(S, acc, v + 3 * L);
        FloatVector s04 = FloatVector.fromArray(S, acc, v + 4 * L);
        FloatVector s10 = FloatVector.fromArray(S, acc, v + ldv), s11 = FloatVector.fromArray(S, acc, v + ldv + L);
        FloatVector s12 = FloatVector.fromArray(S, acc, v + ldv + 2 * L), s13 = FloatVector.fromArray(S, acc, v + ldv + 3 * L);
        FloatVector s14 = FloatVector.fromArray(S, acc, v + ldv + 4 * L);
        int a1 = a0 + lda;
        for (int q = 0, col = 0, xq = b0; q < plane; q += L) {
            FloatVector u0 = FloatVector.fromArray(S, a, a0 + q), u1 = FloatVector.fromArray(S, a, a1 + q);
            FloatVector w = FloatVector.fromArray(S, x, xq);
            s00 = u0.fma(w, s00);
            s10 = u1.fma(w, s10);
            w = FloatVector.fromArray(S, x, xq + 1);
            s01 = u0.fma(w, s01);
            s11 = u1.fma(w, s11);
            w = FloatVector.fromArray(S, x, xq + 2);
            s02 = u0.fma(w, s02);
            s12 = u1.fma(w, s12);
            w = FloatVector.fromArray(S, x, xq + 3);
            s03 = u0.fma(w, s03);
            s13 = u1.fma(w, s13);
            w = FloatVector.fromArray(S, x, xq + 4);
            s04 = u0.fma(w, s04);
            s14 = u1.fma(w, s14);
            xq += L;
            col += L;
            if (col == ow) {
                col = 0;
                xq += skip;
            }
        }
        s00.intoArray(acc, v);
        s01.intoArray(acc, v + L);
        s02.intoArray(acc, v + 2 * L);
        s03.intoArray(acc, v + 3 * L);
        s04.intoArray(acc, v + 4 * L);
        s10.intoArray(acc, v + ldv);
        s11.intoArray(acc, v + ldv + L);
        s12.intoArray(acc, v + ldv + 2 * L);
        s13.intoArray(acc, v + ldv + 3 * L);
        s14.intoArray(acc, v + ldv + 4 * L);
    }

    /** Six dot products over the slots: dy planes at a0 and a0 + lda against the three adjacent windows from b0. */
    private static void slotDotRun2x3(ShiftPlan plan, float[] a, int a0, int lda, float[] x, int b0, float[] acc, int v,
                                      int ldv) {
        final int plane = plan.outPlane, ow = plan.g.outW(), skip = plan.wp - ow;
        FloatVector s00 = FloatVector.fromArray(S, acc, v), s01 = FloatVector.fromArray(S, acc, v + L);
        FloatVector s02 = FloatVector.fromArray(S, acc, v + 2 * L);
        FloatVector s10 = FloatVector.fromArray(S, acc, v + ldv), s11 = FloatVector.fromArray(S, acc, v + ldv + L);
        FloatVector s12 = FloatVector.fromArray(S, acc, v + ldv + 2 * L);
        int a1 = a0 + lda;
        for (int q = 0, col = 0, xq = b0; q < plane; q += L) {
            FloatVector u0 = FloatVector.fromArray(S, a, a0 + q), u1 = FloatVector.fromArray(S, a, a1 + q);
            FloatVector w = FloatVector.fromArray(S, x, xq);
            s00 = u0.fma(w, s00);
            s10 = u1.fma(w, s10);
            w = FloatVector.fromArray(S, x, xq + 1);
            s01 = u0.fma(w, s01);
            s11 = u1.fma(w, s11);
            w = FloatVector.fromArray(S, x, xq + 2);
            s02 = u0.fma(w, s02);
            s12 = u1.fma(w, s12);
            xq += L;
            col += L;
            if (col == ow) {
                col = 0;
                xq += skip;
            }
        }
        s00.intoArray(acc, v);
        s01.intoArray(acc, v + L);
        s02.intoArray(acc, v + 2 * L);
        s10.intoArray(acc, v + ldv);
        s11.intoArray(acc, v + ldv + L);
        s12.intoArray(acc, v + ldv + 2 * L);
    }

    /** Two dot products over the slots: dy planes at a0 and a0 + lda against the window at b0. */
    private static void slotDot2x1(ShiftPlan plan, float[] a, int a0, int lda, float[] x, int b0, float[] acc, int v,
                                   int ldv) {
        final int plane = plan.outPlane, ow = plan.g.outW(), skip = plan.wp - ow;
        FloatVector s0 = FloatVector.fromArray(S, acc, v), s1 = FloatVector.fromArray(S, acc, v + ldv);
        for (int q = 0, col = 0, xq = 0; q < plane; q += L) {
            FloatVector w = FloatVector.fromArray(S, x, b0 + xq);
            s0 = FloatVector.fromArray(S, a, a0 + q).fma(w, s0);
            s1 = FloatVector.fromArray(S, a, a0 + lda + q).fma(w, s1);
            xq += L;
            col += L;
            if (col == ow) {
                col = 0;
                xq += skip;
            }
        }
        s0.intoArray(acc, v);
        s1.intoArray(acc, v + ldv);
    }

    /** One dot product over the slots: dy plane at a0 against the window at b0. */
    private static void slotDot(ShiftPlan plan, float[] a, int a0, float[] x, int b0, float[] acc, int v) {
        final int plane = plan.outPlane, ow = plan.g.outW(), skip = plan.wp - ow;
        FloatVector sum = FloatVector.fromArray(S, acc, v);
        for (int q = 0, col = 0, xq = 0; q < plane; q += L) {
            sum = FloatVector.fromArray(S, a, a0 + q).fma(FloatVector.fromArray(S, x, b0 + xq), sum);
            xq += L;
            col += L;
            if (col == ow) {
                col = 0;
                xq += skip;
            }
        }
        sum.intoArray(acc, v);
    }

    private static void dot(int n, float[] a, int a0, float[] x, int b0, float[] acc, int v) {
        FloatVector s = FloatVector.fromArray(S, acc, v);
        for (int q = 0; q < n; q += L) s = FloatVector.fromArray(S, a, a0 + q).fma(FloatVector.fromArray(S, x, b0 + q), s);
        s.intoArray(acc, v);
    }
}
