package jcnn.nn.activation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jcnn.kernel.Parallel;
import jcnn.nn.Architecture;
import jcnn.nn.Layer;
import jcnn.tensor.Tensor;
import jcnn.testing.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The layer contract as every activation keeps it: repr, shapes, NaN, buffers, modes, errors, parallel split. */
class ActivationBehaviourTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("jcnn.nn.activation.ActivationCases#all")
    void reprIsPyTorchsWithNonDefaultOptionsOnlyAndParsesBack(ActivationCases.Case c) {
        Layer layer = c.make().get();
        assertEquals(c.repr(), layer.toString());
        Activations.registerLayerTypes();
        Layer parsed = Architecture.parse(c.repr());
        assertSame(layer.getClass(), parsed.getClass());
        assertEquals(c.repr(), parsed.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jcnn.nn.activation.ActivationCases#all")
    void outputHasTheInputsShape(ActivationCases.Case c) {
        Layer layer = c.make().get();
        int[][] shapes = layer instanceof AconC ? new int[][] {{2, 3}, {2, 3, 5}, {1, 3, 2, 2}, {0, 3, 4}}
                : ActivationCases.alongDim1(layer) ? new int[][] {{3, 4}, {2, 3, 5}, {2, 1, 2, 2}, {0, 4}, {3, 0}}
                : new int[][] {{7}, {3, 4}, {2, 3, 5}, {2, 3, 2, 2}, {0}, {2, 0, 3}};
        for (int[] shape : shapes) {
            assertArrayEquals(shape, layer.outputShape(shape));
            Tensor y = layer.forward(Tensors.random(1, shape), true);
            assertArrayEquals(shape, y.shape());
            assertArrayEquals(shape, layer.backward(Tensors.random(2, shape)).shape());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jcnn.nn.activation.ActivationCases#all")
    void nanPropagates(ActivationCases.Case c) {
        // PyTorch propagates NaN through every one of these (SoftShrink since 2.x; 1.13 returned 0 there).
        Layer layer = c.make().get();
        Tensor x = Tensors.random(3, 2, 3, 4);
        x.set(Float.NaN, 1, 2, 1);
        Tensor y = layer.forward(x, false);
        for (int i = 0; i < y.numel(); i++) {
            boolean nanRow = ActivationCases.alongDim1(layer) ? i / 12 == 1 && i % 4 == 1 : i == x.offset(1, 2, 1);
            assertEquals(nanRow, Float.isNaN(y.data()[i]), layer + " element " + i + " = " + y.data()[i]);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jcnn.nn.activation.ActivationCases#all")
    void buffersAreReusedAndBackwardFollowsATrainingForward(ActivationCases.Case c) {
        Layer layer = c.make().get();
        Tensor x = Tensors.random(4, 2, 3, 4);
        var e = assertThrows(IllegalStateException.class, () -> layer.backward(x));
        assertEquals(c.repr() + ": backward called before a training forward", e.getMessage());

        Tensor y1 = layer.forward(x, true);
        Tensor dx1 = layer.backward(Tensors.random(5, 2, 3, 4));
        assertSame(y1, layer.forward(Tensors.random(6, 2, 3, 4), true), "same shape, same output buffer");
        assertSame(dx1, layer.backward(Tensors.random(7, 2, 3, 4)), "same shape, same gradient buffer");

        var bad = assertThrows(IllegalArgumentException.class, () -> layer.backward(Tensor.zeros(2, 3, 5)));
        assertEquals(c.repr() + ": gradOutput has shape (2, 3, 5) but the forward output had shape (2, 3, 4)", bad.getMessage());

        layer.forward(x, false);
        assertThrows(IllegalStateException.class, () -> layer.backward(x), "evaluation keeps nothing for backward");

        layer.setInputGradRequired(false);
        layer.forward(x, true);
        assertNull(layer.backward(Tensors.random(8, 2, 3, 4)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jcnn.nn.activation.ActivationCases#all")
    void parallelSplitGivesTheSerialResult(ActivationCases.Case c) {
        // 2 × 3 × 8192 elements: above every parallel threshold; compare with the rows computed one sample at a time.
        int threads = Parallel.threads();
        Parallel.setThreads(Math.max(threads, 3));
        try {
            Layer big = c.make().get(), small = c.make().get();
            Tensor x = Tensors.random(11, 2, 3, 8192), g = Tensors.random(12, 2, 3, 8192);
            Tensor y = big.forward(x, true).copy();
            Tensor dx = big.backward(g).copy();
            float[] params = big.parameters().isEmpty() ? null : big.parameters().get(0).grad().data().clone();
            double[] summed = new double[params == null ? 0 : params.length];
            for (int n = 0; n < 2; n++) {
                int len = 3 * 8192;
                Tensor xs = Tensor.of(java.util.Arrays.copyOfRange(x.data(), n * len, (n + 1) * len), 1, 3, 8192);
                Tensor gs = Tensor.of(java.util.Arrays.copyOfRange(g.data(), n * len, (n + 1) * len), 1, 3, 8192);
                Parallel.setThreads(1);
                Tensor ys = small.forward(xs, true);
                Tensor dxs = small.backward(gs);
                Parallel.setThreads(Math.max(threads, 3));
                assertArrayEquals(ys.data(), java.util.Arrays.copyOfRange(y.data(), n * len, (n + 1) * len), c + " y");
                assertArrayEquals(dxs.data(), java.util.Arrays.copyOfRange(dx.data(), n * len, (n + 1) * len), c + " dx");
                for (int i = 0; i < summed.length; i++) summed[i] += small.parameters().get(0).grad().data()[i];
            }
            for (int i = 0; i < summed.length; i++) assertEquals(summed[i], params[i], 1e-3 * (1 + Math.abs(summed[i])));
        } finally {
            Parallel.setThreads(threads);
        }
    }

    @Test
    void softmaxFamilyNormalisesAlongDimOne() {
        Tensor x = Tensors.random(13, 2, 5, 3, 4);
        Tensor p = new Softmax().forward(x, false);
        Tensor q = new Softmin().forward(x, false);
        Tensor logp = new LogSoftmax().forward(x, false);
        for (int n = 0; n < 2; n++)
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 4; j++) {
                    double sp = 0, sq = 0;
                    for (int c = 0; c < 5; c++) {
                        sp += p.get(n, c, i, j);
                        sq += q.get(n, c, i, j);
                        assertEquals(Math.log(p.get(n, c, i, j)), logp.get(n, c, i, j), 1e-6);
                    }
                    assertEquals(1, sp, 1e-6);
                    assertEquals(1, sq, 1e-6);
                }
        // shift invariance along dim 1, even by a huge constant
        Tensor shifted = x.copy();
        for (int k = 0; k < shifted.numel(); k++) shifted.data()[k] += 5000f;
        Tensors.assertClose(new Softmax().forward(x, false), new Softmax().forward(shifted, false), 1e-3, 1e-6, "shifted");
    }

    @Test
    void softmaxFamilyNeedsRankTwo() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Softmax().forward(Tensor.zeros(5), false));
        assertEquals("Softmax(dim=1): expected an input of rank >= 2 (N, C, ...) to normalise along dim 1, got shape (5,)",
                e.getMessage());
        Activations.registerLayerTypes();
        var dim = assertThrows(IllegalArgumentException.class, () -> Architecture.parse("LogSoftmax(dim=2)"));
        assertTrue(dim.getMessage().contains("LogSoftmax(dim=1) works along dim 1 only, got dim=2"), dim.getMessage());
    }

    @Test
    void badOptionsAreRejected() {
        assertEquals("SoftShrink: lambd must be >= 0, got -1.0",
                assertThrows(IllegalArgumentException.class, () -> new SoftShrink(-1)).getMessage());
        assertEquals("HardTanh: maxVal must be greater than minVal, got minVal=1.0, maxVal=1.0",
                assertThrows(IllegalArgumentException.class, () -> new HardTanh(1, 1)).getMessage());
        assertEquals("CELU: alpha must not be 0, got 0.0",
                assertThrows(IllegalArgumentException.class, () -> new CELU(0)).getMessage());
        assertEquals("Softplus: beta must not be 0, got 0.0",
                assertThrows(IllegalArgumentException.class, () -> new Softplus(0, 20)).getMessage());
        assertEquals("GELU: approximate must be 'none' or 'tanh', got 'erf'",
                assertThrows(IllegalArgumentException.class, () -> new GELU("erf")).getMessage());
        assertEquals("AconC(0): numChannels must be >= 1",
                assertThrows(IllegalArgumentException.class, () -> new AconC(0)).getMessage());
        assertEquals("AconC(3): expected input (N, C, ...) with channels = 3, got shape (2, 4, 5)",
                assertThrows(IllegalArgumentException.class, () -> new AconC(3).forward(Tensor.zeros(2, 4, 5), true)).getMessage());
        assertEquals("AconC(3): expected an input (N, 3, ...) of rank >= 2, got shape (3,)",
                assertThrows(IllegalArgumentException.class, () -> new AconC(3).forward(Tensor.zeros(3), true)).getMessage());
    }

    @Test
    void reprNumbersAreWrittenAsPythonWritesThem() {
        assertEquals("LeakyReLU(negativeSlope=1e-05)", new LeakyReLU(1e-5).toString());
        assertEquals("ELU(alpha=2.0)", new ELU(2).toString());
        assertEquals("Softplus(threshold=1e+10)", new Softplus(1, 1e10).toString());
        assertEquals("HardTanh(maxVal=2.0)", new HardTanh(-1, 2).toString());
        Activations.registerLayerTypes();
        assertEquals("Softplus(beta=3.0, threshold=4.0)", Architecture.parse("Softplus(3, 4)").toString(), "positional, PyTorch's order");
        assertEquals("LeakyReLU(negativeSlope=1e-05)", Architecture.parse("LeakyReLU(negativeSlope=1e-05)").toString());
    }
}
