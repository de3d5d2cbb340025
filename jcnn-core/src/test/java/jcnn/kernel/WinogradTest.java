package jcnn.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import jcnn.testing.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Winograd}'s F(2×2, 3×3) against the convolution's definition. Its transforms multiply by 0, ±1 and ±½ only,
 * so on small integers every intermediate value is exact in float and the result must equal the direct sum bit for
 * bit; on random floats it must agree to rounding.
 */
class WinogradTest {
    // channels, height, width, out channels, padding top, bottom, left, right
    private static final int[][] CASES = {
            {1, 4, 4, 1, 0, 0, 0, 0},        // exactly one tile
            {3, 5, 7, 5, 1, 1, 1, 1},        // odd output sizes: tiles hanging over the bottom and right edges
            {16, 8, 9, 20, 0, 2, 1, 0},      // asymmetric padding, 20 output channels (a partial 4-row panel)
            {300, 6, 5, 7, 1, 1, 1, 1},      // 300 channels: two depth blocks of the GEMM
            {64, 20, 21, 64, 1, 1, 1, 1},    // 110 tiles: two tile blocks, the second starting mid-row
            {20, 3, 3, 130, 2, 2, 2, 2},     // 130 output channels (past one 128-row block), padding 2
            {4, 2, 16, 8, 1, 1, 1, 1},       // one row of 8 tiles, many images per call: each group an image's row
    };

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6})
    void exactOnSmallIntegers(int which) {
        int[] a = CASES[which];
        SplittableRandom r = new SplittableRandom(which);
        ConvGeometry g = geometry(a);
        int m = a[3];
        float[] x = integers(r, 2 * g.inputSize()), w = integers(r, m * g.colRows()), bias = integers(r, m);
        for (boolean relu : new boolean[] {false, true}) {
            for (int n = 0; n < 2; n++) {
                float[] expected = direct(g, m, x, n * g.inputSize(), w, bias, relu);
                assertArrayEquals(expected, winograd(g, m, x, n * g.inputSize(), w, bias, relu),
                        g + " -> " + m + (relu ? " with ReLU" : "") + ", image " + n);
            }
        }
    }

    /**
     * One forward call over several images (as many as the plan takes at once, at most 5; images 7×7 and smaller
     * take several), at strides with gaps between them: each image equals the definition exactly on small integers,
     * and the gaps are not written.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6})
    void severalImagesInOneCallExact(int which) {
        ConvDriver driver = VectorSupport.CONV;
        assumeTrue(driver != null, "Winograd runs on the Vector API driver");
        int[] a = CASES[which];
        SplittableRandom r = new SplittableRandom(500 + which);
        ConvGeometry g = geometry(a);
        int m = a[3];
        Winograd plan = new Winograd(g, m, driver.mr(), driver.nr(), driver.kc());
        int images = Math.min(plan.images, 5), xStride = g.inputSize() + 3, yStride = m * g.colCols() + 2;
        float[] x = integers(r, 1 + images * xStride), w = integers(r, m * g.colRows()), bias = integers(r, m);
        float[] u = new float[plan.packedWeightSize()];
        plan.packWeights(w, 0, u);
        float[] y = new float[images * yStride];
        java.util.Arrays.fill(y, Float.NaN);
        plan.forward(driver, x, 1, xStride, images, u, bias, 0, y, 0, yStride, true, new float[plan.paddedBufferSize()],
                new float[plan.transformedSize()], new float[plan.productSize()]);
        for (int n = 0; n < images; n++) {
            float[] expected = direct(g, m, x, 1 + n * xStride, w, bias, true);
            assertArrayEquals(expected, java.util.Arrays.copyOfRange(y, n * yStride, n * yStride + expected.length),
                    g + " -> " + m + ", image " + n + " of " + images);
            for (int i = n * yStride + expected.length; i < (n + 1) * yStride; i++) {
                org.junit.jupiter.api.Assertions.assertTrue(Float.isNaN(y[i]), "gap after image " + n + " written");
            }
        }
    }

    /**
     * The weight gradient equals the definition exactly on small integers, summed over 1, 2 and 23 images (so that
     * blocks of tiles span images and the last block is partial).
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6})
    void weightGradientExactOnSmallIntegers(int which) {
        ConvDriver driver = VectorSupport.CONV;
        assumeTrue(driver != null, "Winograd runs on the Vector API driver");
        int[] a = CASES[which];
        SplittableRandom r = new SplittableRandom(300 + which);
        ConvGeometry g = geometry(a);
        int m = a[3];
        Winograd plan = new Winograd(g, m, driver.mr(), driver.nr(), driver.kc());
        for (int images : new int[] {1, 2, 23}) {
            float[] x = integers(r, images * g.inputSize()), dy = integers(r, images * m * g.colCols());
            float[] grad = new float[plan.gradientSize() + 5];
            plan.weightGradient(driver, x, 0, g.inputSize(), dy, 0, m * g.colCols(), 0, images, grad, 5,
                    new float[plan.channelsLastInputSize()], new float[plan.channelsLastGradientSize()],
                    new float[plan.transposedSize()], new float[plan.hatSize()]);
            float[] dw = new float[m * g.colRows()];
            plan.storeWeightGradient(grad, 5, dw, 0);
            assertArrayEquals(directWeightGradient(g, m, x, dy, images), dw, g + " -> " + m + ", " + images + " images");
        }
    }

    /**
     * The same with Vᵀ in panels one vector wide ({@link ConvDriver#narrowNr}, the layout the layer uses where the
     * input channels fit in one vector) and its products on the narrow-panel kernel: exact against the definition
     * on the cases with that few channels.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 6})
    void weightGradientWithNarrowPanelsExact(int which) {
        ConvDriver driver = VectorSupport.CONV;
        assumeTrue(driver != null, "Winograd runs on the Vector API driver");
        int[] a = CASES[which];
        assumeTrue(a[0] <= driver.narrowNr(), "more input channels than one vector holds");
        SplittableRandom r = new SplittableRandom(700 + which);
        ConvGeometry g = geometry(a);
        int m = a[3];
        // Ŷ in 4-row panels, and in panels one vector tall (the layout the layer uses)
        for (int mr : new int[] {driver.mr(), driver.narrowNr()})
        for (int images : new int[] {1, 2, 23}) {
            Winograd plan = new Winograd(g, m, mr, driver.narrowNr(), driver.kc());
            float[] x = integers(r, images * g.inputSize()), dy = integers(r, images * m * g.colCols());
            float[] grad = new float[plan.gradientSize() + 5];
            plan.weightGradient(driver, x, 0, g.inputSize(), dy, 0, m * g.colCols(), 0, images, grad, 5,
                    new float[plan.channelsLastInputSize()], new float[plan.channelsLastGradientSize()],
                    new float[plan.transposedSize()], new float[plan.hatSize()]);
            float[] dw = new float[m * g.colRows()];
            plan.storeWeightGradient(grad, 5, dw, 0);
            assertArrayEquals(directWeightGradient(g, m, x, dy, images), dw,
                    g + " -> " + m + ", " + images + " images, narrow panels, Ŷ in panels of " + mr);
        }
    }

    /**
     * The weight gradient with Ŷ in panels one vector tall and Vᵀ in the usual nr-wide panels (the layout the layers
     * with more input channels than one vector holds use, on machines with 8-row product tiles): exact against the
     * definition on small integers.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6})
    void weightGradientWithTallPanelsExact(int which) {
        ConvDriver driver = VectorSupport.CONV;
        assumeTrue(driver != null && driver.tallPanels(), "8-row product tiles need the Vector API and 32 registers");
        int[] a = CASES[which];
        SplittableRandom r = new SplittableRandom(900 + which);
        ConvGeometry g = geometry(a);
        int m = a[3];
        Winograd plan = new Winograd(g, m, driver.narrowNr(), driver.nr(), driver.kc());
        for (int images : new int[] {1, 2, 23}) {
            float[] x = integers(r, images * g.inputSize()), dy = integers(r, images * m * g.colCols());
            float[] grad = new float[plan.gradientSize() + 5];
            plan.weightGradient(driver, x, 0, g.inputSize(), dy, 0, m * g.colCols(), 0, images, grad, 5,
                    new float[plan.channelsLastInputSize()], new float[plan.channelsLastGradientSize()],
                    new float[plan.transposedSize()], new float[plan.hatSize()]);
            float[] dw = new float[m * g.colRows()];
            plan.storeWeightGradient(grad, 5, dw, 0);
            assertArrayEquals(directWeightGradient(g, m, x, dy, images), dw, g + " -> " + m + ", " + images + " images, tall panels");
        }
    }

    /**
     * The channels-last copy of x and dy (blocks transposed in registers, gathered positions, copied channels) against
     * its scalar reference: the same cells written with the same values, every other cell left as it was.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6})
    void channelsLastMatchesTheScalarReference(int which) {
        ConvDriver driver = VectorSupport.CONV;
        assumeTrue(driver != null, "the vector copy needs the Vector API");
        int[] a = CASES[which];
        SplittableRandom r = new SplittableRandom(500 + which);
        ConvGeometry g = geometry(a);
        Winograd plan = new Winograd(g, a[3], driver.mr(), driver.nr(), driver.kc());
        float[] x = GemmTest.randomArray(r, 3 + g.inputSize()), dy = GemmTest.randomArray(r, 7 + a[3] * g.colCols());
        float[] xFast = GemmTest.randomArray(r, plan.channelsLastInputSize()), dyFast = GemmTest.randomArray(r, plan.channelsLastGradientSize());
        float[] xReference = xFast.clone(), dyReference = dyFast.clone();
        driver.winogradChannelsLast(plan, x, 3, dy, 7, xFast, dyFast);
        plan.toChannelsLast(x, 3, dy, 7, xReference, dyReference);
        assertArrayEquals(xReference, xFast, "x channels-last");
        assertArrayEquals(dyReference, dyFast, "dy channels-last");
    }

    /** The weight gradient's vector transforms against their scalar reference, bit for bit, on random data. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6})
    void gradientTransformsMatchTheScalarReference(int which) {
        ConvDriver driver = VectorSupport.CONV;
        assumeTrue(driver != null, "the vector transforms need the Vector API");
        int[] a = CASES[which];
        SplittableRandom r = new SplittableRandom(400 + which);
        // the panels of the regular products, and the narrow ones (Vᵀ one vector wide, Ŷ one vector tall)
        for (Winograd plan : new Winograd[] {new Winograd(geometry(a), a[3], driver.mr(), driver.nr(), driver.kc()),
                new Winograd(geometry(a), a[3], driver.narrowNr(), driver.narrowNr(), driver.kc()),
                new Winograd(geometry(a), a[3], driver.narrowNr(), driver.nr(), driver.kc())}) {
            float[] xLast = GemmTest.randomArray(r, plan.channelsLastInputSize());
            float[] dyLast = GemmTest.randomArray(r, plan.channelsLastGradientSize());
            int count = Math.min(plan.tiles, 37), depth = count + 3;
            float[] vFast = new float[plan.transposedSize()], yFast = new float[plan.hatSize()];
            float[] vReference = new float[vFast.length], yReference = new float[yFast.length];
            driver.winogradGradientTransforms(plan, xLast, dyLast, plan.tiles - count, count, 3, depth, vFast, yFast);
            plan.gradientTransforms(xLast, dyLast, plan.tiles - count, count, 3, depth, vReference, yReference);
            assertArrayEquals(vReference, vFast, "V transposed, panels " + plan.mr + " x " + plan.nr);
            assertArrayEquals(yReference, yFast, "dy transformed, panels " + plan.mr + " x " + plan.nr);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6})
    void closeOnRandomFloats(int which) {
        int[] a = CASES[which];
        SplittableRandom r = new SplittableRandom(100 + which);
        ConvGeometry g = geometry(a);
        int m = a[3];
        float[] x = GemmTest.randomArray(r, g.inputSize()), w = GemmTest.randomArray(r, m * g.colRows());
        float[] expected = direct(g, m, x, 0, w, null, false);
        // each output sums 9·C products of magnitude <= 1; the transforms add at most a few such sums' roundings
        double tol = 1e-6 * 9 * g.channels();
        Tensors.assertClose(expected, winograd(g, m, x, 0, w, null, false), tol, tol, g + " -> " + m);
    }

    /**
     * The vector transforms against their scalar references, bit for bit, on every tile block of each case: the input
     * transform on a random padded copy (compared on the tiles' columns of the panels), the output transform on random
     * products (compared on every output, each of which must be written).
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6})
    void vectorTransformsMatchTheScalarReferences(int which) {
        ConvDriver driver = VectorSupport.CONV;
        assumeTrue(driver != null, "the vector transforms need the Vector API");
        int[] a = CASES[which];
        SplittableRandom r = new SplittableRandom(200 + which);
        ConvGeometry g = geometry(a);
        int m = a[3];
        Winograd plan = new Winograd(g, m, driver.mr(), driver.nr(), driver.kc());
        // as many images as one forward call takes, at most 3: blocks and groups of L tiles then span images
        int images = Math.min(plan.images, 3), total = images * plan.tiles, yStride = m * g.colCols() + 5;
        float[] split = GemmTest.randomArray(r, plan.paddedBufferSize()), bias = GemmTest.randomArray(r, m);
        float[] prod = GemmTest.randomArray(r, plan.productSize());
        for (int t0 = 0; t0 < total; t0 += plan.block) {
            int count = Math.min(plan.block, total - t0), width = (count + plan.nr - 1) / plan.nr * plan.nr;
            float[] fast = new float[plan.transformedSize()], reference = new float[plan.transformedSize()];
            driver.winogradInput(plan, split, t0, count, width, fast);
            plan.inputTransform(split, t0, count, width, reference);
            int point = Winograd.pointStride(g.channels(), width);
            for (int xi = 0; xi < 16; xi++)
                for (int c = 0; c < g.channels(); c++)
                    for (int t = 0; t < count; t++) {
                        int pc = c / plan.kc * plan.kc, depth = Math.min(plan.kc, g.channels() - pc);
                        int i = xi * point + pc * width + (t / plan.nr) * depth * plan.nr + (c - pc) * plan.nr + t % plan.nr;
                        if (Float.floatToIntBits(fast[i]) != Float.floatToIntBits(reference[i])) {
                            org.junit.jupiter.api.Assertions.fail("input transform of " + g + ": point " + xi + ", channel " + c
                                    + ", tile " + (t0 + t) + ": " + fast[i] + " != " + reference[i]);
                        }
                    }
            for (boolean relu : new boolean[] {false, true}) {
                float[] yFast = new float[images * yStride], yReference = new float[images * yStride];
                java.util.Arrays.fill(yFast, Float.NaN);
                java.util.Arrays.fill(yReference, Float.NaN);
                driver.winogradOutput(plan, prod, t0, count, width, bias, 0, yFast, 0, yStride, relu);
                plan.outputTransform(prod, t0, count, width, bias, 0, yReference, 0, yStride, relu);
                assertArrayEquals(yReference, yFast, "output transform of " + g + ", tiles from " + t0 + (relu ? ", ReLU" : ""));
            }
        }
    }

    /** The kernel transform on an all-ones kernel: G·1·Gᵀ is the outer product of G's row sums (1, 3/2, 1/2, 1). */
    @Test
    void kernelTransformOfOnes() {
        float[] k = {1, 1, 1, 1, 1, 1, 1, 1, 1}, u = new float[16];
        Winograd.kernelTransform(k, 0, u, 0, 1);
        float[] s = {1f, 1.5f, 0.5f, 1f}, expected = new float[16];
        for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) expected[4 * i + j] = s[i] * s[j];
        assertArrayEquals(expected, u);
    }

    private static ConvGeometry geometry(int[] a) {
        return ConvGeometry.of(a[0], a[1], a[2], 3, 3, 1, 1, a[4], a[5], a[6], a[7], 1, 1);
    }

    private static float[] winograd(ConvGeometry g, int m, float[] x, int xOff, float[] w, float[] bias, boolean relu) {
        ConvDriver driver = VectorSupport.CONV;
        assumeTrue(driver != null, "Winograd runs on the Vector API driver");
        Winograd plan = new Winograd(g, m, driver.mr(), driver.nr(), driver.kc());
        float[] u = new float[plan.packedWeightSize()];
        plan.packWeights(w, 0, u);
        float[] y = new float[m * g.colCols()];
        java.util.Arrays.fill(y, Float.NaN);  // every output must be written
        plan.forward(driver, x, xOff, 0, 1, u, bias, 0, y, 0, 0, relu, new float[plan.paddedBufferSize()],
                new float[plan.transformedSize()], new float[plan.productSize()]);
        return y;
    }

    /** The definition, summed in double: y[m][i][j] = bias[m] + Σ w[m][c][a][b]·x[c][i + a - padTop][j + b - padLeft]. */
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
                                int yy = i + a - g.padTop(), xx = j + b - g.padLeft();
                                if (yy < 0 || yy >= h || xx < 0 || xx >= wd) continue;
                                s += (double) w[((o * c + ci) * 3 + a) * 3 + b] * x[xOff + (ci * h + yy) * wd + xx];
                            }
                    y[(o * oh + i) * ow + j] = relu ? (float) Math.max(s, 0) : (float) s;
                }
        return y;
    }

    /** dw[m][c][a][b] = Σ over images and outputs of dy[n][m][i][j]·x[n][c][i + a - padTop][j + b - padLeft], in double. */
    static float[] directWeightGradient(ConvGeometry g, int m, float[] x, float[] dy, int images) {
        int c = g.channels(), h = g.height(), wd = g.width(), oh = g.outH(), ow = g.outW();
        float[] dw = new float[m * c * 9];
        for (int o = 0; o < m; o++)
            for (int ci = 0; ci < c; ci++)
                for (int a = 0; a < 3; a++)
                    for (int b = 0; b < 3; b++) {
                        double s = 0;
                        for (int n = 0; n < images; n++)
                            for (int i = 0; i < oh; i++)
                                for (int j = 0; j < ow; j++) {
                                    int yy = i + a - g.padTop(), xx = j + b - g.padLeft();
                                    if (yy < 0 || yy >= h || xx < 0 || xx >= wd) continue;
                                    s += (double) dy[((n * m + o) * oh + i) * ow + j] * x[((n * c + ci) * h + yy) * wd + xx];
                                }
                        dw[((o * c + ci) * 3 + a) * 3 + b] = (float) s;
                    }
        return dw;
    }

    private static float[] integers(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = r.nextInt(-4, 5);
        return v;
    }
}
