package jcnn.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
 * {@link WinogradStride2Gradient} against the definition of a stride-2 convolution's input gradient, its vector
 * transforms and the copy out of lanes against their scalar references, bit for bit.
 */
class WinogradStride2GradientTest {
    // channels, height, width, out channels, padding top, bottom, left, right
    private static final int[][] CASES = {
            {1, 5, 5, 1, 0, 0, 0, 0},        // 2×2 outputs: exactly one tile
            {3, 9, 8, 5, 1, 1, 1, 1},        // 5×4 outputs: tiles over the bottom edge, odd dy rows
            {20, 12, 13, 32, 0, 2, 1, 0},    // asymmetric padding, 20 input channels (a partial 4-row panel)
            {7, 7, 6, 300, 1, 1, 1, 1},      // 300 output channels: two depth blocks of the GEMM
            {64, 30, 31, 64, 1, 1, 1, 1},    // 64 tiles: units of one block span two groups
            {130, 6, 6, 20, 2, 2, 2, 2},     // 130 input channels (past one 128-row block), padding 2
            {4, 58, 58, 8, 0, 0, 0, 0},      // no padding: the last input row and column are read by no output
            {16, 16, 16, 16, 1, 1, 1, 1},    // 8×8 outputs, as the layers the path is used for
    };

    /** dx[c][h][w] = Σ over m, i, j, a, b with 2i + a - padTop = h and 2j + b - padLeft = w of w[m][c][a][b]·dy[m][i][j], in double. */
    static float[] direct(ConvGeometry g, int m, float[] dy, int dyOff, float[] w) {
        int c = g.channels(), h = g.height(), wd = g.width(), oh = g.outH(), ow = g.outW();
        double[] dx = new double[c * h * wd];
        for (int o = 0; o < m; o++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++) {
                    double d = dy[dyOff + (o * oh + i) * ow + j];
                    for (int ci = 0; ci < c; ci++)
                        for (int a = 0; a < 3; a++)
                            for (int b = 0; b < 3; b++) {
                                int yy = 2 * i + a - g.padTop(), xx = 2 * j + b - g.padLeft();
                                if (yy < 0 || yy >= h || xx < 0 || xx >= wd) continue;
                                dx[(ci * h + yy) * wd + xx] += w[((o * c + ci) * 3 + a) * 3 + b] * d;
                            }
                }
        float[] out = new float[dx.length];
        for (int i = 0; i < out.length; i++) out[i] = (float) dx[i];
        return out;
    }

    /**
     * Two calls with the same buffers (the second must not see the first's sums) over as many images as the plan
     * takes (or 13, a partial group, where it takes more), at strides with gaps between them: every image is close to
     * the definition, and the gaps are not written.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7})
    void backwardMatchesTheDefinition(int which) {
        ConvDriver driver = driver();
        int[] a = CASES[which];
        ConvGeometry g = geometry(a);
        int m = a[3];
        WinogradStride2Gradient plan = new WinogradStride2Gradient(g, m, driver.mr(), driver.nr(), driver.kc());
        for (int images : new int[] {plan.images(), Math.min(plan.images(), 13), 3}) {
            SplittableRandom r = new SplittableRandom(57L * which + images);
            int dyStride = m * g.colCols() + 3, dxStride = g.inputSize() + 2;
            float[] w = GemmTest.randomArray(r, m * g.colRows()), u = new float[plan.packedWeightSize()];
            plan.packWeights(w, 0, u);
            float[] dyi = new float[plan.interleavedBufferSize()], dxi = new float[plan.gradientBufferSize()];
            float[] v = new float[plan.transformedSize()], prod = new float[plan.productSize()];
            for (int call = 0; call < 2; call++) {
                float[] dy = GemmTest.randomArray(r, 1 + images * dyStride), dx = new float[images * dxStride];
                Arrays.fill(dx, Float.NaN);
                plan.backward(driver, dy, 1, dyStride, images, u, dx, 0, dxStride, dyi, dxi, v, prod);
                // sums of up to 4·M products of magnitude <= 1, and a few roundings of the transforms' sums
                double tol = 2e-6 * 4 * m;
                for (int n = 0; n < images; n++) {
                    float[] expected = direct(g, m, dy, 1 + n * dyStride, w);
                    Tensors.assertClose(expected, Arrays.copyOfRange(dx, n * dxStride, n * dxStride + expected.length), tol, tol,
                            g + " -> " + m + ", image " + n + " of " + images + ", call " + call);
                    for (int i = n * dxStride + expected.length; i < (n + 1) * dxStride; i++) {
                        assertTrue(Float.isNaN(dx[i]), "gap after image " + n + " written");
                    }
                }
            }
        }
    }

    /** As exact as col2im: on 64 channels of random values in [-1, 1) the error stays below 1e-6 of the largest value. */
    @Test
    void errorIsAtTheRoundingOfTheSums() {
        ConvDriver driver = driver();
        ConvGeometry g = ConvGeometry.of(64, 14, 14, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);
        WinogradStride2Gradient plan = new WinogradStride2Gradient(g, 64, driver.mr(), driver.nr(), driver.kc());
        SplittableRandom r = new SplittableRandom(19);
        float[] dy = GemmTest.randomArray(r, 8 * 64 * g.colCols()), w = GemmTest.randomArray(r, 64 * g.colRows());
        float[] u = new float[plan.packedWeightSize()], dx = new float[8 * g.inputSize()];
        plan.packWeights(w, 0, u);
        plan.backward(driver, dy, 0, 64 * g.colCols(), 8, u, dx, 0, g.inputSize(), new float[plan.interleavedBufferSize()],
                new float[plan.gradientBufferSize()], new float[plan.transformedSize()], new float[plan.productSize()]);
        double maxError = 0, scale = 0;
        for (int n = 0; n < 8; n++) {
            float[] expected = direct(g, 64, dy, n * 64 * g.colCols(), w);
            for (int i = 0; i < expected.length; i++) {
                maxError = Math.max(maxError, Math.abs(expected[i] - dx[n * expected.length + i]));
                scale = Math.max(scale, Math.abs(expected[i]));
            }
        }
        assertTrue(maxError <= 1e-6 * scale, "max error " + maxError + " for values up to " + scale);
    }

