package jcnn.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import jcnn.testing.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The two implementations of {@link Convolution} — the driver (weights packed once, im2col straight into GEMM
 * panels, bias in the tile store, one weight-gradient accumulation over the batch) and the textbook per-image
 * im2col + GEMM — give the same forward, input gradient and weight gradient, on geometries that exercise
 * partial panels and blocks (more than 256 rows of K, output channels past 128, odd sizes, groups, 1×1).
 */
class ConvolutionTest {

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        // channels, h, w, outChannels, kernel, stride, pad, dilation, groups, batch
        int[][] c = {
                {1, 28, 28, 30, 5, 1, 0, 1, 1, 3},
                {3, 9, 7, 5, 3, 2, 1, 1, 1, 4},
                {4, 6, 6, 6, 3, 1, 2, 2, 2, 3},
                {30, 7, 9, 13, 3, 1, 1, 1, 1, 2},    // K = 270 > KC: two depth blocks
                {6, 5, 5, 132, 1, 1, 0, 1, 1, 2},    // M = 132 > MC, pointwise
                {8, 5, 5, 4, 1, 2, 0, 1, 4, 3},      // strided 1x1, grouped
                {64, 4, 4, 8, 3, 1, 1, 1, 1, 2},     // K = 576
                {2, 1, 37, 3, 4, 2, 2, 1, 1, 5},     // 1-D
                // stride 1 with K >= 64: the weight gradient over shifted windows
                {32, 6, 7, 8, 3, 1, 1, 1, 2, 3},     // grouped, 8 channels per group (part of one panel)
                {16, 9, 8, 20, 3, 1, 2, 2, 1, 3},    // dilated, 20 channels (two panels)
                {16, 20, 20, 5, 3, 1, 1, 1, 1, 2},   // 440 positions: several position blocks
                {7, 10, 10, 6, 5, 1, 0, 1, 1, 3},    // K = 175, not a multiple of the 4-row tile
                // the forward on output vectors (slots): rows at least 8 wide, K <= 256
                {3, 15, 15, 6, 3, 1, 1, 1, 1, 2},    // 15-wide rows: the last slot repeats 7 outputs
                {1, 11, 10, 7, 3, 1, 0, 1, 1, 3},    // one slot per row, 9 slots: the last pairs with itself
                {5, 9, 16, 4, 3, 1, 1, 1, 1, 2},     // K = 45: weight gradient by fives of windows that are not a kernel row
                {1, 10, 10, 130, 3, 1, 0, 1, 1, 2},  // 130 channels: panels past MC, a partial last panel
                {4, 10, 18, 6, 3, 1, 0, 1, 2, 2},    // grouped, 16-wide rows
                {16, 28, 28, 6, 3, 1, 1, 1, 1, 2},   // 28-wide rows (3.5 slots), K = 144; its input gradient too
                // strides with K >= 64, over the phase planes of ShiftPlan (see stridedCasesUsePhasePlanes)
                {16, 28, 28, 12, 3, 2, 1, 1, 1, 2},  // stride 2, K = 144: the forward on slots, the gradient as GEMM
                {64, 12, 11, 24, 3, 2, 1, 1, 1, 2},  // stride 2, K = 576 > KC: odd padded width
                {5, 17, 19, 7, 5, 3, 2, 1, 1, 2},    // stride 3, kernel 5: phases of unequal sizes
                {9, 16, 15, 6, 3, 2, 2, 2, 1, 3},    // stride 2 and dilation 2: every tap in one phase
                {16, 13, 12, 4, 2, 2, 0, 1, 1, 2},   // kernel 2, stride 2: one tap per phase
                // Winograd F(2x2, 3x3) (see winogradCasesUseWinograd)
                {64, 9, 11, 40, 3, 1, 1, 1, 1, 2},   // odd outputs (tiles over the edges), forward and input gradient
                {128, 7, 6, 96, 3, 1, 0, 1, 2, 3},   // grouped (64 in, 48 out per group); input gradient with padding 2
                {16, 9, 11, 20, 3, 1, 1, 1, 1, 3},   // 16 channels: only the weight gradient, odd outputs
                {16, 7, 10, 32, 3, 1, 1, 1, 1, 3},   // the weight gradient and the input gradient (32 in, 16 out)
                // Winograd F(4x4, 3x3): batches of whole 8-image groups (see winogradCasesUseWinograd)
                {64, 9, 11, 40, 3, 1, 1, 1, 1, 20},  // odd outputs (tiles over the edges), a partial last group
                {128, 7, 6, 96, 3, 1, 0, 1, 2, 8},   // grouped; outputs 5x4; input gradient with padding 2
                {16, 14, 14, 16, 3, 1, 1, 1, 1, 16}, // 16 channels: forward and input gradient, two groups
                {16, 5, 5, 300, 3, 1, 1, 1, 1, 8},   // the input gradient 300 -> 16: two depth blocks
                // the stride-2 Winograd forward and input gradient: batches of whole 8-image groups (see winogradCasesUseWinograd)
                {32, 11, 12, 20, 3, 2, 1, 1, 1, 8},  // 6x6 outputs, one group
                {64, 14, 13, 48, 3, 2, 0, 1, 2, 13}, // grouped (32 in, 24 out per group), 6x6 outputs, a partial group
                {32, 9, 9, 16, 3, 2, 2, 1, 1, 20},   // padding 2, odd outputs (5x5), a partial last group
                {8, 10, 9, 16, 3, 2, 1, 1, 1, 16},   // the stride-2 input gradient alone (8 channels in), 5x5 outputs
        };
        for (int[] a : c) out.add(Arguments.of((Object) a));
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void driverMatchesThePlainGemmPath(int[] a) {
        int cIn = a[0], h = a[1], w = a[2], m = a[3], k = a[4], s = a[5], pad = a[6], d = a[7], groups = a[8], batch = a[9];
        ConvGeometry g = ConvGeometry.of(cIn / groups, h, w, h == 1 ? 1 : k, k, h == 1 ? 1 : s, s,
                h == 1 ? 0 : pad, h == 1 ? 0 : pad, pad, pad, h == 1 ? 1 : d, d);
        Convolution fast = new Convolution(g, groups, m, true), plain = new Convolution(g, groups, m, false);
        SplittableRandom r = new SplittableRandom(cIn * 31L + m);
        float[] x = GemmTest.randomArray(r, batch * fast.inputSize());
        float[] wt = GemmTest.randomArray(r, m * g.colRows());
        float[] bias = GemmTest.randomArray(r, m);
        float[] dy = GemmTest.randomArray(r, batch * fast.outputSize());
        double tol = 1e-5 * (g.colRows() + m + 8);

        float[] y1 = new float[dy.length], y2 = new float[dy.length];
        fast.forward(x, wt, bias, y1, batch);
        plain.forward(x, wt, bias, y2, batch);
        Tensors.assertClose(y2, y1, tol, tol, "forward");

        // the ReLU applied as the output is written equals max(forward, 0)
        float[] yRelu = new float[dy.length];
        fast.forward(x, wt, bias, yRelu, batch, true);
        for (int i = 0; i < y2.length; i++) y2[i] = Math.max(y2[i], 0f);
        Tensors.assertClose(y2, yRelu, tol, tol, "forward with ReLU");

        float[] dx1 = new float[x.length], dx2 = new float[x.length];
        fast.backwardData(dy, wt, dx1, batch);
        plain.backwardData(dy, wt, dx2, batch);
        Tensors.assertClose(dx2, dx1, tol, tol, "backwardData");

        float[] dw1 = GemmTest.randomArray(r, wt.length), dw2 = new float[wt.length];
        float[] db1 = GemmTest.randomArray(r, m), db2 = GemmTest.randomArray(r, m), db = new float[m];
        fast.backwardWeight(x, dy, dw1, db1, batch);
        plain.backwardWeight(x, dy, dw2, db2, batch);
        double wtol = 1e-5 * (batch * g.colCols() + 8);
        Tensors.assertClose(dw2, dw1, wtol, wtol, "backwardWeight");
        // the bias gradient summed alongside equals the separate pass, on both paths
        Convolution.biasGradient(dy, db, batch, m, g.colCols());
        Tensors.assertClose(db, db1, wtol, wtol, "bias gradient (driver)");
        Tensors.assertClose(db, db2, wtol, wtol, "bias gradient (plain)");
    }

