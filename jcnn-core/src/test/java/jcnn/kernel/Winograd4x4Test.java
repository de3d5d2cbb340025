package jcnn.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import jcnn.testing.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Winograd4x4}'s F(4×4, 3×3) against the convolution's definition (to the rounding its transforms allow), and
 * its vector copies and transforms against their scalar references, bit for bit.
 */
class Winograd4x4Test {
    // channels, height, width, out channels, padding top, bottom, left, right
    private static final int[][] CASES = {
            {1, 6, 6, 1, 0, 0, 0, 0},        // exactly one tile
            {3, 5, 7, 5, 1, 1, 1, 1},        // 5×7 outputs: tiles over the bottom and right edges
            {16, 8, 9, 20, 0, 2, 1, 0},      // asymmetric padding, 20 output channels (a partial 4-row panel)
            {300, 6, 5, 7, 1, 1, 1, 1},      // 300 channels: two depth blocks of the GEMM
            {64, 20, 21, 64, 1, 1, 1, 1},    // 30 tiles: units of one block span two groups
            {20, 3, 3, 130, 2, 2, 2, 2},     // 130 output channels (past one 128-row block), padding 2
            {16, 14, 14, 16, 2, 2, 2, 2},    // DeepConvNet's 32->32 shape (16×16 outputs) with 16 channels
    };

