package jcnn.kernel;

/**
 * {@link ConvDriver} on {@link GemmPanama}'s packing and micro-kernel (the Vector API). Block sizes are the
 * GEMM's: KC rows of B per panel block, MC rows of A per block.
 */
final class PanamaConv implements ConvDriver {
    private static final int MR = GemmPanama.MR, NR = GemmPanama.NR, KC = GemmPanama.KC, MC = GemmPanama.MC;

    /** Per-thread edge-tile buffer of the macro-kernels: up to 8 rows × NR. */
    private static final ThreadLocal<float[]> EDGE = ThreadLocal.withInitial(() -> new float[2 * MR * NR]);

    @Override
    public int nr() {
        return NR;
    }

    @Override
    public int mr() {
        return MR;
    }

    @Override
    public int kc() {
        return KC;
    }

    private static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }

    @Override
    public int packedASize(int m, int k) {
        return roundUp(m, MR) * k;
    }

    /** Block (pc, ic) lives at pc·roundUp(m, MR) + ic·kc: the blocks of one pc fill roundUp(m, MR)·kc floats. */
    @Override
    public void packA(boolean transA, float[] a, int aOff, int lda, int m, int k, float[] dst) {
        int mPad = roundUp(m, MR);
        float[] block = new float[Math.min(MC, mPad) * Math.min(KC, k)];
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            for (int ic = 0; ic < m; ic += MC) {
                int mc = Math.min(MC, m - ic);
                GemmPanama.packA(transA, a, aOff, lda, ic, pc, mc, kc, block);
                System.arraycopy(block, 0, dst, pc * mPad + ic * kc, roundUp(mc, MR) * kc);
            }
        }
    }

    @Override
    public int packedBSize(int cols) {
        return roundUp(cols, NR) * KC;
    }

    @Override
    public void multiply(float[] packedA, int m, int k, int cols, PanelSource b, int n0, int n1,
                         float[] out, int outOff, int outStride, float[] bias, int biasOff, float[] packB) {
        int mPad = roundUp(m, MR);
        float[] edge = EDGE.get();
        for (int n = n0; n < n1; n++) {
            int o = outOff + n * outStride;
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                b.pack(n, pc, kc, packB, kc, 0);
                boolean first = pc == 0;
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    GemmPanama.macroKernel(mc, cols, kc, packedA, pc * mPad + ic * kc, packB, first ? 0f : 1f,
                            out, o + ic * cols, cols, edge, first ? bias : null, biasOff + ic);
                }
            }
        }
    }

    @Override
    public void multiplyPacked(float[] packedA, int aOff, int m, int k, float[] packedB, int bOff, int cols, float beta,
                               float[] out, int outOff, int ldc) {
        float[] edge = EDGE.get();
        for (int ic = 0; ic < m; ic += MC) {
            GemmPanama.macroKernel(Math.min(MC, m - ic), cols, k, packedA, aOff + ic * k, packedB, bOff, beta,
                    out, outOff + ic * ldc, ldc, edge, null, 0);
        }
    }

    @Override
    public int narrowNr() {
        return GemmPanama.LANES;
    }

    @Override
    public void multiplyPackedNarrow(float[] packedA, int aOff, int mr, int m, int k, float[] packedB, int bOff, int cols,
                                     float beta, float[] out, int outOff, int ldc) {
        GemmPanama.macroKernelNarrow(m, cols, k, packedA, aOff, mr, packedB, bOff, beta, out, outOff, ldc, EDGE.get());
    }

    @Override
    public void multiplyPackedTall(float[] packedA, int aOff, int mr, int m, int k, float[] packedB, int bOff, int cols,
                                   float beta, float[] out, int outOff, int ldc) {
        GemmPanama.macroKernelTallA(m, cols, k, packedA, aOff, mr, packedB, bOff, beta, out, outOff, ldc);
    }

    @Override
    public boolean tallPanels() {
        return GemmPanama.WIDE_TILES;
    }

    @Override
    public void winogradInput(Winograd plan, float[] xpad, int t0, int count, int width, float[] v) {
        PanamaWinograd.input(plan, xpad, t0, count, width, v);
    }

    @Override
    public void winogradOutput(Winograd plan, float[] prod, int t0, int count, int width, float[] bias, int biasOff,
                               float[] y, int yOff, int yStride, boolean relu) {
        PanamaWinograd.output(plan, prod, t0, count, width, bias, biasOff, y, yOff, yStride, relu);
    }

    @Override
    public boolean headRuns(InterleavedHead head) {
        return PanamaInterleavedHead.runs(head);
    }

    @Override
    public void headForward(InterleavedHead head, float[] x, int xOff, int xStride, int count, float[] xi, float[] packed,
                            float[] bias, boolean relu, InterleavedWinograd next, float[] dst) {
        PanamaInterleavedHead.forward(head, x, xOff, xStride, count, xi, packed, bias, relu, next, dst);
    }

    @Override
    public void interleave(InterleavedWinograd plan, float[] x, int xOff, int xStride, int count, float[] xi, int at) {
        PanamaWinograd4x4.interleave(plan, x, xOff, xStride, count, xi, at);
    }

    @Override
    public void deinterleave(InterleavedWinograd plan, float[] xi, int at, float[] x, int xOff, int xStride, int count) {
        PanamaWinograd4x4.deinterleave(plan, xi, at, x, xOff, xStride, count);
    }

    @Override
    public void winograd4PackWeights(Winograd4x4 plan, float[] w, int wOff, float[] dst) {
        PanamaWinograd4x4.packWeights(plan, w, wOff, dst);
    }

    @Override
    public void winograd4Input(Winograd4x4 plan, float[] xi, int u0, int units, int width, float[] v) {
        PanamaWinograd4x4.input(plan, xi, u0, units, width, v);
    }

    @Override
    public void winograd4Output(Winograd4x4 plan, float[] prod, int u0, int units, int width, float[] bias, int biasOff,
                                float[] y, int yOff, int yStride, int count, boolean relu) {
        PanamaWinograd4x4.output(plan, prod, u0, units, width, bias, biasOff, y, yOff, yStride, count, relu);
    }

    @Override
    public void winograd4OutputPooled(Winograd4x4 plan, float[] prod, int u0, int units, int width, float[] bias, int biasOff,
                                      float[] y, int yOff, int yStride, int[] argmax, int count, boolean relu) {
        if (argmax != null) {
            PanamaWinograd4x4.outputPooledIndexed(plan, prod, u0, units, width, bias, biasOff, y, yOff, yStride, argmax, count, relu);
        } else {
            if (!relu) throw new IllegalArgumentException("pooled outputs without their positions are taken after a ReLU only");
            PanamaWinograd4x4.outputPooled(plan, prod, u0, units, width, bias, biasOff, y, yOff, yStride, count, relu);
        }
    }

    @Override
    public void winograd4OutputInterleaved(Winograd4x4 plan, float[] prod, int u0, int units, int width, float[] bias,
                                           int biasOff, boolean relu, boolean pool, InterleavedWinograd next, float[] dst,
                                           int dstAt) {
        PanamaWinograd4x4.outputInterleaved(plan, prod, u0, units, width, bias, biasOff, relu, pool, next, dst, dstAt);
    }

    @Override
    public void stride2Input(WinogradStride2 plan, float[] xi, int u0, int units, int width, float[] v) {
        PanamaWinogradStride2.input(plan, xi, u0, units, width, v);
    }

    @Override
    public void stride2Output(WinogradStride2 plan, float[] prod, int u0, int units, int width, float[] bias, int biasOff,
                              float[] y, int yOff, int yStride, int count, boolean relu) {
        PanamaWinogradStride2.output(plan, prod, u0, units, width, bias, biasOff, y, yOff, yStride, count, relu);
    }

    @Override
    public void stride2GradientInput(WinogradStride2Gradient plan, float[] dyi, int u0, int units, int width, float[] v) {
        PanamaWinogradStride2.gradientInput(plan, dyi, u0, units, width, v);
    }

    @Override
    public void stride2GradientOutput(WinogradStride2Gradient plan, float[] prod, int u0, int units, int width, float[] dxi) {
        PanamaWinogradStride2.gradientOutput(plan, prod, u0, units, width, dxi);
    }

    @Override
    public void stride2ChannelsLast(WinogradStride2WeightGradient plan, float[] x, int xOff, float[] dy, int dyOff,
                                    float[] xLast, float[] dyLast) {
        PanamaWinogradStride2.channelsLast(plan, x, xOff, dy, dyOff, xLast, dyLast);
    }

    @Override
    public void stride2WeightTransforms(WinogradStride2WeightGradient plan, float[] xLast, float[] dyLast, int t0,
                                        int count, int k0, int depth, float[] vT, float[] dyHat) {
        PanamaWinogradStride2.weightTransforms(plan, xLast, dyLast, t0, count, k0, depth, vT, dyHat);
    }

    @Override
    public void winogradChannelsLast(Winograd plan, float[] x, int xOff, float[] dy, int dyOff, float[] xLast, float[] dyLast) {
        PanamaWinograd.channelsLast(plan, x, xOff, dy, dyOff, xLast, dyLast);
    }

    @Override
    public void winogradGradientTransforms(Winograd plan, float[] xLast, float[] dyLast, int t0, int count, int k0,
                                           int depth, float[] vT, float[] dyHat) {
        PanamaWinograd.gradient(plan, xLast, dyLast, t0, count, k0, depth, vT, dyHat);
    }

    @Override
    public void packRows(float[] b, int bOff, int ldb, int r0, int count, int cols, float[] dst, int depth, int offset) {
        GemmPanama.packB(false, b, bOff, ldb, r0, 0, count, cols, dst, depth, offset);
    }

    @Override
    public void packColumns(float[] b, int bOff, int ldb, int r0, int count, int cols, float[] dst, int depth, int offset) {
        GemmPanama.packB(true, b, bOff, ldb, r0, 0, count, cols, dst, depth, offset);
    }

    @Override
    public int accumulateASize(int m) {
        return roundUp(m, MR) * KC;
    }

    @Override
    public void accumulate(int m, int kDim, int p, float[] a, int aOff, int aStride, PanelSource b, int n0, int n1,
                           float[] acc, int accOff, boolean overwrite, float[] packA, float[] packB) {
        float[] edge = EDGE.get();
        long total = (long) (n1 - n0) * p;
        if (total == 0 && overwrite) java.util.Arrays.fill(acc, accOff, accOff + m * kDim, 0f);
        for (long t0 = 0; t0 < total; t0 += KC) {
            int kc = (int) Math.min(KC, total - t0);
            // assemble one block of kc positions, possibly from several images
            for (int done = 0; done < kc; ) {
                long t = t0 + done;
                int n = n0 + (int) (t / p), q0 = (int) (t % p), count = Math.min(p - q0, kc - done);
                b.pack(n, q0, count, packB, kc, done);
                GemmPanama.packA(false, a, aOff + n * aStride, p, 0, q0, m, count, packA, kc, done);
                done += count;
            }
            float beta = overwrite && t0 == 0 ? 0f : 1f;
            for (int ic = 0; ic < m; ic += MC) {
                GemmPanama.macroKernel(Math.min(MC, m - ic), kDim, kc, packA, ic * kc, packB, beta, acc, accOff + ic * kDim, kDim,
                        edge, null, 0);
            }
        }
    }

    /**
     * Stride 1 always; strided plans only on slots. With K above one depth block the windows of the four phase planes
     * fall out of L1 between the W panels that share them: (32,64,56,56)→128 stride 2 took 57 ms through im2col and
     * 67 ms so (57-62 with each panel's windows first gathered into a packed panel: equal at best). On slots:
     * (100,16,28,28)→32 stride 2 5.4 → 4.3 ms.
     */
    @Override
    public boolean shiftedForwardPays(ShiftPlan plan) {
        return !plan.phased() || PanamaShifted.slotted(plan);
    }

    @Override
    public void shiftedForward(ShiftPlan plan, float[] x, int xOff, float[] packedW, int m, float[] bias, int biasOff,
                               float[] out, int outOff, float[] xpad, float[] padded, boolean relu) {
        PanamaShifted.forward(plan, x, xOff, packedW, m, bias, biasOff, out, outOff, xpad, padded, EDGE.get(), relu);
    }

    @Override
    public boolean shiftedForwardComputesPadded(ShiftPlan plan) {
        return !PanamaShifted.slotted(plan);
    }

    @Override
    public void shiftedForwardPadded(ShiftPlan plan, float[] x, int xOff, float[] packedW, int m, float[] bias, int biasOff,
                                     float[] xpad, float[] padded) {
        PanamaShifted.forwardPadded(plan, x, xOff, packedW, m, bias, biasOff, xpad, padded, EDGE.get());
    }

    @Override
    public boolean shiftedGradientReadsPadded(ShiftPlan plan) {
        return PanamaShifted.gradientReadsPadded(plan);
    }

    @Override
    public void shiftedWeightGradientPadded(ShiftPlan plan, float[] x, int xOff, int m, float[] grad, int gOff, float[] xpad,
                                            float[] dyT) {
        PanamaShifted.dotGradientPadded(plan, x, xOff, m, grad, gOff, xpad, dyT);
    }

    @Override
    public int shiftedGradientSize(ShiftPlan plan, int m) {
        return PanamaShifted.gradientSize(plan, m);
    }

    @Override
    public int shiftedGradientPanelsSize(ShiftPlan plan, int m) {
        return PanamaShifted.gradientPanelsSize(plan, m);
    }

    @Override
    public void shiftedWeightGradient(ShiftPlan plan, float[] x, int xOff, float[] dy, int dyOff, int m, float[] grad,
                                      int gOff, float[] xpad, float[] dyT) {
        PanamaShifted.weightGradient(plan, x, xOff, dy, dyOff, m, grad, gOff, xpad, dyT);
    }

    @Override
    public void storeShiftedGradient(ShiftPlan plan, int m, float[] grad, int gOff, float[] acc, int accOff) {
        PanamaShifted.storeGradient(plan, m, grad, gOff, acc, accOff);
    }
}
