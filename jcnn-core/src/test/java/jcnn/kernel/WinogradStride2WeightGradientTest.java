package jcnn.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import jcnn.testing.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link WinogradStride2WeightGradient} against the definition of a stride-2 convolution's weight gradient. Its
 * transforms multiply by 0 and ±1 only, so on small integers every intermediate value is exact in float and the
 * result must equal the direct sum bit for bit; on random floats it must agree to rounding.
 */
class WinogradStride2WeightGradientTest {
    // channels, height, width, out channels, padding top, bottom, left, right
    private static final int[][] CASES = {
            {1, 5, 5, 1, 0, 0, 0, 0},        // 2×2 outputs: exactly one tile
            {3, 9, 8, 5, 1, 1, 1, 1},        // 5×4 outputs: tiles over the bottom edge, odd dy rows
            {20, 12, 13, 21, 0, 2, 1, 0},    // asymmetric padding; 20 in and 21 out channels (partial panels)
            {16, 6, 6, 16, 0, 0, 0, 0},      // no padding: the last input row and column are read by no output
            {64, 30, 31, 64, 1, 1, 1, 1},    // 120 tiles an image: blocks of the GEMM's depth span images
            {130, 6, 6, 20, 2, 2, 2, 2},     // 130 input channels, padding 2
    };