    /**
     * One forward call over as many images as the plan takes (or 13, a partial group, where it takes more), at
     * strides with gaps between them: every image is close to the definition, and the gaps are not written.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6})
    void forwardMatchesTheDefinition(int which) {
        ConvDriver driver = driver();
        int[] a = CASES[which];
        ConvGeometry g = geometry(a);
        int m = a[3];
        Winograd4x4 plan = new Winograd4x4(g, m, driver.mr(), driver.nr(), driver.kc());
        for (int images : new int[] {plan.images(), Math.min(plan.images(), 13), 3}) {
            SplittableRandom r = new SplittableRandom(31L * which + images);
            int xStride = g.inputSize() + 3, yStride = m * g.colCols() + 2;
            float[] x = GemmTest.randomArray(r, 1 + images * xStride), w = GemmTest.randomArray(r, m * g.colRows());
            float[] bias = GemmTest.randomArray(r, m);
            float[] u = new float[plan.packedWeightSize()];
            plan.packWeights(w, 0, u);
            for (boolean relu : new boolean[] {false, true}) {
                float[] y = new float[images * yStride];
                Arrays.fill(y, Float.NaN);
                plan.forward(driver, x, 1, xStride, images, u, bias, 0, y, 0, yStride, relu,
                        new float[plan.interleavedBufferSize()], new float[plan.transformedSize()], new float[plan.productSize()]);
                // each output sums 9·C products of magnitude <= 1; the transforms scale a few roundings of such sums
                // by up to 8·8 (Bᵀ and Aᵀ) and 1/4 (G): about ten times F(2×2, 3×3)'s error
                double tol = 2e-5 * 9 * g.channels();
                for (int n = 0; n < images; n++) {
                    float[] expected = WinogradTest.direct(g, m, x, 1 + n * xStride, w, bias, relu);
                    Tensors.assertClose(expected, Arrays.copyOfRange(y, n * yStride, n * yStride + expected.length), tol, tol,
                            g + " -> " + m + ", image " + n + " of " + images + (relu ? ", ReLU" : ""));
                    for (int i = n * yStride + expected.length; i < (n + 1) * yStride; i++) {
                        assertTrue(Float.isNaN(y[i]), "gap after image " + n + " written");
                    }
                }
            }
        }
    }

    /**
     * The price of the bigger tile, bounded: on 64 channels of random values in [-1, 1) the largest error was 5.2e-6
     * of the largest output (1.5e-4 for outputs up to 30); more than 1e-5 fails.
     */
    @Test
    void errorIsSmallComparedWithTheOutputs() {
        ConvDriver driver = driver();
        ConvGeometry g = ConvGeometry.of(64, 7, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        Winograd4x4 plan = new Winograd4x4(g, 64, driver.mr(), driver.nr(), driver.kc());
        SplittableRandom r = new SplittableRandom(9);
        float[] x = GemmTest.randomArray(r, 8 * g.inputSize()), w = GemmTest.randomArray(r, 64 * g.colRows());
        float[] u = new float[plan.packedWeightSize()], y = new float[8 * 64 * g.colCols()];
        plan.packWeights(w, 0, u);
        plan.forward(driver, x, 0, g.inputSize(), 8, u, null, 0, y, 0, 64 * g.colCols(), false,
                new float[plan.interleavedBufferSize()], new float[plan.transformedSize()], new float[plan.productSize()]);
        double maxError = 0, scale = 0;
        for (int n = 0; n < 8; n++) {
            float[] expected = WinogradTest.direct(g, 64, x, n * g.inputSize(), w, null, false);
            for (int i = 0; i < expected.length; i++) {
                maxError = Math.max(maxError, Math.abs(expected[i] - y[n * expected.length + i]));
                scale = Math.max(scale, Math.abs(expected[i]));
            }
        }
        assertTrue(maxError <= 1e-5 * scale, "max error " + maxError + " for outputs up to " + scale);
    }

    /** The vector interleave of a full group and of partial ones against the scalar reference (other cells kept). */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6})
    void interleaveMatchesTheScalarReference(int which) {
        ConvDriver driver = driver();
        int[] a = CASES[which];
        ConvGeometry g = geometry(a);
        Winograd4x4 plan = new Winograd4x4(g, a[3], driver.mr(), driver.nr(), driver.kc());
        SplittableRandom r = new SplittableRandom(700 + which);
        int xStride = g.inputSize() + 5;
        float[] x = GemmTest.randomArray(r, 2 + 8 * xStride);
        for (int count : new int[] {8, 5, 1}) {
            float[] fast = GemmTest.randomArray(r, plan.groupSize() + 9), reference = fast.clone();
            driver.interleave(plan, x, 2, xStride, count, fast, 9);
            plan.interleave(x, 2, xStride, count, reference, 9);
            assertArrayEquals(reference, fast, g + ", " + count + " images");
        }
    }

    /**
     * The input and output transforms against their scalar references, bit for bit, on every block of units of two
     * groups (the second partial: 13 images), on random data: the input transform compared on the units' columns of
     * the panels, the output transform on every output (each of which must be written) and on the gaps (not).
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6})
    void vectorTransformsMatchTheScalarReferences(int which) {
        ConvDriver driver = driver();
        int[] a = CASES[which];
        ConvGeometry g = geometry(a);
        int m = a[3], images = 13, groups = (images + 7) / 8;
        Winograd4x4 plan = new Winograd4x4(g, m, driver.mr(), driver.nr(), driver.kc());
        SplittableRandom r = new SplittableRandom(800 + which);
        int units = groups * plan.tiles, yStride = m * g.colCols() + 5;
        float[] xi = GemmTest.randomArray(r, plan.base + groups * plan.groupSize()), bias = GemmTest.randomArray(r, m);
        for (int u0 = 0; u0 < units; u0 += plan.blockUnits) {
            int count = Math.min(plan.blockUnits, units - u0), width = (8 * count + plan.nr - 1) / plan.nr * plan.nr;
            float[] fast = new float[plan.transformedSize()], reference = new float[plan.transformedSize()];
            driver.winograd4Input(plan, xi, u0, count, width, fast);
            plan.inputTransform(xi, u0, count, width, reference);
            int point = Winograd.pointStride(g.channels(), width);
            for (int xiPoint = 0; xiPoint < 36; xiPoint++)
                for (int c = 0; c < g.channels(); c++)
                    for (int col = 0; col < 8 * count; col++) {
                        int pc = c / plan.kc * plan.kc, depth = Math.min(plan.kc, g.channels() - pc);
                        int i = plan.base + xiPoint * point + pc * width + (col / plan.nr) * depth * plan.nr + (c - pc) * plan.nr + col % plan.nr;
                        if (Float.floatToIntBits(fast[i]) != Float.floatToIntBits(reference[i])) {
                            org.junit.jupiter.api.Assertions.fail("input transform of " + g + ": point " + xiPoint + ", channel "
                                    + c + ", column " + col + " of units from " + u0 + ": " + fast[i] + " != " + reference[i]);
                        }
                    }
            float[] prod = GemmTest.randomArray(r, plan.productSize());
            for (boolean relu : new boolean[] {false, true}) {
                float[] yFast = new float[images * yStride], yReference = new float[images * yStride];
                Arrays.fill(yFast, Float.NaN);
                Arrays.fill(yReference, Float.NaN);
                driver.winograd4Output(plan, prod, u0, count, width, bias, 0, yFast, 0, yStride, images, relu);
                plan.outputTransform(prod, u0, count, width, bias, 0, yReference, 0, yStride, images, relu);
                assertArrayEquals(yReference, yFast, "output transform of " + g + ", units from " + u0 + (relu ? ", ReLU" : ""));
            }
        }
    }

    /**
     * The pooled output transform and the one into a next layer's interleaved copy (pooled or not) against their scalar
     * references, bit for bit, on every block of units of two groups (13 images), products with NaN and ±0 among
     * them: every pooled output written, nothing else (NCHW gaps, the next copy's borders) touched.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6})
    void fusedOutputTransformsMatchTheScalarReferences(int which) {
        ConvDriver driver = driver();
        int[] a = CASES[which];
        ConvGeometry g = geometry(a);
        int m = a[3], images = 13, groups = (images + 7) / 8;
        Winograd4x4 plan = new Winograd4x4(g, m, driver.mr(), driver.nr(), driver.kc());
        SplittableRandom r = new SplittableRandom(900 + which);
        int units = groups * plan.tiles, pooledH = g.outH() / 2, pooledW = g.outW() / 2;
        int yStride = m * pooledH * pooledW + 3;
        float[] bias = GemmTest.randomArray(r, m);
        // the next layers: 3×3 convolutions taking this output (pooled or not) with padding 1, and 2 on the left
        ConvGeometry full = ConvGeometry.of(m, g.outH(), g.outW(), 3, 3, 1, 1, 1, 1, 2, 1, 1, 1);
        Winograd4x4 nextFull = new Winograd4x4(full, 4, driver.mr(), driver.nr(), driver.kc());
        Winograd4x4 nextPooled = pooledH < 1 || pooledW < 1 ? null : new Winograd4x4(
                ConvGeometry.of(m, pooledH, pooledW, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 4, driver.mr(), driver.nr(), driver.kc());
        for (int u0 = 0; u0 < units; u0 += plan.blockUnits) {
            int count = Math.min(plan.blockUnits, units - u0), width = (8 * count + plan.nr - 1) / plan.nr * plan.nr;
            float[] prod = GemmTest.randomArray(r, plan.productSize());
            for (int i = 0; i < prod.length; i += 97) prod[i] = i % 3 == 0 ? Float.NaN : i % 3 == 1 ? -0f : 0f;
            for (boolean relu : new boolean[] {false, true}) {
                String where = g + ", units from " + u0 + (relu ? ", ReLU" : "");
                if (nextPooled != null) {
                    // with positions (a training forward), with or without ReLU
                    float[] yFast = new float[images * yStride], yReference = new float[images * yStride];
                    int[] aFast = new int[images * yStride], aReference = new int[images * yStride];
                    Arrays.fill(yFast, 7f);
                    Arrays.fill(yReference, 7f);
                    Arrays.fill(aFast, -3);
                    Arrays.fill(aReference, -3);
                    driver.winograd4OutputPooled(plan, prod, u0, count, width, bias, 0, yFast, 0, yStride, aFast, images, relu);
                    plan.outputTransformPooled(prod, u0, count, width, bias, 0, yReference, 0, yStride, aReference, images, relu);
                    assertArrayEquals(yReference, yFast, "pooled output transform of " + where);
                    assertArrayEquals(aReference, aFast, "pooled positions of " + where);
                }
                if (relu && nextPooled != null) {  // without positions (evaluation), only after a ReLU
                    float[] yFast = new float[images * yStride], yReference = new float[images * yStride];
                    Arrays.fill(yFast, 7f);
                    Arrays.fill(yReference, 7f);
                    driver.winograd4OutputPooled(plan, prod, u0, count, width, bias, 0, yFast, 0, yStride, null, images, relu);
                    plan.outputTransformPooled(prod, u0, count, width, bias, 0, yReference, 0, yStride, null, images, relu);
                    assertArrayEquals(yReference, yFast, "pooled output transform of " + where);
                    float[] dFast = new float[groups * nextPooled.groupSize()], dReference = new float[dFast.length];
                    driver.winograd4OutputInterleaved(plan, prod, u0, count, width, bias, 0, relu, true, nextPooled, dFast, 0);
                    plan.outputTransformInterleaved(prod, u0, count, width, bias, 0, relu, true, nextPooled, dReference, 0);
                    assertArrayEquals(dReference, dFast, "pooled interleaved output transform of " + where);
                }
                float[] dFast = new float[5 + groups * nextFull.groupSize()], dReference = new float[dFast.length];
                driver.winograd4OutputInterleaved(plan, prod, u0, count, width, bias, 0, relu, false, nextFull, dFast, 5);
                plan.outputTransformInterleaved(prod, u0, count, width, bias, 0, relu, false, nextFull, dReference, 5);
                assertArrayEquals(dReference, dFast, "interleaved output transform of " + where);
            }
        }
    }

    /**
     * The scalar references of the fused output transforms against the plain one: pooling its NCHW outputs with
     * {@link Pooling}, and reading the interleaved copy back through the next plan's positions; every pooled output
     * and every interleaved position written.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 4, 6})
    void fusedOutputReferencesMatchThePlainTransformAndPooling(int which) {
        ConvDriver driver = driver();
        int[] a = CASES[which];
        ConvGeometry g = geometry(a);
        int m = a[3], images = 13, groups = 2, plane = g.outH() * g.outW();
        int pooledH = g.outH() / 2, pooledW = g.outW() / 2, pooledPlane = pooledH * pooledW;
        Winograd4x4 plan = new Winograd4x4(g, m, driver.mr(), driver.nr(), driver.kc());
        SplittableRandom r = new SplittableRandom(950 + which);
        int units = groups * plan.tiles, width = (8 * units + plan.nr - 1) / plan.nr * plan.nr;
        float[] bias = GemmTest.randomArray(r, m);
        float[] prod = GemmTest.randomArray(r, plan.base + Winograd4x4.POINTS * Winograd.pointStride(m, width));
        // ties, signed zeros and NaN among the outputs: a window of equal products, some zeros, a NaN
        for (int point = 0; point < Winograd4x4.POINTS; point++) prod[plan.base + point * Winograd.pointStride(m, width) + 3] = 0f;
        for (int i = 0; i < prod.length; i += 211) prod[i] = i % 2 == 0 ? Float.NaN : -0f;
        float[] y = new float[images * m * plane];
        for (boolean relu : new boolean[] {false, true}) {
            plan.outputTransform(prod, 0, units, width, bias, 0, y, 0, m * plane, images, relu);
            float[] pooledExpected = new float[images * m * pooledPlane];
            int[] argmaxExpected = new int[pooledExpected.length];
            Pooling.maxPoolForward(ConvGeometry.of(1, g.outH(), g.outW(), 2, 2, 2, 2, 0, 0, 0, 0, 1, 1), y, pooledExpected,
                    argmaxExpected, images * m);
            float[] pooled = new float[pooledExpected.length];
            int[] argmax = new int[pooled.length];
            Arrays.fill(pooled, 5f);
            Arrays.fill(argmax, -1);
            plan.outputTransformPooled(prod, 0, units, width, bias, 0, pooled, 0, m * pooledPlane, argmax, images, relu);
            for (int i = 0; i < pooled.length; i++) {
                assertEquals(Float.floatToIntBits(pooledExpected[i]), Float.floatToIntBits(pooled[i]), "pooled output " + i + " of " + g);
            }
            assertArrayEquals(argmaxExpected, argmax, "pooled positions of " + g + (relu ? ", ReLU" : ""));
        }
        Winograd4x4 next = new Winograd4x4(ConvGeometry.of(m, g.outH(), g.outW(), 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 4,
                driver.mr(), driver.nr(), driver.kc());
        float[] xi = new float[groups * next.groupSize()];
        Arrays.fill(xi, Float.NaN);
        plan.outputTransformInterleaved(prod, 0, units, width, bias, 0, true, false, next, xi, 0);
        for (int n = 0; n < images; n++)
            for (int c = 0; c < m; c++)
                for (int p = 0; p < plane; p++) {
                    float got = xi[n / 8 * next.groupSize() + c * next.channelStep + next.positions[p] + n % 8];
                    assertEquals(y[(n * m + c) * plane + p], got, 0f, "interleaved output of image " + n + ", channel " + c + ", position " + p);
                }
    }

    /**
     * The one-dimensional transforms compute F(4, 3): Aᵀ·[(G·g) ⊙ (Bᵀ·d)] is the correlation of six inputs with three
     * taps, on small integers (exact in float up to the thirds and sixths of G, so compared to 1e-5).
     */
    @Test
    void oneDimensionalTransformsCorrelate() {
        SplittableRandom r = new SplittableRandom(5);
        ConvGeometry one = ConvGeometry.of(1, 1, 6, 3, 3, 1, 1, 1, 1, 0, 0, 1, 1);
        for (int trial = 0; trial < 20; trial++) {
            float[] d = new float[6], taps = new float[3];
            for (int i = 0; i < 6; i++) d[i] = r.nextInt(-9, 10);
            for (int i = 0; i < 3; i++) taps[i] = r.nextInt(-9, 10);
            float[] bd = new float[6], out = new float[4];
            Winograd4x4.inputColumn(d[0], d[1], d[2], d[3], d[4], d[5], bd, 0, 1);
            // G·g through packWeights: with the taps as the kernel's first row and zeros below, U[0][j] = G[0][0]·(G·g)[j]
            // and G[0][0] = 1/4
            float[] k = {taps[0], taps[1], taps[2], 0, 0, 0, 0, 0, 0};
            ConvDriver driver = driver();
            Winograd4x4 plan = new Winograd4x4(one, 1, driver.mr(), driver.nr(), driver.kc());
            float[] u = new float[plan.packedWeightSize()];
            plan.packWeights(k, 0, u);
            float[] product = new float[6];
            for (int j = 0; j < 6; j++) product[j] = 4f * u[j * plan.weightStride()] * bd[j];
            Winograd4x4.outputColumn(product[0], product[1], product[2], product[3], product[4], product[5], out, 0, 1);
            for (int i = 0; i < 4; i++) {
                float expected = d[i] * taps[0] + d[i + 1] * taps[1] + d[i + 2] * taps[2];
                assertEquals(expected, out[i], 1e-5 * (1 + Math.abs(expected)), "output " + i + " of trial " + trial);
            }
        }
    }

    /**
     * The packed weights of the reference ({@link Winograd4x4#packWeights}) and of the driver (four output channels per
     * vector) against U = (G·k)·Gᵀ computed here pair by pair and read back through {@link
     * InterleavedWinograd#packedIndex}, bit for bit, and zero everywhere else (the rows past M of a partial panel, the
     * gap after each point): 20 and 22 output channels (whole 4-row panels, and a partial last one that the driver
     * leaves to the reference), 21 channels in depth blocks of 8 (a partial last block) and in the driver's own.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void packedWeightsAreEachPairsTransform(int which) {
        ConvDriver driver = driver();
        int channels = 21, m = which % 2 == 0 ? 20 : 22;
        ConvGeometry g = ConvGeometry.of(channels, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        Winograd4x4 plan = which < 2 ? new Winograd4x4(g, m, 4, 8, 8) : new Winograd4x4(g, m, driver.mr(), driver.nr(), driver.kc());
        float[] w = GemmTest.randomArray(new SplittableRandom(17 + which), m * channels * 9);
        float[] expected = new float[plan.packedWeightSize()];
        double[] gk = new double[18], col = new double[6];
        for (int o = 0; o < m; o++) {
            for (int c = 0; c < channels; c++) {
                int k = (o * channels + c) * 9;
                for (int j = 0; j < 3; j++) {
                    Winograd4x4.kernelColumn(w[k + j], w[k + 3 + j], w[k + 6 + j], col);
                    for (int i = 0; i < 6; i++) gk[3 * i + j] = col[i];
                }
                for (int i = 0; i < 6; i++) {
                    Winograd4x4.kernelColumn(gk[3 * i], gk[3 * i + 1], gk[3 * i + 2], col);
                    for (int j = 0; j < 6; j++) expected[(6 * i + j) * plan.weightStride() + plan.packedIndex(o, c)] = (float) col[j];
                }
            }
        }
        float[] reference = new float[plan.packedWeightSize()], fast = new float[plan.packedWeightSize()];
        Arrays.fill(reference, Float.NaN);
        Arrays.fill(fast, Float.NaN);
        plan.packWeights(w, 0, reference);
        driver.winograd4PackWeights(plan, w, 0, fast);
        assertArrayEquals(expected, reference, "reference");
        assertArrayEquals(expected, fast, "driver");
    }

    @Test
    void fillsGroupsWastesAtMostAQuarter() {
        assertFalse(Winograd4x4.fillsGroups(0));
        assertFalse(Winograd4x4.fillsGroups(1));
        assertTrue(Winograd4x4.fillsGroups(7));
        assertFalse(Winograd4x4.fillsGroups(6));
        assertTrue(Winograd4x4.fillsGroups(8));
        assertFalse(Winograd4x4.fillsGroups(11));
        assertTrue(Winograd4x4.fillsGroups(20));
        assertTrue(Winograd4x4.fillsGroups(100));
    }

    private static ConvDriver driver() {
        ConvDriver driver = VectorSupport.CONV;
        assumeTrue(driver != null && PanamaWinograd4x4.AVAILABLE, "F(4x4, 3x3) runs on the 8-lane Vector API driver");
        return driver;
    }

    private static ConvGeometry geometry(int[] a) {
        return ConvGeometry.of(a[0], a[1], a[2], 3, 3, 1, 1, a[4], a[5], a[6], a[7], 1, 1);
    }
}
