package jcnn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jcnn.tensor.Tensor;
import jcnn.testing.DirectConv;
import jcnn.testing.GradCheck;
import jcnn.testing.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Conv1dTest {

    @ParameterizedTest(name = "k={0} stride={1} left={2} right={3} dilation={4} groups={5}")
    @CsvSource({"3,1,0,0,1,1", "3,2,1,1,1,2", "4,2,2,2,1,1", "2,3,0,2,2,1", "1,1,0,0,1,2", "5,1,3,1,2,2"})
    void forwardAndGradients(int k, int s, int left, int right, int d, int g) {
        Conv1d conv = new Conv1d(4, 6, k).stride(s).padding(left, right).dilation(d).groups(g);
        Tensor x = Tensors.random(1, 2, 4, 11);
        // a 1-D convolution is the 2-D one on height 1
        Tensor w4 = conv.weight().value().reshape(6, 4 / g, 1, k);
        Tensor expected = DirectConv.conv2d(x.reshape(2, 4, 1, 11), w4, conv.bias().value(), 1, s,
                new int[] {0, 0, left, right}, 1, d, g);
        Tensor y = conv.forward(x, false);
        assertEquals(3, y.rank());
        Tensors.assertClose(expected.reshape(y.shape()), y, 1e-5, 1e-5, conv.toString());
        GradCheck.check(conv, x, 1e-2, 2e-3);
    }

    /**
     * Seed 004's 1-D example: a 3-channel sequence of length 12 as a (3, 1, 12) "image", a kernel of 1×4, 2 output
     * channels, stride 2, so W is (2, 3, 1, 4), the patch matrix P is 12×5 (3 channels × 4 taps, 5 positions), K
     * is 2×12 and K·P is the (2, 1, 5) output. (The translated seed also says "padding 2"; that would give
     * (12 + 2·2 - 4) / 2 + 1 = 7 positions, not the 5 its matrices have, so the matrices are taken as the
     * truth and padding 2 is checked for its own size.) Values: x = 0..35, W = 0..23.
     */
    @Test
    void seed004OneDimensionalExample() {
        Tensor x = Tensor.arange(1, 3, 12);
        Conv1d conv = new Conv1d(3, 2, 4).stride(2).bias(false);
        assertArrayEquals(new int[] {2, 3, 4}, conv.weight().shape());
        conv.weight().value().copyFrom(Tensor.arange(2, 3, 4));
        Tensor y = conv.forward(x, false);
        assertArrayEquals(new int[] {1, 2, 5}, y.shape());

        // P (12 × 5): column q holds x[c][2q + j] for c in 0..2, j in 0..3; K (2 × 12) is W flattened.
        jcnn.kernel.ConvGeometry g = jcnn.kernel.ConvGeometry.of(3, 1, 12, 1, 4, 1, 2, 0, 0, 0, 0, 1, 1);
        assertEquals(12, g.colRows());
        assertEquals(5, g.colCols());
        float[] p = new float[60];
        jcnn.kernel.Im2col.im2col(g, x.data(), 0, p, 0);
        for (int m = 0; m < 2; m++)
            for (int q = 0; q < 5; q++) {
                float kp = 0;
                for (int r = 0; r < 12; r++) kp += (m * 12 + r) * p[r * 5 + q];
                assertEquals(kp, y.get(0, m, q), "K·P at " + m + "," + q);
                assertEquals((float) (2 * q + 3), p[(0 * 4 + 3) * 5 + q], "channel 0, tap 3 of patch " + q);
            }
        // The same computation as the seed writes it, a Conv2d with a 1×4 kernel on a height-1 image.
        Conv2d conv2d = new Conv2d(3, 2, 1, 4).stride(1, 2).bias(false);
        conv2d.weight().value().copyFrom(Tensor.arange(2, 3, 1, 4));
        Tensors.assertClose(y, conv2d.forward(x.reshape(1, 3, 1, 12), false).reshape(1, 2, 5), 0, 0, "Conv2d 1x4");

        assertArrayEquals(new int[] {1, 2, 7}, new Conv1d(3, 2, 4).stride(2).padding(2).outputShape(1, 3, 12));
    }

    @Test
    void rejectsImageInput() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Conv1d(3, 2, 4).forward(Tensor.zeros(1, 3, 4, 4), false));
        assertEquals("Conv1d(3, 2, kernelSize=4): expected a 3-D input (N, C, L), got shape (1, 3, 4, 4)", e.getMessage());
    }
}