    /**
     * The input and output transforms against their scalar references, bit for bit, on every block of units of two
     * groups, on random data: the input transform on Ŷ's 9 stored points, the output transform on the whole
     * interleaved gradient, which starts from the same random values on both sides so that the additions count.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7})
    void vectorTransformsMatchTheScalarReferences(int which) {
        ConvDriver driver = driver();
        int[] a = CASES[which];
        ConvGeometry g = geometry(a);
        int m = a[3], groups = 2;
        WinogradStride2Gradient plan = new WinogradStride2Gradient(g, m, driver.mr(), driver.nr(), driver.kc());
        SplittableRandom r = new SplittableRandom(900 + which);
        int units = groups * plan.tiles;
        float[] dyi = GemmTest.randomArray(r, groups * plan.groupSize());
        for (int u0 = 0; u0 < units; u0 += plan.blockUnits) {
            int count = Math.min(plan.blockUnits, units - u0), width = (8 * count + plan.nr - 1) / plan.nr * plan.nr;
            float[] fast = new float[plan.transformedSize()], reference = new float[plan.transformedSize()];
            driver.stride2GradientInput(plan, dyi, u0, count, width, fast);
            plan.inputTransform(dyi, u0, count, width, reference);
            int point = Winograd.pointStride(m, width);
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                    for (int c = 0; c < m; c++)
                        for (int col = 0; col < 8 * count; col++) {
                            int at = (5 * i + j) * point + plan.transformedIndex(c, col, width);
                            if (Float.floatToIntBits(fast[at]) != Float.floatToIntBits(reference[at])) {
                                fail("input transform of " + g + ": point (" + i + ", " + j + "), channel " + c + ", column "
                                        + col + " of units from " + u0 + ": " + fast[at] + " != " + reference[at]);
                            }
                        }
            float[] prod = GemmTest.randomArray(r, plan.productSize());
            float[] dxiFast = GemmTest.randomArray(r, groups * plan.layout.groupSize()), dxiReference = dxiFast.clone();
            driver.stride2GradientOutput(plan, prod, u0, count, width, dxiFast);
            plan.outputTransform(prod, u0, count, width, dxiReference);
            assertArrayEquals(dxiReference, dxiFast, "output transform of " + g + ", units from " + u0);
        }
    }

    /**
     * The copy out of lanes against its reference and as the inverse of the copy into lanes, for a whole group and a
     * partial one (whose other images must not be written), on planes of 25 (3 blocks of 8 and one position) and 64
     * positions.
     */
    @ParameterizedTest
    @ValueSource(ints = {8, 5})
    void deinterleaveInvertsInterleave(int count) {
        ConvDriver driver = driver();
        for (ConvGeometry g : new ConvGeometry[] {ConvGeometry.of(3, 5, 5, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1),
                ConvGeometry.of(9, 8, 8, 3, 3, 2, 2, 0, 1, 2, 0, 1, 1)}) {
            WinogradStride2 plan = new WinogradStride2(g, 4, driver.mr(), driver.nr(), driver.kc());
            SplittableRandom r = new SplittableRandom(count);
            int stride = g.inputSize() + 1;
            float[] x = GemmTest.randomArray(r, 8 * stride), xi = new float[plan.groupSize()];
            driver.interleave(plan, x, 0, stride, count, xi, 0);
            float[] fast = new float[8 * stride], reference = new float[8 * stride];
            Arrays.fill(fast, Float.NaN);
            Arrays.fill(reference, Float.NaN);
            driver.deinterleave(plan, xi, 0, fast, 0, stride, count);
            plan.deinterleave(xi, 0, reference, 0, stride, count);
            assertArrayEquals(reference, fast, g + ", " + count + " images");
            for (int n = 0; n < 8; n++) {
                for (int i = 0; i < stride; i++) {
                    float got = fast[n * stride + i];
                    if (n < count && i < g.inputSize()) {
                        assertTrue(got == x[n * stride + i], g + ": image " + n + ", element " + i + " not restored");
                    } else {
                        assertTrue(Float.isNaN(got), g + ": image " + n + ", element " + i + " written");
                    }
                }
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
