package jcnn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jcnn.tensor.IntTensor;
import jcnn.tensor.Tensor;
import jcnn.testing.GradCheck;
import jcnn.testing.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PoolingLayersTest {

    /** A hand-computed case: 4×4 input, 2×2 windows, stride 2 — the book's Figure 7-14 shape. */
    @Test
    void maxPoolHandComputed() {
        Tensor x = Tensor.of(new float[] {
                1, 2, 0, 1,
                0, 3, 4, 2,
                3, 0, 1, 0,
                2, 4, 0, 3}, 1, 1, 4, 4);
        MaxPool2d pool = new MaxPool2d(2);
        Tensor y = pool.forward(x, true);
        assertArrayEquals(new float[] {3, 4, 4, 3}, y.data());
        assertArrayEquals(new int[] {5, 6, 13, 15}, pool.indices().data());
        Tensor dx = pool.backward(Tensor.of(new float[] {10, 20, 30, 40}, 1, 1, 2, 2));
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 10, 20, 0, 0, 0, 0, 0, 0, 30, 0, 40}, dx.data());
    }

    @Test
    void overlappingWindowsAddTheirGradients() {
        Tensor x = Tensor.of(new float[] {0, 0, 0, 0, 9, 0, 0, 0, 0}, 1, 1, 3, 3);
        MaxPool2d pool = new MaxPool2d(2).stride(1);
        pool.forward(x, true);
        Tensor dx = pool.backward(Tensor.full(1f, 1, 1, 2, 2));
        assertEquals(4f, dx.get(0, 0, 1, 1), "the centre is the max of all four windows");
    }

    @ParameterizedTest(name = "k={0} s={1} p={2} d={3} ceil={4}")
    @CsvSource({"2,2,0,1,false", "3,2,1,1,true", "3,1,1,2,false", "2,3,1,1,true", "3,3,0,1,true", "1,2,0,1,false"})
    void maxPoolGradients(int k, int s, int p, int d, boolean ceil) {
        MaxPool2d pool = new MaxPool2d(k).stride(s).padding(p).dilation(d).ceilMode(ceil);
        GradCheck.check(pool, Tensors.distinct(k + s, 2, 3, 7, 8), 1e-3, 1e-3);
    }

    @ParameterizedTest(name = "k={0} s={1} p={2} ceil={3} include={4}")
    @CsvSource({"2,2,0,false,true", "3,2,1,true,true", "3,2,1,true,false", "2,1,1,false,false", "3,3,1,true,false"})
    void avgPoolGradients(int k, int s, int p, boolean ceil, boolean include) {
        AvgPool2d pool = new AvgPool2d(k).stride(s).padding(p).ceilMode(ceil).countIncludePad(include);
        GradCheck.check(pool, Tensors.random(3, 2, 3, 7, 8), 1e-2, 1e-3);
    }

    @Test
    void avgPoolCountIncludePad() {
        Tensor x = Tensor.full(1f, 1, 1, 2, 2);
        // window 2x2 stride 2 padding 1 over a 2x2 of ones: each window holds one real 1 and three zeros
        assertEquals(0.25f, new AvgPool2d(2).padding(1).forward(x, false).get(0, 0, 0, 0));
        assertEquals(1f, new AvgPool2d(2).padding(1).countIncludePad(false).forward(x, false).get(0, 0, 0, 0));
        assertEquals(0.5f, new AvgPool2d(2).padding(1).divisorOverride(2).forward(x, false).get(0, 0, 0, 0));
    }

    @Test
    void adaptiveAndGlobalAveragePooling() {
        Tensor x = Tensors.random(4, 2, 3, 10, 7);
        Tensor g = new AdaptiveAvgPool2d(1).forward(x, false);
        assertArrayEquals(new int[] {2, 3, 1, 1}, g.shape());
        double mean = 0;
        for (int i = 0; i < 70; i++) mean += x.data()[70 + i];
        assertEquals(mean / 70, g.get(0, 1, 0, 0), 1e-6);
        GradCheck.check(new AdaptiveAvgPool2d(3, 4), x, 1e-2, 1e-3);
    }

    @Test
    void oneDimensionalPooling() {
        Tensor x = Tensor.of(new float[] {1, 5, 2, 8, 3, 0, 7}, 1, 1, 7);
        assertArrayEquals(new float[] {5, 8, 3}, new MaxPool1d(2).forward(x, false).data());
        assertArrayEquals(new float[] {5, 8, 3, 7}, new MaxPool1d(2).ceilMode(true).forward(x, false).data());
        assertArrayEquals(new float[] {3, 5, 1.5f}, new AvgPool1d(2).forward(x, false).data());
        GradCheck.check(new MaxPool1d(3).stride(2).padding(1), Tensors.distinct(9, 2, 3, 11), 1e-3, 1e-3);
        GradCheck.check(new AvgPool1d(3).stride(2).padding(1), Tensors.random(9, 2, 3, 11), 1e-2, 1e-3);
    }

    @Test
    void unpoolPutsValuesBackAtTheSwitches() {
        Tensor x = Tensors.distinct(11, 2, 3, 6, 6);
        MaxPool2d pool = new MaxPool2d(2);
        MaxUnpool2d unpool = MaxUnpool2d.of(pool);
        Tensor y = pool.forward(x, false);
        Tensor back = unpool.forward(y, false);
        assertArrayEquals(x.shape(), back.shape());
        int kept = 0;
        for (int i = 0; i < x.numel(); i++) {
            if (back.data()[i] != 0f) {
                assertEquals(x.data()[i], back.data()[i]);
                kept++;
            }
        }
        assertEquals(y.numel(), kept, "one value per window survives");
        // explicit indices and output size; gradient by finite differences
        MaxUnpool2d free = new MaxUnpool2d(2);
        IntTensor idx = pool.indices().copy();
        Tensor up = free.forward(y, idx, 6, 6);
        assertArrayEquals(back.data(), up.data());
        Tensor g = Tensors.random(3, up.shape());
        Tensor dx = free.backward(g);
        for (int i = 0; i < dx.numel(); i++) assertEquals(g.data()[(i / 9) * 36 + idx.data()[i]], dx.data()[i]);
    }

    @Test
    void badPoolingOptionsAreRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(2).padding(2).forward(Tensor.zeros(1, 1, 8, 8), false));
        assertEquals("MaxPool2d(kernelSize=2, padding=2): padding (2, 2) must be at most half the kernel size (2, 2)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(3).forward(Tensor.zeros(1, 1, 2, 2), false));
        assertEquals("MaxPool2d(kernelSize=3): input (1, 1, 2, 2) is too small: the output would be 0x0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new AvgPool2d(2).stride(0));
        assertTrue(e.getMessage().contains("stride must be >= 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(2).forward(Tensor.zeros(8, 8), false));
        assertEquals("MaxPool2d(kernelSize=2): expected a 4-D input (N, C, H, W), got shape (8, 8)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MaxUnpool2d(2).forward(Tensor.zeros(1, 1, 2, 2),
                IntTensor.wrap(new int[] {0, 1, 2, 99}, 1, 1, 2, 2)));
        assertTrue(e.getMessage().contains("index 99 is outside the output plane 4x4"), e.getMessage());
    }
}
