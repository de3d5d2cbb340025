package jcnn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jcnn.tensor.Tensor;
import jcnn.testing.DirectConv;
import jcnn.testing.GradCheck;
import jcnn.testing.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConvTranspose2dTest {

    /** stride, padding, outputPadding, dilation, groups, kernel. */
    static Stream<Arguments> configs() {
        List<Arguments> out = new ArrayList<>();
        for (int stride : new int[] {1, 2, 3})
            for (int padding : new int[] {0, 1})
                for (int dilation : new int[] {1, 2})
                    for (int groups : new int[] {1, 2})
                        for (int outputPadding = 0; outputPadding < Math.max(stride, dilation); outputPadding++)
                            out.add(Arguments.of(stride, padding, outputPadding, dilation, groups, 3));
        out.add(Arguments.of(2, 1, 0, 1, 1, 4)); // the DCGAN up-sampling block
        out.add(Arguments.of(1, 0, 0, 1, 1, 1));
        return out.stream();
    }

    private static ConvTranspose2d layer(int stride, int padding, int outputPadding, int dilation, int groups, int k) {
        return new ConvTranspose2d(4, 6, k).stride(stride).padding(padding).outputPadding(outputPadding)
                .dilation(dilation).groups(groups);
    }

    @ParameterizedTest(name = "stride={0} padding={1} outputPadding={2} dilation={3} groups={4} k={5}")
    @MethodSource("configs")
    void forwardMatchesScatterDefinition(int s, int p, int op, int d, int g, int k) {
        ConvTranspose2d deconv = layer(s, p, op, d, g, k);
        Tensor x = Tensors.random(1, 2, 4, 4, 5);
        Tensor expected = DirectConv.convTranspose2d(x, deconv.weight().value(), deconv.bias().value(), s, s, p, p, op, op, d, d, g);
        Tensor y = deconv.forward(x, false);
        assertArrayEquals(expected.shape(), deconv.outputShape(x.shape()));
        Tensors.assertClose(expected, y, 1e-5, 1e-5, deconv.toString());
    }

    @ParameterizedTest(name = "stride={0} padding={1} outputPadding={2} dilation={3} groups={4} k={5}")
    @MethodSource("configs")
    void gradientsMatchFiniteDifferences(int s, int p, int op, int d, int g, int k) {
        GradCheck.check(layer(s, p, op, d, g, k), Tensors.random(2, 2, 4, 3, 4), 1e-2, 2e-3);
    }

    /**
     * {@code <conv(x), y> = <x, convTranspose(y)>} when both use the same weight (no bias): transposed
     * convolution is the adjoint of convolution, which is why it is the convolution's backward.
     */
    @ParameterizedTest(name = "stride={0} padding={1} outputPadding={2} dilation={3} groups={4} k={5}")
    @MethodSource("configs")
    void isTheAdjointOfConvolution(int s, int p, int op, int d, int g, int k) {
        // With outputPadding >= stride (allowed when dilation > stride) the extra rows lie beyond every window,
        // and the convolution of that larger map has more outputs than the deconvolution had inputs.
        org.junit.jupiter.api.Assumptions.assumeTrue(op < s);
        ConvTranspose2d deconv = layer(s, p, op, d, g, k).bias(false);
        Tensor y = Tensors.random(3, 2, 4, 4, 5);
        Tensor deconvY = deconv.forward(y, false).copy();
        Conv2d conv = new Conv2d(6, 4, k).stride(s).padding(p).dilation(d).groups(g).bias(false);
        conv.weight().value().copyFrom(deconv.weight().value());
        Tensor x = Tensors.random(4, deconvY.shape());
        Tensor convX = conv.forward(x, false);
        assertArrayEquals(y.shape(), convX.shape(), "conv maps the deconvolution's output size back to its input size");
        assertEquals(convX.dot(y), x.dot(deconvY), 1e-4 * (1 + Math.abs(x.dot(deconvY))));
    }

    /**
     * Seed 003's chainer check. Convolving a 9×9 map of ones with W = 1..9 (3×3), stride 3, and back-propagating
     * a gradient of ones tiles 1..9 over the 9×9 input gradient; deconvolving a 3×3 map of ones with the same W
     * and stride gives the same 9×9 — the deconvolution is the convolution's backward.
     */
    @Test
    void seed003ChainerExample() {
        float[] tiled = new float[81];
        for (int r = 0; r < 9; r++)
            for (int c = 0; c < 9; c++) tiled[r * 9 + c] = (r % 3) * 3 + (c % 3) + 1;

        Conv2d conv = new Conv2d(1, 1, 3).stride(3).bias(false);
        conv.weight().value().copyFrom(Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3));
        Tensor out = conv.forward(Tensor.full(1f, 1, 1, 9, 9), true);
        assertEquals(405.0, out.sum(), "sum of the convolution of ones (chainer printed 405.0)");
        Tensor dx = conv.backward(Tensor.full(1f, 1, 1, 3, 3));
        assertArrayEquals(tiled, dx.data());

        ConvTranspose2d deconv = new ConvTranspose2d(1, 1, 3).stride(3).bias(false);
        deconv.weight().value().copyFrom(conv.weight().value());
        Tensor y = deconv.forward(Tensor.full(1f, 1, 1, 3, 3), false);
        assertArrayEquals(new int[] {1, 1, 9, 9}, y.shape(), "stride·(in-1) + k - 2·pad = 3·2 + 3 = 9");
        assertArrayEquals(tiled, y.data());
    }

    /** The seed's size formula: stride·(in - 1) + k - 2·pad, plus dilation and outputPadding. */
    @Test
    void outputSizeFormula() {
        assertArrayEquals(new int[] {2, 6, 32, 32}, new ConvTranspose2d(4, 6, 4).stride(2).padding(1).outputShape(2, 4, 16, 16));
        assertArrayEquals(new int[] {2, 6, 34, 34}, new ConvTranspose2d(4, 6, 3).stride(2).padding(1).outputPadding(1)
                .dilation(2).outputShape(2, 4, 16, 16)); // 2·15 - 2·1 + 2·2 + 1 + 1
    }

    @Test
    void outputPaddingMustBeSmallerThanStrideOrDilation() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new ConvTranspose2d(2, 2, 3).stride(2).outputPadding(2).outputShape(1, 2, 4, 4));
        assertEquals("ConvTranspose2d(2, 2, kernelSize=3, stride=2, outputPadding=2): outputPadding (2, 2) must be "
                + "smaller than max(stride, dilation) = (2, 2)", e.getMessage());
    }

    @Test
    void perSidePaddingIsRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> new ConvTranspose2d(2, 2, 3).padding("same"));
        assertTrue(e.getMessage().contains("symmetric padding"), e.getMessage());
    }

    @Test
    void weightLayoutIsPyTorchs() {
        assertArrayEquals(new int[] {4, 3, 5, 5}, new ConvTranspose2d(4, 6, 5).groups(2).weight().shape());
    }
}
