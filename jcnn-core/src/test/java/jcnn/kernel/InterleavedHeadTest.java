package jcnn.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * {@link InterleavedHead}: its scalar reference against the convolution's definition, and the vector kernel against
 * the reference bit for bit, on sizes where the last tiles of a row and of the channels overlap their neighbours.
 */
class InterleavedHeadTest {
    // channels, height, width, kernel h, kernel w, padding top, bottom, left, right, out channels
    private static final int[][] CASES = {
            {1, 28, 28, 3, 3, 1, 1, 1, 1, 16},   // DeepConvNet's first layer
            {3, 9, 8, 5, 5, 2, 2, 2, 2, 7},      // RGB, 5×5: 8 outputs (one tile) per row, 7 channels (overlapping tiles)
            {2, 7, 13, 3, 1, 0, 2, 1, 0, 5},     // 3×1 kernel, asymmetric padding, 14-wide rows (tiles overlap)
            {1, 6, 11, 1, 3, 0, 0, 1, 1, 4},     // 1×3 kernel, 11 outputs per row, one tile of channels
            {4, 5, 20, 2, 2, 1, 0, 0, 1, 9},     // an even kernel, the most channels a head takes
    };

    private static ConvGeometry geometry(int[] a) {
        return ConvGeometry.of(a[0], a[1], a[2], a[3], a[4], 1, 1, a[5], a[6], a[7], a[8], 1, 1);
    }

    /** The next layer's plan: a 3×3 convolution on this head's outputs (only its interleaved layout matters here). */
    private static Winograd4x4 next(ConvGeometry g, int m) {
        return new Winograd4x4(ConvGeometry.of(m, g.outH(), g.outW(), 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 8, 4, 16, 256);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4})
    void referenceMatchesTheDefinition(int which) {
        int[] a = CASES[which];
        ConvGeometry g = geometry(a);
        int m = a[9], count = 5;  // a partial group: lanes 5..7 are zeros
        Convolution layer = new Convolution(g, 1, m);
        Winograd4x4 next = next(g, m);
        InterleavedHead head = InterleavedHead.of(layer, next);
        assertNotNull(head);
        SplittableRandom r = new SplittableRandom(7 + which);
        float[] x = GemmTest.randomArray(r, count * g.inputSize()), w = GemmTest.randomArray(r, m * g.colRows());
        float[] bias = GemmTest.randomArray(r, m);
        float[] xi = new float[head.groupSize()], packed = new float[head.packedWeightSize()];
        float[] dst = new float[next.base + next.groupSize()];
        head.interleave(x, 0, g.inputSize(), count, xi);
        head.packWeights(w, packed);
        for (boolean relu : new boolean[] {false, true}) {
            head.forward(xi, packed, bias, relu, next, dst);
            int plane = g.height() * g.width();
            for (int e = 0; e < 8; e++) {
                for (int o = 0; o < m; o++) {
                    for (int oh = 0; oh < g.outH(); oh++) {
                        for (int ow = 0; ow < g.outW(); ow++) {
                            double sum = bias[o];
                            for (int c = 0; c < g.channels(); c++)
                                for (int i = 0; i < g.kernelH(); i++)
                                    for (int j = 0; j < g.kernelW(); j++) {
                                        int ih = oh + i - g.padTop(), iw = ow + j - g.padLeft();
                                        if (e >= count || ih < 0 || iw < 0 || ih >= g.height() || iw >= g.width()) continue;
                                        sum += (double) w[((o * g.channels() + c) * g.kernelH() + i) * g.kernelW() + j]
                                                * x[e * g.inputSize() + c * plane + ih * g.width() + iw];
                                    }
                            if (relu) sum = Math.max(sum, 0);
                            float got = dst[next.base + next.positions[oh * g.outW() + ow] + o * next.channelStep + e];
                            assertEquals(sum, got, 1e-5 * (1 + Math.abs(sum)), "lane " + e + ", channel " + o + " at " + oh + "," + ow);
                        }
                    }
                }
            }
        }
    }

    /** The vector kernel (copy and convolution) against the reference, float for float, a NaN and exact zeros included. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4})
    void vectorMatchesTheReference(int which) {
        ConvDriver driver = VectorSupport.CONV;
        int[] a = CASES[which];
        ConvGeometry g = geometry(a);
        int m = a[9];
        Winograd4x4 next = next(g, m);
        InterleavedHead head = InterleavedHead.of(new Convolution(g, 1, m), next);
        assumeTrue(driver != null && PanamaWinograd4x4.AVAILABLE && driver.headRuns(head), "the head's tiles fit its rows and channels");
        SplittableRandom r = new SplittableRandom(17 + which);
        for (int count : new int[] {8, 3}) {
            int stride = g.inputSize() + 5;  // images with gaps between them
            float[] x = GemmTest.randomArray(r, 8 * stride), w = GemmTest.randomArray(r, m * g.colRows());
            float[] bias = GemmTest.randomArray(r, m);
            x[stride + 2] = Float.NaN;
            Arrays.fill(w, 0, g.colRows(), 0f);  // channel 0: bias alone, and with a bias of -0, -0 + 0
            bias[0] = -0f;
            float[] packed = new float[head.packedWeightSize()];
            head.packWeights(w, packed);
            for (boolean relu : new boolean[] {false, true}) {
                float[] xiRef = new float[head.groupSize()], xi = new float[head.groupSize()];
                float[] expected = new float[next.base + next.groupSize()], got = new float[expected.length];
                head.interleave(x, 0, stride, count, xiRef);
                head.forward(xiRef, packed, bias, relu, next, expected);
                driver.headForward(head, x, 0, stride, count, xi, packed, bias, relu, next, got);
                assertArrayEquals(xiRef, xi, "the copy, " + count + " images");
                assertArrayEquals(expected, got, "outputs, " + count + " images, relu " + relu);
                boolean nan = false;  // image 1's NaN reached its lane
                for (int p = 0; p < next.positions.length; p++) nan |= Float.isNaN(got[next.base + next.positions[p] + 1]);
                assertTrue(nan, "a NaN input gives NaN outputs");
            }
        }
    }

    /** No head for groups, strides, dilations, too many channels, or outputs that are not the next layer's input. */
    @Test
    void onlyForPlainLayersWithFewChannelsThatFeedTheNextOne() {
        ConvGeometry g = ConvGeometry.of(1, 12, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        Winograd4x4 next = next(g, 16);
        assertNotNull(InterleavedHead.of(new Convolution(g, 1, 16), next));
        assertNull(InterleavedHead.of(new Convolution(g, 1, 8), next), "8 outputs into 16 channels");
        assertNull(InterleavedHead.of(new Convolution(ConvGeometry.of(1, 24, 24, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1), 1, 16), next),
                "stride 2");
        assertNull(InterleavedHead.of(new Convolution(ConvGeometry.of(1, 14, 14, 3, 3, 1, 1, 1, 1, 1, 1, 2, 2), 1, 16), next),
                "dilation 2");
        assertNull(InterleavedHead.of(new Convolution(ConvGeometry.of(2, 12, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 2, 16), next),
                "groups");
        assertNull(InterleavedHead.of(new Convolution(ConvGeometry.of(5, 12, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 1, 16), next),
                "5 input channels");
        assertNull(InterleavedHead.of(new Convolution(ConvGeometry.of(1, 12, 12, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1), 1, 16), next),
                "10×10 outputs into a 12×12 layer");
    }
}
