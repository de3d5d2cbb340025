package jcnn.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jcnn.tensor.Tensor;
import jcnn.testing.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PoolingTest {

    /** kernel, stride, padding, dilation, ceilMode over odd sizes. */
    static Stream<Arguments> windows() {
        List<Arguments> out = new ArrayList<>();
        for (int k : new int[] {1, 2, 3})
            for (int s : new int[] {1, 2, 3})
                for (int p = 0; p <= k / 2; p++)
                    for (int d : new int[] {1, 2})
                        for (boolean ceil : new boolean[] {false, true})
                            out.add(Arguments.of(k, s, p, d, ceil));
        return out.stream();
    }

    private static ConvGeometry geometry(int h, int w, int k, int s, int p, int d, boolean ceil) {
        return new ConvGeometry(1, h, w, k, k, s, s, p, p, p, p, d, d,
                Pooling.outputSize(h, k, s, p, d, ceil), Pooling.outputSize(w, k, s, p, d, ceil));
    }

    @ParameterizedTest(name = "k={0} s={1} p={2} d={3} ceil={4}")
    @MethodSource("windows")
    void maxPoolMatchesTheIm2colReference(int k, int s, int p, int d, boolean ceil) {
        ConvGeometry g = geometry(7, 6, k, s, p, d, ceil);
        int planes = 3, out = g.outH() * g.outW() * planes;
        // ties on purpose: values from a small set, so the first-in-scan-order rule is exercised
        Tensor x = Tensors.random(k * 100 + s * 10 + p, planes, 7, 6);
        for (int i = 0; i < x.numel(); i++) x.data()[i] = Math.round(x.data()[i] * 3) / 3f;
        float[] y = new float[out], yRef = new float[out];
        int[] at = new int[out], atRef = new int[out];
        Pooling.maxPoolForward(g, x.data(), y, at, planes);
        Pooling.maxPoolReference(g, x.data(), yRef, atRef, planes);
        assertArrayEquals(yRef, y);
        assertArrayEquals(atRef, at);
    }

    @ParameterizedTest(name = "k={0} s={1} p={2} ceil={4}")
    @MethodSource("windows")
    void avgPoolMatchesTheIm2colReference(int k, int s, int p, int d, boolean ceil) {
        if (d != 1) return; // average pooling has no dilation
        ConvGeometry g = geometry(7, 6, k, s, p, 1, ceil);
        int planes = 2, out = g.outH() * g.outW() * planes;
        Tensor x = Tensors.random(5, planes, 7, 6);
        for (boolean include : new boolean[] {true, false})
            for (int override : new int[] {0, 3}) {
                float[] y = new float[out], yRef = new float[out];
                Pooling.avgPoolForward(g, x.data(), y, planes, include, override);
                Pooling.avgPoolReference(g, x.data(), yRef, planes, include, override);
                Tensors.assertClose(yRef, y, 1e-6, 1e-6, "avg include=" + include + " override=" + override);
            }
    }

    /** PyTorch 1.13's sizes (checked there): 7 with k=2 s=2: floor 3, ceil 4; 5 with k=3 s=3 p=1 ceil: 2 (a third
     *  window would start in the right padding and is dropped). */
    @Test
    void outputSizes() {
        assertEquals(3, Pooling.outputSize(7, 2, 2, 0, 1, false));
        assertEquals(4, Pooling.outputSize(7, 2, 2, 0, 1, true));
        assertEquals(3, Pooling.outputSize(6, 3, 2, 1, 1, false));
        assertEquals(4, Pooling.outputSize(6, 3, 2, 1, 1, true));
        assertEquals(2, Pooling.outputSize(5, 3, 3, 1, 1, true));
        assertEquals(2, Pooling.outputSize(5, 2, 3, 0, 1, true));
        assertEquals(12, Pooling.outputSize(24, 2, 2, 0, 1, false));
    }

    @Test
    void adaptiveWindowsCoverTheInput() {
        // 10 → 3: [0,4) [3,7) [6,10), PyTorch's floor/ceil rule
        assertEquals(0, Pooling.adaptiveStart(0, 3, 10));
        assertEquals(4, Pooling.adaptiveEnd(0, 3, 10));
        assertEquals(3, Pooling.adaptiveStart(1, 3, 10));
        assertEquals(7, Pooling.adaptiveEnd(1, 3, 10));
        assertEquals(6, Pooling.adaptiveStart(2, 3, 10));
        assertEquals(10, Pooling.adaptiveEnd(2, 3, 10));
    }
}
