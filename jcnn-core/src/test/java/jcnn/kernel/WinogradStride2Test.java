package jcnn.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import jcnn.testing.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link WinogradStride2} against the strided convolution's definition, its one-dimensional algorithm against the
 * correlation it stands for, and its vector transforms against their scalar references, bit for bit.
 */
class WinogradStride2Test {
    // channels, height, width, out channels, padding top, bottom, left, right
    private static final int[][] CASES = {
            {1, 5, 5, 1, 0, 0, 0, 0},        // 2×2 outputs: exactly one tile
            {3, 9, 8, 5, 1, 1, 1, 1},        // 5×4 outputs: tiles over the bottom edge
            {32, 12, 13, 20, 0, 2, 1, 0},    // asymmetric padding, 20 output channels (a partial 4-row panel)
            {300, 7, 6, 7, 1, 1, 1, 1},      // 300 channels: two depth blocks of the GEMM
            {64, 30, 31, 64, 1, 1, 1, 1},    // 64 tiles: units of one block span two groups
            {20, 6, 6, 130, 2, 2, 2, 2},     // 130 output channels (past one 128-row block), padding 2
            {8, 58, 58, 4, 0, 0, 0, 0},      // no padding: the last input row and column are read by no output
    };

    /** y = conv(x, w) + bias with stride 2, in double: y[o][i][j] = Σ w[o][c][a][b]·x[c][2i + a - padTop][2j + b - padLeft]. */
    static float[] direct(ConvGeometry g, int m, float[] x, int xOff, float[] w, float[] bias, boolean relu) {
        int c = g.channels(), h = g.height(), wd = g.width(), oh = g.outH(), ow = g.outW();
        float[] y = new float[m * oh * ow];
        for (int o = 0; o < m; o++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++) {
                    double s = bias == null ? 0 : bias[o];
                    for (int ci = 0; ci < c; ci++)
                        for (int a = 0; a < 3; a++)
                            for (int b = 0; b < 3; b++) {
                                int yy = 2 * i + a - g.padTop(), xx = 2 * j + b - g.padLeft();
                                if (yy < 0 || yy >= h || xx < 0 || xx >= wd) continue;
                                s += (double) w[((o * c + ci) * 3 + a) * 3 + b] * x[xOff + (ci * h + yy) * wd + xx];
                            }
                    y[(o * oh + i) * ow + j] = relu ? (float) Math.max(s, 0) : (float) s;
                }
        return y;
    }

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
        WinogradStride2 plan = new WinogradStride2(g, m, driver.mr(), driver.nr(), driver.kc());
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
                // the transforms only add and subtract: a few roundings of sums of 9·C products of magnitude <= 1
                double tol = 2e-6 * 9 * g.channels();
                for (int n = 0; n < images; n++) {
                    float[] expected = direct(g, m, x, 1 + n * xStride, w, bias, relu);
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
     * As exact as im2col: with factors 0 and ±1 the error stays at the rounding of the sums. On 64 channels of random
     * values in [-1, 1) the largest error was about 3e-7 of the largest output; more than 1e-6 fails.
     */
    @Test
    void errorIsAtTheRoundingOfTheSums() {
        ConvDriver driver = driver();
        ConvGeometry g = ConvGeometry.of(64, 14, 14, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);
        WinogradStride2 plan = new WinogradStride2(g, 64, driver.mr(), driver.nr(), driver.kc());
        SplittableRandom r = new SplittableRandom(9);
        float[] x = GemmTest.randomArray(r, 8 * g.inputSize()), w = GemmTest.randomArray(r, 64 * g.colRows());
        float[] u = new float[plan.packedWeightSize()], y = new float[8 * 64 * g.colCols()];
        plan.packWeights(w, 0, u);
        plan.forward(driver, x, 0, g.inputSize(), 8, u, null, 0, y, 0, 64 * g.colCols(), false,
                new float[plan.interleavedBufferSize()], new float[plan.transformedSize()], new float[plan.productSize()]);
        double maxError = 0, scale = 0;
        for (int n = 0; n < 8; n++) {
            float[] expected = direct(g, 64, x, n * g.inputSize(), w, null, false);
            for (int i = 0; i < expected.length; i++) {
                maxError = Math.max(maxError, Math.abs(expected[i] - y[n * expected.length + i]));
                scale = Math.max(scale, Math.abs(expected[i]));
            }
        }
        assertTrue(maxError <= 1e-6 * scale, "max error " + maxError + " for outputs up to " + scale);
    }

    /**
     * The one-dimensional algorithm: Aᵀ·[(G·g) ⊙ (Bᵀ·d)] is the stride-2 correlation of five inputs with three taps,
     * (d0·g0 + d1·g1 + d2·g2, d2·g0 + d3·g1 + d4·g2), exactly on small integers.
     */
    @Test
    void oneDimensionalTransformsCorrelateWithStrideTwo() {
        SplittableRandom r = new SplittableRandom(5);
        ConvDriver driver = driver();
        ConvGeometry one = ConvGeometry.of(1, 1, 5, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1);
        WinogradStride2 plan = new WinogradStride2(one, 1, driver.mr(), driver.nr(), driver.kc());
        for (int trial = 0; trial < 20; trial++) {
            float[] d = new float[5], taps = new float[3];
            for (int i = 0; i < 5; i++) d[i] = r.nextInt(-9, 10);
            for (int i = 0; i < 3; i++) taps[i] = r.nextInt(-9, 10);
            float[] bd = new float[5];
            WinogradStride2.inputColumn(d[0], d[1], d[2], d[3], d[4], bd, 0, 1);
            // G·g through packWeights: the taps as the kernel's first row, zeros below; G's first row is (1, 0, 0)
            float[] u = new float[plan.packedWeightSize()];
            plan.packWeights(new float[] {taps[0], taps[1], taps[2], 0, 0, 0, 0, 0, 0}, 0, u);
            float[] mm = new float[5];
            for (int j = 0; j < 5; j++) mm[j] = u[j * plan.weightStride()] * bd[j];
            assertEquals(d[0] * taps[0] + d[1] * taps[1] + d[2] * taps[2], mm[0] + mm[1] + mm[3], "y0 of trial " + trial);
            assertEquals(d[2] * taps[0] + d[3] * taps[1] + d[4] * taps[2], mm[1] + mm[2] + mm[4], "y1 of trial " + trial);
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
        WinogradStride2 plan = new WinogradStride2(g, m, driver.mr(), driver.nr(), driver.kc());
        SplittableRandom r = new SplittableRandom(800 + which);
        int units = groups * plan.tiles, yStride = m * g.colCols() + 5;
        float[] xi = GemmTest.randomArray(r, plan.base + groups * plan.groupSize()), bias = GemmTest.randomArray(r, m);
        for (int u0 = 0; u0 < units; u0 += plan.blockUnits) {
            int count = Math.min(plan.blockUnits, units - u0), width = (8 * count + plan.nr - 1) / plan.nr * plan.nr;
            float[] fast = new float[plan.transformedSize()], reference = new float[plan.transformedSize()];
            driver.stride2Input(plan, xi, u0, count, width, fast);
            plan.inputTransform(xi, u0, count, width, reference);
            int point = Winograd.pointStride(g.channels(), width);
            for (int xiPoint = 0; xiPoint < WinogradStride2.POINTS; xiPoint++)
                for (int c = 0; c < g.channels(); c++)
                    for (int col = 0; col < 8 * count; col++) {
                        int i = xiPoint * point + plan.transformedIndex(c, col, width);
                        if (Float.floatToIntBits(fast[i]) != Float.floatToIntBits(reference[i])) {
                            fail("input transform of " + g + ": point " + xiPoint + ", channel " + c + ", column " + col
                                    + " of units from " + u0 + ": " + fast[i] + " != " + reference[i]);
                        }
                    }
            float[] prod = GemmTest.randomArray(r, plan.productSize());
            for (boolean relu : new boolean[] {false, true}) {
                float[] yFast = new float[images * yStride], yReference = new float[images * yStride];
                Arrays.fill(yFast, Float.NaN);
                Arrays.fill(yReference, Float.NaN);
                driver.stride2Output(plan, prod, u0, count, width, bias, 0, yFast, 0, yStride, images, relu);
                plan.outputTransform(prod, u0, count, width, bias, 0, yReference, 0, yStride, images, relu);
                assertArrayEquals(yReference, yFast, "output transform of " + g + ", units from " + u0 + (relu ? ", ReLU" : ""));
            }
        }
    }

    private static ConvDriver driver() {
        ConvDriver driver = VectorSupport.CONV;
        assumeTrue(driver != null && PanamaWinogradStride2.AVAILABLE, "the stride-2 Winograd runs on the 8-lane Vector API driver");
        return driver;
    }

    private static ConvGeometry geometry(int[] a) {
        return ConvGeometry.of(a[0], a[1], a[2], 3, 3, 2, 2, a[4], a[5], a[6], a[7], 1, 1);
    }
}
