package jcnn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import jcnn.kernel.Parallel;
import jcnn.tensor.Tensor;
import jcnn.testing.GradCheck;
import jcnn.testing.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DropoutTest {

    @ParameterizedTest(name = "p={0}")
    @ValueSource(doubles = {0.1, 0.5, 0.8})
    void dropsAboutAFractionPAndPreservesTheMean(double p) {
        int n = 1 << 20;
        Tensor x = Tensor.full(1f, 4, n / 4);
        Tensor y = new Dropout(p).seed(7).forward(x, true);
        float scale = (float) (1 / (1 - p));
        long dropped = 0;
        double sum = 0;
        for (float v : y.data()) {
            if (v == 0f) dropped++;
            else assertEquals(scale, v, "survivors are scaled by 1/(1 - p)");
            sum += v;
        }
        double sd = Math.sqrt(p * (1 - p) / n); // of the dropped fraction
        assertEquals(p, (double) dropped / n, 5 * sd, "fraction dropped");
        // the mean of y is scale·(kept fraction): its standard deviation is scale·sd
        assertEquals(1.0, sum / n, 5 * scale * sd, "mean preserved in expectation");
    }

    @Test
    void maskIsUnbiasedOnRandomInputs() {
        // E[y] = x elementwise: average many masks over the same input
        Tensor x = Tensors.random(1, 64);
        Dropout d = new Dropout(0.3).seed(11);
        double[] acc = new double[64];
        int rounds = 20000;
        for (int r = 0; r < rounds; r++) {
            float[] y = d.forward(x, true).data();
            for (int i = 0; i < 64; i++) acc[i] += y[i];
        }
        for (int i = 0; i < 64; i++) {
            double sd = Math.abs(x.data()[i]) * Math.sqrt(0.3 / 0.7 / rounds);
            assertEquals(x.data()[i], acc[i] / rounds, 5 * sd + 1e-6, "element " + i);
        }
    }

    @Test
    void backwardAppliesTheSameMask() {
        Dropout d = new Dropout(0.4).seed(3);
        Tensor x = Tensors.random(2, 3, 5, 7);
        Tensor y = d.forward(x, true);
        Tensor mask = d.mask().copy();
        for (int i = 0; i < x.numel(); i++) {
            assertTrue(mask.data()[i] == 0f || mask.data()[i] == (float) (1 / 0.6));
            assertEquals(x.data()[i] * mask.data()[i], y.data()[i]);
        }
        Tensor g = Tensors.random(4, 3, 5, 7);
        Tensor dx = d.backward(g);
        for (int i = 0; i < g.numel(); i++) assertEquals(g.data()[i] * mask.data()[i], dx.data()[i]);
    }

    @Test
    void gradientByFiniteDifferencesWithAFixedMask() {
        // GradCheck forwards many times; reseeding before each forward keeps the mask fixed
        Dropout d = new Dropout(0.5);
        Layer fixed = new Layer() {
            @Override
            public Tensor forward(Tensor input, boolean training) {
                d.seed(99);
                return d.forward(input, training);
            }

            @Override
            public Tensor backward(Tensor gradOutput) {
                return d.backward(gradOutput);
            }

            @Override
            public int[] outputShape(int... inputShape) {
                return d.outputShape(inputShape);
            }
        };
        GradCheck.check(fixed, Tensors.random(5, 2, 3, 4), 1e-2, 1e-3);
    }

    @Test
    void sameSeedSameMasksBitForBit() {
        Tensor x = Tensors.random(8, 3, 100);
        Dropout a = new Dropout(0.5).seed(42), b = new Dropout(0.5).seed(42), c = new Dropout(0.5).seed(43);
        for (int step = 0; step < 3; step++) {
            float[] ya = a.forward(x, true).data().clone();
            assertArrayEquals(ya, b.forward(x, true).data(), "step " + step);
            assertFalse(Arrays.equals(ya, c.forward(x, true).data()));
        }
        // consecutive masks differ, and reseeding restarts the sequence
        float[] first = a.seed(42).forward(x, true).data().clone();
        assertFalse(Arrays.equals(first, a.forward(x, true).data()));
        assertArrayEquals(first, a.seed(42).forward(x, true).data());
    }

    @Test
    void masksDoNotDependOnTheThreadCount() {
        Tensor x = Tensors.random(9, 1 << 17);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            float[] one = new Dropout(0.25).seed(5).forward(x, true).data().clone();
            Parallel.setThreads(3);
            assertArrayEquals(one, new Dropout(0.25).seed(5).forward(x, true).data());
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void globalSeedFixesTheDefaultGenerator() {
        Tensor x = Tensors.random(10, 50);
        Init.manualSeed(123);
        float[] a = new Dropout(0.5).forward(x, true).data().clone();
        Init.manualSeed(123);
        assertArrayEquals(a, new Dropout(0.5).forward(x, true).data());
        assertFalse(Arrays.equals(a, new Dropout(0.5).forward(x, true).data()), "a second layer has its own generator");
    }

    @Test
    void identityInEvaluationAndForPZero() {
        Tensor x = Tensors.random(12, 4, 6);
        Dropout d = new Dropout(0.9);
        assertSame(x, d.forward(x, false));
        assertSame(x, new Dropout(0.9).train(false).forward(x));
        Dropout zero = new Dropout(0.0);
        assertSame(x, zero.forward(x, true));
        Tensor g = Tensors.random(13, 4, 6);
        assertSame(g, zero.backward(g));
        assertNull(zero.mask());
        assertArrayEquals(new int[] {4, 6}, d.outputShape(4, 6));
        assertTrue(d.parameters().isEmpty() && d.buffers().isEmpty());
    }

    @Test
    void pOneDropsEverythingAsInPyTorch() {
        Dropout d = new Dropout(1.0);
        Tensor x = Tensor.of(new float[] {1, -2, Float.NaN, 4}, 2, 2);
        Tensor y = d.forward(x, true);
        assertEquals(0f, y.data()[0]);
        assertEquals(0f, Math.abs(y.data()[1]));
        assertTrue(Float.isNaN(y.data()[2]), "x·0 keeps a NaN visible");
        assertArrayEquals(new float[] {0, 0, 0, 0}, d.backward(Tensor.full(1f, 2, 2)).data());
    }

    @Test
    void errorsAndText() {
        assertEquals("Dropout(p=0.5)", new Dropout().toString());
        assertEquals("Dropout(p=0.2)", new Dropout(0.2).toString());
        var e = assertThrows(IllegalArgumentException.class, () -> new Dropout(1.5));
        assertEquals("Dropout(p=1.5): p must be in [0, 1]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Dropout(-0.1));
        assertEquals("Dropout(p=-0.1): p must be in [0, 1]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Dropout(Double.NaN));
        Dropout d = new Dropout(0.5);
        var s = assertThrows(IllegalStateException.class, () -> d.backward(Tensor.zeros(2)));
        assertEquals("Dropout(p=0.5): backward called before a training forward", s.getMessage());
        d.forward(Tensor.zeros(3), false);
        assertThrows(IllegalStateException.class, () -> d.backward(Tensor.zeros(3)), "no backward after evaluation");
        d.forward(Tensor.zeros(3), true);
        e = assertThrows(IllegalArgumentException.class, () -> d.backward(Tensor.zeros(4)));
        assertEquals("Dropout(p=0.5): gradOutput has shape (4,) but the forward output had shape (3,)", e.getMessage());
    }

    @Test
    void worksInsideASequential() {
        Sequential m = new Sequential(new Linear(5, 8), new ReLU(), new Dropout(0.5).seed(1), new Linear(8, 2));
        Tensor x = Tensors.random(14, 3, 5);
        Tensor a = m.predict(x).copy();
        assertArrayEquals(a.data(), m.predict(x).data(), "evaluation is deterministic");
        m.forward(x, true);
        m.backward(Tensor.full(1f, 3, 2));
        // with dy = 1, the last layer's dW[o][j] = Σ_i h[i][j], h = relu(x·W1ᵀ + b1)·mask: dropped units add nothing
        float[] mask = ((Dropout) m.get(2)).mask().data();
        float[] dW = ((Linear) m.get(3)).weight().grad().data();
        float[] pre = m.get(0).forward(x, false).data();
        int zeros = 0;
        for (int j = 0; j < 8; j++) {
            double expected = 0;
            for (int i = 0; i < 3; i++) expected += Math.max(pre[i * 8 + j], 0f) * mask[i * 8 + j];
            assertEquals(expected, dW[j], 1e-5, "unit " + j);
            assertEquals(expected, dW[8 + j], 1e-5, "unit " + j);
        }
        for (float k : mask) if (k == 0f) zeros++;
        assertTrue(zeros > 0 && zeros < 24, "some but not all units dropped: " + zeros);
    }
}
