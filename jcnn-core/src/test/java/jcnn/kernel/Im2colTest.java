package jcnn.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class Im2colTest {

    /** Geometries over channels, odd sizes, kernels, strides, per-side padding and dilation, 1-D included. */
    static Stream<ConvGeometry> geometries() {
        List<ConvGeometry> out = new ArrayList<>();
        int[][] sizes = {{5, 7}, {1, 9}, {6, 6}, {3, 37}, {2, 56}};
        for (int[] hw : sizes)
            for (int k : new int[] {1, 2, 3})
                for (int s : new int[] {1, 2, 3})
                    for (int[] pad : new int[][] {{0, 0, 0, 0}, {1, 1, 1, 1}, {0, 2, 1, 0}})
                        for (int d : new int[] {1, 2}) {
                            int kh = hw[0] == 1 ? 1 : k;
                            int[] p = hw[0] == 1 ? new int[] {0, 0, pad[2], pad[3]} : pad;
                            int oh = ConvGeometry.outputSize(hw[0], kh, s, p[0] + p[1], d);
                            int ow = ConvGeometry.outputSize(hw[1], k, s, p[2] + p[3], d);
                            if (oh < 1 || ow < 1) continue;
                            out.add(ConvGeometry.of(2, hw[0], hw[1], kh, k, s, s, p[0], p[1], p[2], p[3], d, d));
                        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void fastMatchesReference(ConvGeometry g) {
        SplittableRandom rng = new SplittableRandom(g.hashCode());
        float[] x = GemmTest.randomArray(rng, g.inputSize() + 1);
        float[] expected = new float[g.colRows() * g.colCols() + 1];
        float[] actual = GemmTest.randomArray(rng, expected.length); // garbage must be overwritten
        Im2col.im2colReference(g, x, 1, expected, 1);
        Im2col.im2col(g, x, 1, actual, 1);
        actual[0] = expected[0];
        assertArrayEquals(expected, actual, "im2col");

        float[] col = GemmTest.randomArray(rng, g.colRows() * g.colCols());
        float[] dxExpected = new float[g.inputSize()];
        float[] dxActual = GemmTest.randomArray(rng, g.inputSize());
        Im2col.col2imReference(g, col, 0, dxExpected, 0);
        Im2col.col2im(g, col, 0, dxActual, 0);
        // same additions in the same order per pixel? not necessarily: compare with a tolerance
        for (int i = 0; i < dxExpected.length; i++) {
            assertEquals(dxExpected[i], dxActual[i], 1e-5f, "col2im at " + i);
        }
    }

    /** col2im is the adjoint of im2col: {@code <im2col(x), y> = <x, col2im(y)>}. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void col2imIsTheAdjointOfIm2col(ConvGeometry g) {
        SplittableRandom rng = new SplittableRandom(7 + g.hashCode());
        float[] x = GemmTest.randomArray(rng, g.inputSize());
        float[] y = GemmTest.randomArray(rng, g.colRows() * g.colCols());
        float[] colX = new float[y.length];
        float[] col2imY = new float[x.length];
        Im2col.im2col(g, x, 0, colX, 0);
        Im2col.col2im(g, y, 0, col2imY, 0);
        double lhs = 0, rhs = 0;
        for (int i = 0; i < y.length; i++) lhs += (double) colX[i] * y[i];
        for (int i = 0; i < x.length; i++) rhs += (double) x[i] * col2imY[i];
        assertEquals(lhs, rhs, 1e-4 * (1 + Math.abs(lhs)));
    }

    /**
     * Seed 001: a 4×4 image holding 1..16 and a 2×2 kernel (W X; Y Z) give the 4×9 patch matrix whose columns
     * are the nine 2×2 windows, e.g. a = 1W + 2X + 5Y + 6Z.
     */
    @Test
    void seed001FourByFourImage() {
        ConvGeometry g = ConvGeometry.of(1, 4, 4, 2, 2, 1, 1, 0, 0, 0, 0, 1, 1);
        float[] x = new float[16];
        for (int i = 0; i < 16; i++) x[i] = i + 1;
        float[] col = new float[4 * 9];
        Im2col.im2col(g, x, 0, col, 0);
        float[] expected = {
                1, 2, 3, 5, 6, 7, 9, 10, 11,
                2, 3, 4, 6, 7, 8, 10, 11, 12,
                5, 6, 7, 9, 10, 11, 13, 14, 15,
                6, 7, 8, 10, 11, 12, 14, 15, 16};
        assertArrayEquals(expected, col);
        // (W X Y Z) · P gives a..i; with W=1, X=2, Y=3, Z=4: a = 1 + 4 + 15 + 24 = 44
        float[] k = {1, 2, 3, 4}, out = new float[9];
        Gemm.sgemm(false, false, 1, 9, 4, k, 0, 4, col, 0, 9, 0f, out, 0, 9);
        assertEquals(44f, out[0]);
        assertEquals(1 * 11 + 2 * 12 + 3 * 15 + 4 * 16, out[8]);
    }

    @Test
    void kernelLargerThanPaddedInputIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConvGeometry.of(1, 3, 3, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1));
        assertEquals(true, e.getMessage().contains("kernel larger than the padded input"), e.getMessage());
    }
}
