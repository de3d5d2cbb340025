package jcnn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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

class Conv2dTest {

    /** stride, padding {top, bottom, left, right}, dilation, groups, bias, kernel (kh, kw), input (h, w). */
    static Stream<Arguments> configs() {
        List<Arguments> out = new ArrayList<>();
        int[][] pads = {{0, 0, 0, 0}, {1, 1, 1, 1}, {2, 0, 1, 2}};
        for (int stride : new int[] {1, 2, 3})
            for (int[] pad : pads)
                for (int dilation : new int[] {1, 2})
                    for (int groups : new int[] {1, 2})
                        out.add(Arguments.of(stride, pad, dilation, groups, (stride + groups) % 2 == 0, 3, 2, 7, 6));
        out.add(Arguments.of(1, new int[] {0, 0, 0, 0}, 1, 1, true, 1, 1, 5, 5));  // pointwise path
        out.add(Arguments.of(2, new int[] {0, 0, 0, 0}, 1, 2, true, 1, 1, 5, 5));  // strided 1x1, grouped
        out.add(Arguments.of(1, new int[] {0, 0, 0, 0}, 1, 1, false, 5, 5, 5, 5)); // kernel = input
        return out.stream();
    }

    private static Conv2d layer(int stride, int[] pad, int dilation, int groups, boolean bias, int kh, int kw) {
        return new Conv2d(4, 6, kh, kw).stride(stride).padding(pad[0], pad[1], pad[2], pad[3])
                .dilation(dilation).groups(groups).bias(bias);
    }

    @ParameterizedTest(name = "stride={0} pad={1} dilation={2} groups={3} bias={4} k={5}x{6} in={7}x{8}")
    @MethodSource("configs")
    void forwardMatchesDirectDefinition(int stride, int[] pad, int dilation, int groups, boolean bias,
                                        int kh, int kw, int h, int w) {
        Conv2d conv = layer(stride, pad, dilation, groups, bias, kh, kw);
        Tensor x = Tensors.random(1, 3, 4, h, w);
        Tensor expected = DirectConv.conv2d(x, conv.weight().value(), bias ? conv.bias().value() : null,
                stride, stride, pad, dilation, dilation, groups);
        Tensor y = conv.forward(x, false);
        assertArrayEquals(expected.shape(), conv.outputShape(x.shape()));
        Tensors.assertClose(expected, y, 1e-5, 1e-5, conv.toString());
    }

    @ParameterizedTest(name = "stride={0} pad={1} dilation={2} groups={3} bias={4} k={5}x{6} in={7}x{8}")
    @MethodSource("configs")
    void gradientsMatchFiniteDifferences(int stride, int[] pad, int dilation, int groups, boolean bias,
                                         int kh, int kw, int h, int w) {
        Conv2d conv = layer(stride, pad, dilation, groups, bias, kh, kw);
        GradCheck.check(conv, Tensors.random(2, 2, 4, h, w), 1e-2, 2e-3);
    }

    @Test
    void samePaddingKeepsTheSizeAndPadsTheExtraOnTheBottomRight() {
        Conv2d conv = new Conv2d(2, 3, 4).padding("same");
        Tensor x = Tensors.random(3, 1, 2, 5, 6);
        assertArrayEquals(new int[] {1, 3, 5, 6}, conv.outputShape(x.shape()));
        // kernel 4: total padding 3 -> 1 before, 2 after (PyTorch's split)
        Tensor expected = DirectConv.conv2d(x, conv.weight().value(), conv.bias().value(), 1, 1,
                new int[] {1, 2, 1, 2}, 1, 1, 1);
        Tensors.assertClose(expected, conv.forward(x, false), 1e-5, 1e-5, "same");
        Conv2d dilated = new Conv2d(2, 3, 3).padding("same").dilation(2);
        assertArrayEquals(new int[] {1, 3, 5, 6}, dilated.outputShape(x.shape()));
        GradCheck.check(dilated, x, 1e-2, 2e-3);
    }

    @Test
    void validPaddingIsNoPadding() {
        assertArrayEquals(new int[] {1, 3, 3, 4}, new Conv2d(2, 3, 3).padding("valid").outputShape(1, 2, 5, 6));
    }

    /** Seed 000: ten 3-channel 7×7 images and three 5×5 filters give (10, 3, 3, 3); backward gives (10, 3, 7, 7). */
    @Test
    void seed000Shapes() {
        Conv2d conv = new Conv2d(3, 3, 5);
        Tensor x = Tensors.random(4, 10, 3, 7, 7);
        Tensor y = conv.forward(x, true);
        assertArrayEquals(new int[] {10, 3, 3, 3}, y.shape());
        Tensor dx = conv.backward(Tensors.random(5, 10, 3, 3, 3));
        assertArrayEquals(new int[] {10, 3, 7, 7}, dx.shape());
        assertArrayEquals(new int[] {3, 3, 5, 5}, conv.weight().grad().shape());
        assertArrayEquals(new int[] {3}, conv.bias().grad().shape());
    }

