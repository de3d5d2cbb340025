package jcnn.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The vector kernels against their scalar references, on awkward sizes, with ties, signed zeros and NaNs. */
class ElementwiseTest {

    static float[] awkward(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            int kind = r.nextInt(20);
            x[i] = switch (kind) {
                case 0 -> Float.NaN;
                case 1 -> -0.0f;
                case 2 -> 0.0f;
                case 3, 4 -> 0.5f; // ties
                default -> (float) (r.nextDouble() * 2 - 1);
            };
        }
        return x;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 6, 7, 8, 9, 13, 16, 31, 64, 100, 4098})
    void reluMatchesReference(int n) {
        float[] x = awkward(n + 3, n);
        float[] y = new float[n + 3], yRef = new float[n + 3];
        Elementwise.reluForward(x, y, 3, n + 3);
        Elementwise.reluForwardReference(x, yRef, 3, n + 3);
        assertArrayEquals(yRef, y);
        float[] dy = awkward(n + 3, n + 1), dx = new float[n + 3], dxRef = new float[n + 3];
        Elementwise.reluBackward(y, dy, dx, 3, n + 3);
        Elementwise.reluBackwardReference(y, dy, dxRef, 3, n + 3);
        assertArrayEquals(dxRef, dx);
    }

    /**
     * The compaction of rows (with and without ReLU) against the scalar definition, bit for bit, with -0 and NaN:
     * widths below, at and between vector lengths (24 at 16 lanes ends with an overlapping vector); the floats
     * between and after the destination rows keep their values.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 8, 9, 15, 16, 17, 24, 28, 33})
    void copyRowsMatchesReference(int n) {
        int rows = 3, xStride = n + 4, yStride = n + 2;
        float[] x = awkward(5 + rows * xStride, n);
        for (boolean relu : new boolean[] {false, true}) {
            float[] y = awkward(1 + rows * yStride + 3, n + 11), yRef = y.clone();
            Elementwise.copyRows(x, 5, xStride, y, 1, yStride, rows, n, relu);
            new ElementwiseKernel.Scalar().copyRows(x, 5, xStride, yRef, 1, yStride, rows, n, relu);
            for (int i = 0; i < y.length; i++) {
                assertEquals(Float.floatToRawIntBits(yRef[i]), Float.floatToRawIntBits(y[i]), "relu=" + relu + ", y[" + i + "]");
            }
        }
    }

    /**
     * The stride-2 row copies of im2col and col2im against their scalar definitions, bit for bit, with -0 and NaN
     * among the values. Both rows end where their arrays end, x[xOff + 2n - 2] being the last element, so a load
     * or a store past the row (which for col2im could be another thread's row) would throw.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 8, 9, 15, 16, 17, 28, 100})
    void strideTwoRowsMatchReference(int n) {
        float[] x = awkward(3 + 2 * n - 1, n), y = new float[n + 2], yRef = new float[n + 2];
        Elementwise.gatherEven(x, 3, y, 1, n);
        new ElementwiseKernel.Scalar().gatherEven(x, 3, yRef, 1, n);
        assertArrayEquals(yRef, y);
        // with a margin: x[xOff + 2n - 1] is the array's last element, and y past the row keeps its values
        float[] xm = awkward(3 + 2 * n, n + 3), ym = awkward(n + 2, n + 5), ymRef = ym.clone();
        Elementwise.gatherEvenWithMargin(xm, 3, ym, 1, n);
        new ElementwiseKernel.Scalar().gatherEven(xm, 3, ymRef, 1, n);
        for (int i = 0; i < ym.length; i++) {
            assertEquals(Float.floatToRawIntBits(ymRef[i]), Float.floatToRawIntBits(ym[i]), "gather with margin, y[" + i + "]");
        }
        float[] g = awkward(n + 1, n + 7), dx = awkward(3 + 2 * n - 1, n + 9), dxRef = dx.clone();
        Elementwise.scatterAddEven(g, 1, dx, 3, n);
        new ElementwiseKernel.Scalar().scatterAddEven(g, 1, dxRef, 3, n);
        for (int i = 0; i < dx.length; i++) {
            assertEquals(Float.floatToRawIntBits(dxRef[i]), Float.floatToRawIntBits(dx[i]), "dx[" + i + "]");
        }
    }

    /**
     * The sum's fixed order, bit for bit: random values of mixed magnitudes, which a different grouping would round
     * differently; and small exact cases (elements 0, 32 and the tail's 64 share partial sum 0).
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 100, 576, 4099})
    void sumMatchesReference(int n) {
        SplittableRandom r = new SplittableRandom(n);
        float[] x = new float[n + 5];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 2 - 1) * (1 << r.nextInt(12));
        assertEquals(Float.floatToIntBits(Elementwise.sumReference(x, 5, n)), Float.floatToIntBits(Elementwise.sum(x, 5, n)));
        float[] y = new float[65];
        y[0] = 3f;
        y[1] = 5f;
        y[8] = 7f;
        y[16] = 11f;
        y[32] = 13f;
        y[64] = 17f;
        assertEquals(56f, Elementwise.sum(y, 0, 65));
        assertEquals(56f, Elementwise.sumReference(y, 0, 65));
        // the grouping: 2^24 + 1 rounds back to 2^24, so in order x[0] + x[8] + x[16] + x[24] = 2^24; the definition
        // adds sums 8 and 24 first (1 + 1 = 2) and then 2^24 + 2 is exact
        float[] z = new float[32];
        z[0] = 16777216f;
        z[8] = 1f;
        z[16] = 1f;
        z[24] = 1f;
        assertEquals(16777218f, Elementwise.sumReference(z, 0, 32));
        assertEquals(16777218f, Elementwise.sum(z, 0, 32));
    }

    /**
     * Split-k blocks added in block order, bit for bit, with beta 0 (y's old values, NaN here, ignored) and beta 0.5,
     * on row lengths around the vector's; and the order itself: 2^24 + 1 + 1 rounds to 2^24 when added block by block,
     * to 2^24 + 2 when the two ones are added first.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 8, 15, 16, 17, 33, 100})
    void sumBlocksMatchesReference(int n) {
        SplittableRandom r = new SplittableRandom(n);
        int blocks = 5, stride = n + 3;
        float[] x = new float[3 + blocks * stride];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 2 - 1) * (1 << r.nextInt(12));
        for (float beta : new float[] {0f, 0.5f}) {
            float[] y = awkward(n + 4, n), expected = y.clone();
            if (beta == 0f) {
                java.util.Arrays.fill(y, 2, n + 2, Float.NaN);
                java.util.Arrays.fill(expected, 2, n + 2, Float.NaN);
            }
            Elementwise.sumBlocksReference(x, 3, stride, blocks, beta, expected, 2, n);
            Elementwise.sumBlocks(x, 3, stride, blocks, beta, y, 2, n);
            assertArrayEquals(expected, y, "beta " + beta);
            for (int i = 0; i < n; i++) {
                float sum = 0f;
                for (int b = 0; b < blocks; b++) sum += x[3 + b * stride + i];
                assertEquals(Float.floatToIntBits(beta == 0f ? sum : sum + beta * awkward(n + 4, n)[2 + i]), Float.floatToIntBits(y[2 + i]));
            }
        }
        float[] z = new float[3 * 16];
        java.util.Arrays.fill(z, 0, 16, 16777216f);
        java.util.Arrays.fill(z, 16, 48, 1f);
        float[] out = new float[16];
        Elementwise.sumBlocks(z, 0, 16, 3, 0f, out, 0, 16);
        for (float v : out) assertEquals(16777216f, v);
    }

    /**
     * Planes narrower than the vector (DeepConvNet's 7×7 → 3×3, and 5 to 15 wide) stacked as in a batch, with
     * values from a small set (many ties) and a single NaN, so that most rows take the vector path. The planes are
     * pooled last to first: a store reaching past its plane (another thread's, in a parallel pass) would then
     * overwrite outputs already checked to be final.
     */
    @ParameterizedTest
    @ValueSource(ints = {5, 6, 7, 9, 12, 15})
    void narrowPlanesMatchReference(int w) {
        int h = w, oh = h / 2, ow = w / 2, planes = 6, hw = h * w, p = oh * ow;
        SplittableRandom r = new SplittableRandom(w);
        float[] x = new float[planes * hw];
        for (int i = 0; i < x.length; i++) x[i] = r.nextInt(5) - 2 + (r.nextInt(7) == 0 ? -0.0f : 0f);
        x[hw + w + 2] = Float.NaN;
        float[] y = new float[planes * p], yRef = new float[planes * p];
        int[] at = new int[planes * p], atRef = new int[planes * p];
        for (int plane = planes - 1; plane >= 0; plane--) {
            Elementwise.maxPool2x2(x, plane * hw, w, y, at, plane * p, oh, ow);
            Elementwise.maxPool2x2Reference(x, plane * hw, w, yRef, atRef, plane * p, oh, ow);
        }
        assertArrayEquals(yRef, y);
        assertArrayEquals(atRef, at);
    }

    /** Plane widths around the vector length, odd heights and widths (the last row/column is not pooled). */
    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 5, 14, 15, 16, 17, 24, 31, 32, 33, 48, 58})
    void maxPool2x2MatchesReference(int w) {
        int h = w / 2 + 3, oh = h / 2, ow = w / 2;
        float[] x = awkward(2 + h * w, w);
        float[] y = new float[1 + oh * ow], yRef = new float[1 + oh * ow];
        int[] at = new int[1 + oh * ow], atRef = new int[1 + oh * ow];
        Elementwise.maxPool2x2(x, 2, w, y, at, 1, oh, ow);
        Elementwise.maxPool2x2Reference(x, 2, w, yRef, atRef, 1, oh, ow);
        assertArrayEquals(yRef, y);
        assertArrayEquals(atRef, at);
        float[] y2 = new float[1 + oh * ow];
        Elementwise.maxPool2x2(x, 2, w, y2, null, 1, oh, ow);
        assertArrayEquals(yRef, y2, "without indices");
    }

    /**
     * Pooling a plane stored on a wider stride, with and without the ReLU: the same floats and positions as pooling a
     * dense, ReLU'd copy of each row's first W floats (positions counted on W), for the vector kernel and its
     * reference; the columns past W (ignored) hold NaNs and huge values, and the awkward values include -0 (the copy
     * turns it into +0) and NaNs.
     */
    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 5, 14, 15, 16, 17, 24, 31, 32, 33, 48, 58})
    void stridedReluPoolingIsPoolingTheReluCopy(int w) {
        int h = w / 2 + 3, oh = h / 2, ow = w / 2, stride = w + 4;
        float[] x = awkward(2 + h * stride + 40, w + 7);
        for (int r = 0; r < h; r++) {
            x[2 + r * stride + w] = Float.NaN;
            x[2 + r * stride + w + 1] = 1e30f;
        }
        for (boolean relu : new boolean[] {false, true}) {
            float[] dense = new float[h * w];
            for (int r = 0; r < h; r++)
                for (int c = 0; c < w; c++) dense[r * w + c] = relu ? Math.max(x[2 + r * stride + c], 0f) : x[2 + r * stride + c];
            float[] yRef = new float[1 + oh * ow], y = new float[1 + oh * ow], y2 = new float[1 + oh * ow];
            int[] atRef = new int[1 + oh * ow], at = new int[1 + oh * ow], at2 = new int[1 + oh * ow];
            Elementwise.maxPool2x2Reference(dense, 0, w, yRef, atRef, 1, oh, ow);
            Elementwise.maxPool2x2(x, 2, stride, w, relu, y, at, 1, oh, ow);
            Elementwise.maxPool2x2Reference(x, 2, stride, w, relu, y2, at2, 1, oh, ow);
            assertArrayEquals(yRef, y, "vector, relu " + relu);
            assertArrayEquals(atRef, at, "vector positions, relu " + relu);
            assertArrayEquals(yRef, y2, "reference, relu " + relu);
            assertArrayEquals(atRef, at2, "reference positions, relu " + relu);
        }
    }

    /**
     * The backward of 2×2 pooling against its scalar reference, plain and with the ReLU mask, on the switches of a
     * real forward over awkward values (ties, signed zeros, NaNs), with odd widths whose last column is outside
     * every window (those cells must keep their value: the caller zeroes them). Every window cell is written.
     */
    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 5, 14, 15, 16, 17, 24, 31, 32, 33, 48, 58})
    void maxPool2x2BackwardMatchesReference(int w) {
        int h = w / 2 + 3, oh = h / 2, ow = w / 2;
        float[] x = awkward(2 + h * w, w);
        float[] y = new float[1 + oh * ow];
        int[] at = new int[1 + oh * ow];
        Elementwise.maxPool2x2(x, 2, w, y, at, 1, oh, ow);
        float[] dy = awkward(1 + oh * ow, w + 7);
        for (float[] pooled : new float[][] {null, y}) {
            float[] dx = new float[2 + h * w], dxRef = new float[2 + h * w];
            java.util.Arrays.fill(dx, 7f);
            java.util.Arrays.fill(dxRef, 7f);
            Elementwise.maxPool2x2Backward(dy, at, pooled, 1, dx, 2, w, oh, ow);
            Elementwise.maxPool2x2BackwardReference(dy, at, pooled, 1, dxRef, 2, w, oh, ow);
            assertArrayEquals(dxRef, dx, pooled == null ? "plain" : "with the ReLU mask");
            int sevens = 0;
            for (float v : dx) if (v == 7f) sevens++;
            assertEquals(2 + h * w - 4 * oh * ow, sevens, "cells outside the windows untouched, all others written");
        }
    }

    /**
     * The backward into rows {@code stride} apart (positions counted on w): each window's cells, and only those, the
     * same as the plain backward's on a dense plane, placed on the wider rows — vector and reference, plain and with
     * the ReLU mask; the other cells (the stride's extra columns, rows outside every window) keep their 7s.
     */
    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 5, 14, 15, 16, 17, 24, 31, 32, 33, 48, 58})
    void stridedBackwardIsThePlainOneOnWiderRows(int w) {
        int h = w / 2 + 3, oh = h / 2, ow = w / 2, stride = w + 4;
        float[] x = awkward(2 + h * w, w);
        float[] y = new float[1 + oh * ow];
        int[] at = new int[1 + oh * ow];
        Elementwise.maxPool2x2(x, 2, w, y, at, 1, oh, ow);
        float[] dy = awkward(1 + oh * ow, w + 7);
        for (float[] pooled : new float[][] {null, y}) {
            float[] dense = new float[2 + h * w];
            java.util.Arrays.fill(dense, 7f);
            Elementwise.maxPool2x2BackwardReference(dy, at, pooled, 1, dense, 2, w, oh, ow);
            float[] expected = new float[3 + h * stride + 40];
            java.util.Arrays.fill(expected, 7f);
            for (int r = 0; r < h; r++) System.arraycopy(dense, 2 + r * w, expected, 3 + r * stride, w);
            float[] dx = new float[expected.length], dxRef = new float[expected.length];
            java.util.Arrays.fill(dx, 7f);
            java.util.Arrays.fill(dxRef, 7f);
            Elementwise.maxPool2x2Backward(dy, at, pooled, 1, dx, 3, stride, w, oh, ow);
            Elementwise.maxPool2x2BackwardReference(dy, at, pooled, 1, dxRef, 3, stride, w, oh, ow);
            String what = pooled == null ? "plain" : "with the ReLU mask";
            assertArrayEquals(expected, dxRef, "reference, " + what);
            assertArrayEquals(expected, dx, "vector, " + what);
        }
    }
}