    /**
     * The weight gradient equals the definition exactly on small integers, summed over 1, 2 and 11 images (so that
     * blocks of tiles span images and the last block is partial), added to dU at an offset.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void exactOnSmallIntegers(int which) {
        ConvDriver driver = driver();
        int[] a = CASES[which];
        SplittableRandom r = new SplittableRandom(300 + which);
        ConvGeometry g = geometry(a);
        int m = a[3];
        WinogradStride2WeightGradient plan = plan(g, m);
        for (int images : new int[] {1, 2, 11}) {
            float[] x = integers(r, images * g.inputSize()), dy = integers(r, images * m * g.colCols());
            assertArrayEquals(direct(g, m, x, dy, images), winograd(plan, x, dy, images), g + " -> " + m + ", " + images + " images");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void closeOnRandomFloats(int which) {
        int[] a = CASES[which];
        SplittableRandom r = new SplittableRandom(100 + which);
        ConvGeometry g = geometry(a);
        int m = a[3], images = 3;
        float[] x = GemmTest.randomArray(r, images * g.inputSize()), dy = GemmTest.randomArray(r, images * m * g.colCols());
        float[] expected = direct(g, m, x, dy, images);
        // each gradient sums 3·outH·outW products of magnitude <= 1; the transforms add a few such sums' roundings
        double tol = 1e-6 * images * g.colCols();
        Tensors.assertClose(expected, winograd(plan(g, m), x, dy, images), tol, tol, g + " -> " + m);
    }

    /**
     * The channels-last copy of x and dy (blocks transposed in registers, gathered positions, copied channels) against
     * its scalar reference: the same cells written with the same values, every other cell left as it was.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void channelsLastMatchesTheScalarReference(int which) {
        ConvDriver driver = driver();
        int[] a = CASES[which];
        SplittableRandom r = new SplittableRandom(500 + which);
        ConvGeometry g = geometry(a);
        WinogradStride2WeightGradient plan = plan(g, a[3]);
        float[] x = GemmTest.randomArray(r, 3 + g.inputSize()), dy = GemmTest.randomArray(r, 7 + a[3] * g.colCols());
        float[] xFast = GemmTest.randomArray(r, plan.channelsLastInputSize()), dyFast = GemmTest.randomArray(r, plan.channelsLastGradientSize());
        float[] xReference = xFast.clone(), dyReference = dyFast.clone();
        driver.stride2ChannelsLast(plan, x, 3, dy, 7, xFast, dyFast);
        plan.toChannelsLast(x, 3, dy, 7, xReference, dyReference);
        assertArrayEquals(xReference, xFast, "x channels-last");
        assertArrayEquals(dyReference, dyFast, "dy channels-last");
    }

    /** The vector transforms against their scalar reference, bit for bit, on random data, the block partly filled. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void transformsMatchTheScalarReference(int which) {
        ConvDriver driver = driver();
        int[] a = CASES[which];
        SplittableRandom r = new SplittableRandom(400 + which);
        WinogradStride2WeightGradient plan = plan(geometry(a), a[3]);
        float[] xLast = GemmTest.randomArray(r, plan.channelsLastInputSize());
        float[] dyLast = GemmTest.randomArray(r, plan.channelsLastGradientSize());
        int count = Math.min(plan.tiles, 37), depth = count + 3;
        float[] vFast = new float[plan.transposedSize()], yFast = new float[plan.hatSize()];
        float[] vReference = new float[vFast.length], yReference = new float[yFast.length];
        driver.stride2WeightTransforms(plan, xLast, dyLast, plan.tiles - count, count, 3, depth, vFast, yFast);
        plan.gradientTransforms(xLast, dyLast, plan.tiles - count, count, 3, depth, vReference, yReference);
        assertArrayEquals(vReference, vFast, "V transposed");
        assertArrayEquals(yReference, yFast, "dy transformed");
    }

    /** Points (i, j) of Ŷ read the distinct point (r(i), r(j)), r = (0, 1, 2, 0, 2): rows 3, 4 repeat rows 0, 2. */
    @Test
    void hatPointsRepeatRowsAndColumns() {
        int[] r = {0, 1, 2, 0, 2};
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 5; j++) assertEquals(3 * r[i] + r[j], WinogradStride2WeightGradient.hatPoint(5 * i + j), "point " + i + ", " + j);
    }

    private static ConvDriver driver() {
        ConvDriver driver = VectorSupport.CONV;
        assumeTrue(driver != null && PanamaWinogradStride2.WEIGHT_GRADIENT_AVAILABLE, "the stride-2 weight gradient runs on the Vector API driver");
        return driver;
    }

    private static WinogradStride2WeightGradient plan(ConvGeometry g, int m) {
        ConvDriver driver = driver();
        return new WinogradStride2WeightGradient(g, m, driver.mr(), driver.nr(), driver.kc());
    }

    /** dw through the plan: dU accumulated at an offset of 5 floats, then transformed. */
    private static float[] winograd(WinogradStride2WeightGradient plan, float[] x, float[] dy, int images) {
        ConvGeometry g = plan.g;
        int m = plan.outChannels;
        float[] grad = new float[plan.gradientSize() + 5];
        plan.weightGradient(driver(), x, 0, g.inputSize(), dy, 0, m * g.colCols(), 0, images, grad, 5,
                new float[plan.channelsLastInputSize()], new float[plan.channelsLastGradientSize()],
                new float[plan.transposedSize()], new float[plan.hatSize()]);
        float[] dw = new float[m * g.colRows()];
        java.util.Arrays.fill(dw, Float.NaN);  // every element must be written
        plan.storeWeightGradient(grad, 5, dw, 0);
        return dw;
    }

    /** dw[m][c][a][b] = Σ over images and outputs of dy[n][m][i][j]·x[n][c][2i + a - padTop][2j + b - padLeft], in double. */
    static float[] direct(ConvGeometry g, int m, float[] x, float[] dy, int images) {
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
                                    int yy = 2 * i + a - g.padTop(), xx = 2 * j + b - g.padLeft();
                                    if (yy < 0 || yy >= h || xx < 0 || xx >= wd) continue;
                                    s += (double) dy[((n * m + o) * oh + i) * ow + j] * x[((n * c + ci) * h + yy) * wd + xx];
                                }
                        dw[((o * c + ci) * 3 + a) * 3 + b] = (float) s;
                    }
        return dw;
    }

    private static ConvGeometry geometry(int[] a) {
        return ConvGeometry.of(a[0], a[1], a[2], 3, 3, 2, 2, a[4], a[5], a[6], a[7], 1, 1);
    }

    private static float[] integers(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = r.nextInt(-4, 5);
        return v;
    }
}