    /**
     * Seed 004's 3-channel example: a 3-channel 4×4 image and two 2×2×3 kernels. The patch matrix P is 12×9, the
     * kernel matrix K is 2×12, and K·P reshaped is the two 3×3 output maps. Values here: x = 0..47, W = 0..23.
     */
    @Test
    void seed004ThreeChannelExample() {
        Tensor x = Tensor.arange(1, 3, 4, 4);
        Conv2d conv = new Conv2d(3, 2, 2).bias(false);
        conv.weight().value().copyFrom(Tensor.arange(2, 3, 2, 2));
        Tensor y = conv.forward(x, false);
        assertArrayEquals(new int[] {1, 2, 3, 3}, y.shape());
        // K row m · P column (oh, ow): Σ_c Σ_ij W[m][c][i][j] x[c][oh+i][ow+j]
        for (int m = 0; m < 2; m++)
            for (int oh = 0; oh < 3; oh++)
                for (int ow = 0; ow < 3; ow++) {
                    float s = 0;
                    for (int c = 0; c < 3; c++)
                        for (int i = 0; i < 2; i++)
                            for (int j = 0; j < 2; j++)
                                s += (m * 12 + c * 4 + i * 2 + j) * (c * 16 + (oh + i) * 4 + ow + j);
                    assertEquals(s, y.get(0, m, oh, ow), "output " + m + "," + oh + "," + ow);
                }
        // first output: channel sums of W[0]·(top-left 2×2 window) = (0·0+1·1+2·4+3·5) + (4·16+5·17+6·20+7·21) + (8·32+9·33+10·36+11·37)
        assertEquals(24 + 416 + 1320, y.get(0, 0, 0, 0));
    }

    @Test
    void firstLayerCanSkipTheInputGradient() {
        Conv2d conv = new Conv2d(1, 2, 3);
        conv.setInputGradRequired(false);
        Tensor x = Tensors.random(6, 2, 1, 5, 5);
        conv.forward(x, true);
        assertNull(conv.backward(Tensors.random(7, 2, 2, 3, 3)));
        Tensor dw = conv.weight().grad().copy();
        Conv2d full = new Conv2d(1, 2, 3);
        full.weight().value().copyFrom(conv.weight().value());
        full.forward(x, true);
        full.backward(Tensors.random(7, 2, 2, 3, 3));
        Tensors.assertClose(full.weight().grad(), dw, 0, 0, "weight gradient without input gradient");
    }

    @Test
    void resultsDoNotDependOnBatchSplitOrBufferReuse() {
        Conv2d conv = new Conv2d(3, 5, 3).padding(1);
        Tensor x = Tensors.random(8, 7, 3, 9, 9);
        Tensor all = conv.forward(x, false).copy();
        for (int n = 0; n < 7; n++) {
            Tensor one = Tensor.zeros(1, 3, 9, 9);
            System.arraycopy(x.data(), n * 243, one.data(), 0, 243);
            Tensor y = conv.forward(one, false);
            for (int i = 0; i < y.numel(); i++) assertEquals(all.data()[n * y.numel() + i], y.data()[i], 1e-5f);
        }
    }

    @Test
    void reprShowsNonDefaultOptionsOnly() {
        assertEquals("Conv2d(1, 30, kernelSize=5)", new Conv2d(1, 30, 5).toString());
        assertEquals("Conv2d(4, 8, kernelSize=(3, 1), stride=2, padding=(1, 0), dilation=(2, 1), groups=2, bias=false)",
                new Conv2d(4, 8, 3, 1).stride(2).padding(1, 0).dilation(2, 1).groups(2).bias(false).toString());
    }

    // ---------------------------------------------------------------------------------------------------
    // Bad input: each error names the layer, the parameter and the shapes.
    // ---------------------------------------------------------------------------------------------------

    @Test
    void wrongRankIsRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Conv2d(1, 2, 3).forward(Tensor.zeros(4, 28, 28), false));
        assertEquals("Conv2d(1, 2, kernelSize=3): expected a 4-D input (N, C, H, W), got shape (4, 28, 28)", e.getMessage());
    }

    @Test
    void channelMismatchIsRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 2, 3).forward(Tensor.zeros(8, 1, 28, 28), false));
        assertEquals("Conv2d(3, 2, kernelSize=3): expected input (N, C, H, W) with channels C = 3, got shape (8, 1, 28, 28)",
                e.getMessage());
    }

    @Test
    void kernelLargerThanPaddedInputIsRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Conv2d(1, 2, 5).padding(1).forward(Tensor.zeros(1, 1, 2, 2), false));
        assertTrue(e.getMessage().startsWith("Conv2d(1, 2, kernelSize=5, padding=1): kernel 5x5 (dilation (1, 1)) is larger than the padded input: input 2x2"),
                e.getMessage());
    }

    @Test
    void nonPositiveStrideIsRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Conv2d(1, 2, 3).stride(0));
        assertEquals("Conv2d(1, 2, kernelSize=3): stride must be >= 1, got (0, 0)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Conv2d(1, 2, 3).stride(1, -2));
        assertTrue(e.getMessage().contains("stride must be >= 1, got (1, -2)"), e.getMessage());
    }

    @Test
    void groupsMustDivideTheChannels() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Conv2d(4, 6, 3).groups(4));
        assertEquals("Conv2d(4, 6, kernelSize=3): groups=4 must divide inChannels=4 and outChannels=6", e.getMessage());
    }

    @Test
    void sameIsUndefinedForStridedConvolutions() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Conv2d(1, 2, 3).padding("same").stride(2).outputShape(1, 1, 8, 8));
        assertEquals("Conv2d(1, 2, kernelSize=3, stride=2, padding='same'): padding='same' is not supported for "
                + "strided convolutions (stride (2, 2))", e.getMessage());
    }

    @Test
    void negativePaddingIsRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Conv2d(1, 2, 3).padding(-1));
        assertTrue(e.getMessage().contains("padding must be >= 0"), e.getMessage());
    }

    @Test
    void gradOutputOfTheWrongShapeIsRejected() {
        Conv2d conv = new Conv2d(1, 2, 3);
        conv.forward(Tensor.zeros(2, 1, 5, 5), true);
        var e = assertThrows(IllegalArgumentException.class, () -> conv.backward(Tensor.zeros(2, 2, 4, 4)));
        assertEquals("Conv2d(1, 2, kernelSize=3): gradOutput has shape (2, 2, 4, 4) but the forward output had shape (2, 2, 3, 3)",
                e.getMessage());
    }
}