    /** The Winograd cases above do take that path where they should (or they would test nothing new). */
    @Test
    void winogradCasesUseWinograd() {
        ConvGeometry c16 = ConvGeometry.of(16, 9, 11, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        ConvGeometry d16 = ConvGeometry.of(16, 7, 10, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        org.junit.jupiter.api.Assertions.assertFalse(Convolution.winogradPays(c16, 20));
        org.junit.jupiter.api.Assertions.assertFalse(Convolution.winogradPays(ShiftPlan.inputGradient(c16, 20), 16));
        org.junit.jupiter.api.Assertions.assertTrue(Convolution.winogradWeightGradientPays(c16, 20));
        org.junit.jupiter.api.Assertions.assertFalse(Convolution.winogradPays(d16, 32));
        org.junit.jupiter.api.Assertions.assertTrue(Convolution.winogradPays(ShiftPlan.inputGradient(d16, 32), 16));
        org.junit.jupiter.api.Assertions.assertTrue(Convolution.winogradWeightGradientPays(d16, 32));
        ConvGeometry a = ConvGeometry.of(64, 9, 11, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        ConvGeometry b = ConvGeometry.of(64, 7, 6, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1);
        org.junit.jupiter.api.Assertions.assertTrue(Convolution.winograd4Pays(c16, 16) || !PanamaWinograd4x4.AVAILABLE);
        org.junit.jupiter.api.Assertions.assertTrue(Convolution.winograd4Pays(ShiftPlan.inputGradient(c16, 300), 16) || !PanamaWinograd4x4.AVAILABLE);
        org.junit.jupiter.api.Assertions.assertFalse(Convolution.winograd4Pays(ConvGeometry.of(8, 9, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 16));
        org.junit.jupiter.api.Assertions.assertFalse(Convolution.winograd4Pays(ConvGeometry.of(32, 9, 9, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1), 16));
        org.junit.jupiter.api.Assertions.assertTrue(Convolution.winogradStride2Pays(ConvGeometry.of(32, 11, 12, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1), 20)
                || !PanamaWinogradStride2.AVAILABLE);
        org.junit.jupiter.api.Assertions.assertTrue(Convolution.winogradStride2Pays(ConvGeometry.of(32, 9, 9, 3, 3, 2, 2, 2, 2, 2, 2, 1, 1), 16)
                || !PanamaWinogradStride2.AVAILABLE);
        org.junit.jupiter.api.Assertions.assertTrue(Convolution.winogradStride2Pays(ConvGeometry.of(32, 14, 13, 3, 3, 2, 2, 0, 0, 0, 0, 1, 1), 24)
                || !PanamaWinogradStride2.AVAILABLE);
        for (ConvGeometry s2 : new ConvGeometry[] {ConvGeometry.of(32, 11, 12, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1),
                ConvGeometry.of(32, 9, 9, 3, 3, 2, 2, 2, 2, 2, 2, 1, 1), ConvGeometry.of(8, 10, 9, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1)}) {
            org.junit.jupiter.api.Assertions.assertTrue(Convolution.winogradStride2GradientPays(s2, 16) || !PanamaWinogradStride2.AVAILABLE);
        }
        org.junit.jupiter.api.Assertions.assertFalse(Convolution.winogradStride2GradientPays(ConvGeometry.of(4, 10, 9, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1), 16));
        // the stride-2 weight gradient: every stride-2 case above with 32 channels in (per group), at either panel width
        for (int nr : new int[] {16, 32}) {
            for (ConvGeometry s2 : new ConvGeometry[] {ConvGeometry.of(32, 11, 12, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1),
                    ConvGeometry.of(32, 9, 9, 3, 3, 2, 2, 2, 2, 2, 2, 1, 1), ConvGeometry.of(32, 14, 13, 3, 3, 2, 2, 0, 0, 0, 0, 1, 1)}) {
                org.junit.jupiter.api.Assertions.assertTrue(Convolution.winogradStride2WeightGradientPays(s2, 16, nr)
                        || !PanamaWinogradStride2.WEIGHT_GRADIENT_AVAILABLE, s2 + ", nr " + nr);
            }
        }
        ConvGeometry narrow = ConvGeometry.of(16, 28, 28, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);
        org.junit.jupiter.api.Assertions.assertTrue(Convolution.winogradStride2WeightGradientPays(narrow, 16, 16)
                || !PanamaWinogradStride2.WEIGHT_GRADIENT_AVAILABLE);
        org.junit.jupiter.api.Assertions.assertFalse(Convolution.winogradStride2WeightGradientPays(narrow, 16, 32));
        org.junit.jupiter.api.Assertions.assertFalse(Convolution.winogradStride2WeightGradientPays(narrow, 12, 16));
        org.junit.jupiter.api.Assertions.assertFalse(Convolution.winogradStride2WeightGradientPays(ConvGeometry.of(8, 10, 9, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1), 16, 16));
        org.junit.jupiter.api.Assertions.assertFalse(Convolution.winogradStride2WeightGradientPays(ConvGeometry.of(32, 10, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 16, 16));
        org.junit.jupiter.api.Assertions.assertFalse(Convolution.winogradStride2GradientPays(ConvGeometry.of(32, 10, 9, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1), 8));
        org.junit.jupiter.api.Assertions.assertFalse(Convolution.winogradStride2Pays(ConvGeometry.of(16, 28, 28, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1), 12));
        org.junit.jupiter.api.Assertions.assertFalse(Convolution.winogradStride2Pays(ConvGeometry.of(64, 12, 11, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1), 8));
        org.junit.jupiter.api.Assertions.assertFalse(Convolution.winogradStride2Pays(a, 40));
        org.junit.jupiter.api.Assertions.assertTrue(Convolution.winogradPays(a, 40));
        org.junit.jupiter.api.Assertions.assertTrue(Convolution.winogradPays(ShiftPlan.inputGradient(a, 40), 64));
        org.junit.jupiter.api.Assertions.assertTrue(Convolution.winogradPays(b, 48));
        org.junit.jupiter.api.Assertions.assertTrue(Convolution.winogradPays(ShiftPlan.inputGradient(b, 48), 64));
    }

    /**
     * The forward with its 2×2 max pooling in F(4×4, 3×3)'s output transform against the forward and then
     * {@link Pooling}: the same pooled floats and positions, with and without ReLU, at 1 and 2 threads (batch 8 on two
     * threads: slices of one group's tiles; 21: a partial group), odd output sizes (a dropped row and column); false,
     * and nothing written, where the forward takes another path. The same through the shifted GEMM's path (where the
     * 16-channel layer goes for batches that do not fill 8-image groups).
     */
    @Test
    void forwardPooledIsTheForwardThenThePooling() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.CONV != null && PanamaWinograd4x4.AVAILABLE, "no F(4x4, 3x3)");
        int before = Parallel.threads();
        try {
            for (ConvGeometry g : new ConvGeometry[] {ConvGeometry.of(16, 13, 13, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1),
                    ConvGeometry.of(16, 12, 10, 3, 3, 1, 1, 2, 2, 1, 1, 1, 1),
                    // the shifted GEMM: SimpleConvNet's 5×5 layer, and an odd output (9×9)
                    ConvGeometry.of(1, 28, 28, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1), ConvGeometry.of(3, 11, 11, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1)})
            for (int batch : new int[] {8, 21})
            for (int threads = 1; threads <= 2; threads++) {
                Parallel.setThreads(threads);
                Convolution conv = new Convolution(g, 1, 20);
                SplittableRandom r = new SplittableRandom(batch + 10L * threads);
                float[] x = GemmTest.randomArray(r, batch * conv.inputSize()), wt = GemmTest.randomArray(r, 20 * g.colRows());
                float[] bias = GemmTest.randomArray(r, 20);
                x[17] = Float.NaN;  // one NaN: it spreads through its image's outputs, and wins its windows
                ConvGeometry window = ConvGeometry.of(1, g.outH(), g.outW(), 2, 2, 2, 2, 0, 0, 0, 0, 1, 1);
                int pooledSize = batch * 20 * window.outH() * window.outW();
                for (boolean relu : new boolean[] {false, true}) {
                    float[] y = new float[batch * conv.outputSize()], expected = new float[pooledSize], pooled = new float[pooledSize];
                    int[] argmaxExpected = new int[pooledSize], argmax = new int[pooledSize];
                    conv.forward(x, wt, bias, y, batch, relu);
                    Pooling.maxPoolForward(window, y, expected, argmaxExpected, batch * 20);
                    org.junit.jupiter.api.Assertions.assertTrue(conv.forwardPooled(x, wt, bias, pooled, argmax, batch, relu));
                    String where = g + ", batch " + batch + ", " + threads + " threads" + (relu ? ", ReLU" : "");
                    assertArrayEquals(expected, pooled, "pooled outputs, " + where);
                    assertArrayEquals(argmaxExpected, argmax, "positions, " + where);
                    if (relu) {
                        float[] noIndices = new float[pooledSize];
                        org.junit.jupiter.api.Assertions.assertTrue(conv.forwardPooled(x, wt, bias, noIndices, null, batch, true));
                        assertArrayEquals(expected, noIndices, "pooled outputs without positions, " + where);
                    } else if (g.channels() >= 16) {
                        org.junit.jupiter.api.Assertions.assertFalse(conv.forwardPooled(x, wt, bias, pooled, null, batch, false),
                                "without positions only after a ReLU");
                    }
                }
            }
            // a stride-2 layer (its own Winograd algorithm, or a GEMM): declined, nothing written
            Convolution strided = new Convolution(ConvGeometry.of(32, 9, 9, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1), 1, 20);
            float[] untouched = new float[4];
            org.junit.jupiter.api.Assertions.assertFalse(strided.forwardPooled(new float[6 * strided.inputSize()],
                    new float[20 * 32 * 9], null, untouched, new int[4], 6, true), "a stride-2 layer");
            assertArrayEquals(new float[4], untouched);
        } finally {
            Parallel.setThreads(before);
        }
    }

    /**
     * {@link Convolution#backwardWeightPooled} (the pooling's backward written straight into the shifted GEMM's padded
     * buffer) against the pooling's backward into dy and then {@link Convolution#backwardWeight}: dw and db bit for bit,
     * with and without the ReLU mask, at 1 and 2 threads, on SimpleConvNet's 5×5 layer and a three-channel 3×3 one;
     * false, and nothing written, for an odd output (a row and a column no window covers) and a layer whose weight
     * gradient takes Winograd's algorithm.
     */
    @Test
    void backwardWeightPooledIsThePoolingsBackwardThenTheWeightGradient() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.CONV != null, "no vector driver");
        int before = Parallel.threads(), applied = 0;
        try {
            for (ConvGeometry g : new ConvGeometry[] {ConvGeometry.of(1, 28, 28, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1),
                    ConvGeometry.of(3, 12, 12, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1)})
            for (int threads = 1; threads <= 2; threads++) {
                Parallel.setThreads(threads);
                int batch = 13, m = 20;
                Convolution conv = new Convolution(g, 1, m);
                SplittableRandom r = new SplittableRandom(threads + g.channels());
                float[] x = GemmTest.randomArray(r, batch * conv.inputSize()), wt = GemmTest.randomArray(r, m * g.colRows());
                float[] bias = GemmTest.randomArray(r, m), y = new float[batch * conv.outputSize()];
                conv.forward(x, wt, bias, y, batch, false);
                ConvGeometry window = ConvGeometry.of(1, g.outH(), g.outW(), 2, 2, 2, 2, 0, 0, 0, 0, 1, 1);
                int pooledSize = batch * m * window.outH() * window.outW();
                float[] pooled = new float[pooledSize], pooledGrad = GemmTest.randomArray(r, pooledSize);
                int[] argmax = new int[pooledSize];
                Pooling.maxPoolForward(window, y, pooled, argmax, batch * m);
                for (float[] mask : new float[][] {null, pooled}) {
                    float[] dy = new float[y.length], dwExpected = new float[wt.length], dbExpected = new float[m];
                    Pooling.maxPoolBackward(window, pooledGrad, argmax, dy, batch * m, mask);
                    conv.backwardWeight(x, dy, dwExpected, dbExpected, batch);
                    float[] dw = new float[wt.length], db = new float[m];
                    String where = g + ", " + threads + " threads" + (mask != null ? ", ReLU mask" : "");
                    if (!conv.backwardWeightPooled(x, pooledGrad, argmax, mask, dw, db, batch)) {
                        // on 8 lanes the 5×5 layer's weight gradient reads row slots, not the padded width
                        assertArrayEquals(new float[wt.length], dw, "declined, nothing written, " + where);
                        continue;
                    }
                    applied++;
                    assertArrayEquals(dwExpected, dw, "weight gradient, " + where);
                    assertArrayEquals(dbExpected, db, "bias gradient, " + where);
                    // and again: the buffers reused
                    org.junit.jupiter.api.Assertions.assertTrue(conv.backwardWeightPooled(x, pooledGrad, argmax, mask, dw, db, batch));
                    assertArrayEquals(dwExpected, dw, "second call, " + where);
                }
            }
            org.junit.jupiter.api.Assertions.assertTrue(applied >= 4, "the three-channel layer at least, at 1 and 2 threads");
            float[] untouched = new float[4];
            Convolution odd = new Convolution(ConvGeometry.of(3, 11, 11, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1), 1, 20);
            org.junit.jupiter.api.Assertions.assertFalse(odd.backwardWeightPooled(new float[4 * odd.inputSize()], new float[4 * 20 * 16],
                    new int[4 * 20 * 16], null, new float[20 * 27], untouched, 4), "an odd output");
            Convolution winograd = new Convolution(ConvGeometry.of(16, 12, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 1, 16);
            org.junit.jupiter.api.Assertions.assertFalse(winograd.backwardWeightPooled(new float[4 * winograd.inputSize()],
                    new float[4 * 16 * 36], new int[4 * 16 * 36], null, new float[16 * 144], untouched, 4), "a Winograd weight gradient");
            assertArrayEquals(new float[4], untouched);
        } finally {
            Parallel.setThreads(before);
        }
    }

    /**
     * {@link Convolution#backward}, both gradients in one pass, against {@link Convolution#backwardWeight} and
     * {@link Convolution#backwardData} run one after the other: the same input gradient bit for bit (each output
     * is computed by one unit of its own image), the weight and bias gradients to rounding (their partial sums are
     * grouped by groups of images rather than by images), at 1 and 2 threads, batches with a partial last group and
     * a part per thread of several groups. {@code first} fills each image's dy before anything reads it (dy starts
     * as NaN), {@code then} sees each image once and only after its dx is written; false, and nothing written, where
     * the pass does not apply.
     */
    @Test
    void fusedBackwardIsBothGradients() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.CONV != null && PanamaWinograd4x4.AVAILABLE, "no F(4x4, 3x3)");
        int before = Parallel.threads();
        try {
            for (ConvGeometry g : new ConvGeometry[] {ConvGeometry.of(16, 10, 10, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1),
                    ConvGeometry.of(24, 9, 7, 3, 3, 1, 1, 2, 2, 1, 1, 1, 1)})
            for (int batch : new int[] {37, 100})
            for (int threads = 1; threads <= 2; threads++) {
                Parallel.setThreads(threads);
                int m = 32;
                Convolution conv = new Convolution(g, 1, m);
                SplittableRandom r = new SplittableRandom(batch + 10L * threads + g.channels());
                float[] x = GemmTest.randomArray(r, batch * conv.inputSize()), dySource = GemmTest.randomArray(r, batch * conv.outputSize());
                float[] wt = GemmTest.randomArray(r, m * g.colRows());
                float[] dwExpected = new float[wt.length], dbExpected = new float[m], dxExpected = new float[x.length];
                conv.backwardWeight(x, dySource, dwExpected, dbExpected, batch);
                conv.backwardData(dySource, wt, dxExpected, batch);
                float[] dy = new float[dySource.length], dx = new float[x.length], dw = new float[wt.length], db = new float[m];
                java.util.Arrays.fill(dy, Float.NaN);
                java.util.Arrays.fill(dx, Float.NaN);
                int[] seen = new int[batch];
                int per = conv.inputSize();
                org.junit.jupiter.api.Assertions.assertTrue(conv.backward(x, dy, wt, dx, dw, db, batch,
                        (n0, n1) -> System.arraycopy(dySource, n0 * conv.outputSize(), dy, n0 * conv.outputSize(), (n1 - n0) * conv.outputSize()),
                        (n0, n1) -> {
                            for (int n = n0; n < n1; n++) {
                                seen[n]++;
                                for (int i = n * per; i < (n + 1) * per; i++) {
                                    if (Float.isNaN(dx[i])) throw new AssertionError("image " + n + "'s dx handed on before it was written");
                                }
                            }
                        }));
                String where = g + ", batch " + batch + ", " + threads + " threads";
                assertArrayEquals(dxExpected, dx, "input gradient, " + where);
                for (int n = 0; n < batch; n++) org.junit.jupiter.api.Assertions.assertEquals(1, seen[n], "image " + n + ", " + where);
                // each weight-gradient element sums batch·outH·outW products of magnitude <= 1
                double tol = 1e-5 * batch * g.outH() * g.outW();
                for (int i = 0; i < dw.length; i++) org.junit.jupiter.api.Assertions.assertEquals(dwExpected[i], dw[i], tol, "dw[" + i + "], " + where);
                for (int i = 0; i < m; i++) org.junit.jupiter.api.Assertions.assertEquals(dbExpected[i], db[i], tol, "db[" + i + "], " + where);
                // the same pass again: the same floats (the partial sums are fixed by the batch and the thread count)
                float[] dw2 = new float[wt.length], db2 = new float[m], dx2 = new float[x.length];
                org.junit.jupiter.api.Assertions.assertTrue(conv.backward(x, dySource, wt, dx2, dw2, db2, batch, null, null));
                assertArrayEquals(dw, dw2, "repeated, " + where);
                assertArrayEquals(db, db2, "repeated, " + where);
                assertArrayEquals(dx, dx2, "repeated, " + where);
            }
            // where it does not apply (8 input channels: no F(2×2) weight gradient; a batch of 3: no whole groups)
            Parallel.setThreads(1);
            Convolution narrow = new Convolution(ConvGeometry.of(8, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 1, 16);
            Convolution wide = new Convolution(ConvGeometry.of(16, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 1, 16);
            for (Object[] c : new Object[][] {{narrow, 16}, {wide, 3}}) {
                Convolution conv = (Convolution) c[0];
                int batch = (Integer) c[1];
                float[] dx = new float[batch * conv.inputSize()], dw = new float[16 * 9 * (conv == narrow ? 8 : 16)];
                org.junit.jupiter.api.Assertions.assertFalse(conv.backward(new float[dx.length], new float[batch * conv.outputSize()],
                        new float[dw.length], dx, dw, new float[16], batch, null, null));
                assertArrayEquals(new float[dx.length], dx);
                assertArrayEquals(new float[dw.length], dw);
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    /**
     * F(4×4, 3×3) and the stride-2 Winograd, with fewer 8-image groups than two per thread, cut each group's tiles
     * into slices that the threads share: at 1, 2 and 3 threads, batches of 8 and 20 give the same floats as at one thread (each output is
     * computed by one unit, whichever thread takes it), close to the plain path, and the fused next step runs on
     * every image once.
     */
    @Test
    void interleavedWinogradSlicesGiveTheSameResultsAtAnyThreadCount() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.CONV != null && PanamaWinograd4x4.AVAILABLE
                && PanamaWinogradStride2.AVAILABLE, "no F(4x4, 3x3)");
        int before = Parallel.threads();
        try {
            for (ConvGeometry g : new ConvGeometry[] {ConvGeometry.of(16, 13, 13, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1),
                    ConvGeometry.of(32, 13, 13, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1)})
            for (int batch : new int[] {8, 20}) {
                Convolution conv = new Convolution(g, 1, 24), plain = new Convolution(g, 1, 24, false);
                SplittableRandom r = new SplittableRandom(batch);
                float[] x = GemmTest.randomArray(r, batch * conv.inputSize()), wt = GemmTest.randomArray(r, 24 * g.colRows());
                float[] bias = GemmTest.randomArray(r, 24), dy = GemmTest.randomArray(r, batch * conv.outputSize());
                float[] y1 = null, dx1 = null;
                for (int threads = 1; threads <= 3; threads++) {
                    Parallel.setThreads(threads);
                    float[] y = new float[dy.length], dx = new float[x.length];
                    int[] seen = new int[batch];
                    conv.forward(x, wt, bias, y, batch, false, (n0, n1) -> {
                        synchronized (seen) {
                            for (int n = n0; n < n1; n++) seen[n]++;
                        }
                    });
                    conv.backwardData(dy, wt, dx, batch);
                    for (int n = 0; n < batch; n++) org.junit.jupiter.api.Assertions.assertEquals(1, seen[n], "image " + n + " handed on");
                    if (y1 == null) {
                        y1 = y;
                        dx1 = dx;
                        float[] y2 = new float[y.length], dx2 = new float[x.length];
                        plain.forward(x, wt, bias, y2, batch);
                        plain.backwardData(dy, wt, dx2, batch);
                        Tensors.assertClose(y2, y, 1e-3, 1e-3, "forward, batch " + batch);
                        Tensors.assertClose(dx2, dx, 1e-3, 1e-3, "input gradient, batch " + batch);
                    }
                    assertArrayEquals(y1, y, "forward, batch " + batch + ", " + threads + " threads");
                    if (g.strideH() == 2 && !WinogradStride2Gradient.takes(batch, threads)) {
                        // the stride-2 input gradient of fewer image groups than threads takes the GEMM's path instead
                        Tensors.assertClose(dx1, dx, 1e-5, 1e-5, "input gradient, batch " + batch + ", " + threads + " threads");
                    } else {
                        assertArrayEquals(dx1, dx, "input gradient, batch " + batch + ", " + threads + " threads");
                    }
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    /**
     * The strided cases above do run on phase planes, the first one's forward on slots where its 14-wide output rows
     * hold a vector (8 lanes: AVX2; with 16, AVX-512, slots need rows of 16); K below 64 does not.
     */
    @Test
    void stridedCasesUsePhasePlanes() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.CONV != null, "no Vector API driver");
        int nr = VectorSupport.CONV.nr();
        ShiftPlan slots = ShiftPlan.of(ConvGeometry.of(16, 28, 28, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1), nr);
        org.junit.jupiter.api.Assertions.assertTrue(slots != null && slots.phased());
        org.junit.jupiter.api.Assertions.assertEquals(GemmPanama.LANES <= 14, VectorSupport.CONV.shiftedForwardPays(slots),
                "slots for 14-wide rows with " + GemmPanama.LANES + " lanes");
        ShiftPlan wide = ShiftPlan.of(ConvGeometry.of(16, 4 * GemmPanama.LANES, 4 * GemmPanama.LANES, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1), nr);
        org.junit.jupiter.api.Assertions.assertTrue(wide != null && wide.phased() && VectorSupport.CONV.shiftedForwardPays(wide),
                "slots for rows of two vectors");
        for (ConvGeometry g : new ConvGeometry[] {ConvGeometry.of(64, 12, 11, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1),
                ConvGeometry.of(5, 17, 19, 5, 5, 3, 3, 2, 2, 2, 2, 1, 1), ConvGeometry.of(9, 16, 15, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2),
                ConvGeometry.of(16, 13, 12, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1)}) {
            ShiftPlan plan = ShiftPlan.of(g, nr);
            org.junit.jupiter.api.Assertions.assertTrue(plan != null && plan.phased(), g.toString());
        }
        org.junit.jupiter.api.Assertions.assertNull(ShiftPlan.of(ConvGeometry.of(3, 9, 7, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1), nr));
    }

    /**
     * The batch is cut into parts that threads claim dynamically. Forward and input gradient are per image, so they
     * are the same bit for bit at any thread count; the weight and bias gradients are summed per part and added in
     * part order, so they repeat bit for bit at a given thread count, whichever thread took which part.
     */
    @Test
    void resultsDoNotDependOnWhichThreadTakesWhichPart() {
        int before = Parallel.threads();
        try {
            for (int[] a : new int[][] {{16, 9, 9, 20, 3, 1, 1}, {1, 12, 12, 6, 5, 1, 0}, {3, 9, 7, 5, 3, 2, 1}, {32, 9, 7, 40, 3, 1, 1}}) {
                int cIn = a[0], h = a[1], w = a[2], m = a[3], k = a[4], s = a[5], pad = a[6], batch = 11;
                ConvGeometry g = ConvGeometry.of(cIn, h, w, k, k, s, s, pad, pad, pad, pad, 1, 1);
                SplittableRandom r = new SplittableRandom(cIn * 7L + k);
                Convolution conv = new Convolution(g, 1, m);
                float[] x = GemmTest.randomArray(r, batch * conv.inputSize()), wt = GemmTest.randomArray(r, m * g.colRows());
                float[] bias = GemmTest.randomArray(r, m), dy = GemmTest.randomArray(r, batch * conv.outputSize());
                float[] y1 = null, dx1 = null, dw1 = null;
                for (int threads = 1; threads <= 3; threads++) {
                    Parallel.setThreads(threads);
                    float[] dwFirst = null, dbFirst = null;
                    for (int run = 0; run < 4; run++) {
                        float[] y = new float[dy.length], dx = new float[x.length], dw = new float[wt.length], db = new float[m];
                        conv.forward(x, wt, bias, y, batch);
                        conv.backwardData(dy, wt, dx, batch);
                        conv.backwardWeight(x, dy, dw, db, batch);
                        if (y1 == null) {
                            y1 = y;
                            dx1 = dx;
                            dw1 = dw;
                        }
                        assertArrayEquals(y1, y, "forward, " + threads + " threads");
                        assertArrayEquals(dx1, dx, "input gradient, " + threads + " threads");
                        double tol = 1e-5 * (batch * g.colCols() + 8);
                        Tensors.assertClose(dw1, dw, tol, tol, "weight gradient, " + threads + " threads vs 1");
                        if (dwFirst == null) {
                            dwFirst = dw;
                            dbFirst = db;
                        }
                        assertArrayEquals(dwFirst, dw, "weight gradient repeats at " + threads + " threads");
                        assertArrayEquals(dbFirst, db, "bias gradient repeats at " + threads + " threads");
                    }
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }
}
