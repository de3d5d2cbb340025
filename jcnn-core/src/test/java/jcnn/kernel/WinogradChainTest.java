package jcnn.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link WinogradChain} against the same layers run one by one (each convolution's own forward, then
 * {@link Pooling}'s max pooling): equal float for float, at one and two threads, with a partial last group (and a NaN
 * in one image).
 */
class WinogradChainTest {
    /**
     * DeepConvNet's pattern, smaller: 16→16 on 12×12 + ReLU, 16→16 + ReLU + pool (6×6), 16→32 with padding 2 (8×8
     * outputs) + ReLU, 32→16 + ReLU, and then either a pooling (4×4) or not; the last layer's ReLU on or off.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void matchesTheLayersRunOneByOne(int variant) {
        assumeTrue(VectorSupport.CONV != null && PanamaWinograd4x4.AVAILABLE, "F(4x4, 3x3) runs on the 8-lane Vector API driver");
        boolean lastPool = variant == 0, lastRelu = variant != 2;
        ConvGeometry[] g = {
                ConvGeometry.of(16, 12, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1),
                ConvGeometry.of(16, 12, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1),
                ConvGeometry.of(16, 6, 6, 3, 3, 1, 1, 2, 2, 2, 2, 1, 1),
                ConvGeometry.of(32, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1),
        };
        int[] out = {16, 16, 32, 16};
        boolean[] relu = {true, true, true, lastRelu}, pool = {false, true, false, lastPool};
        int before = Parallel.threads();
        try {
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                int batch = 29;  // four groups of eight images, the last of five
                Convolution[] layers = new Convolution[4];
                for (int i = 0; i < 4; i++) layers[i] = new Convolution(g[i], 1, out[i]);
                SplittableRandom r = new SplittableRandom(41 + variant);
                float[] x = GemmTest.randomArray(r, batch * layers[0].inputSize());
                if (variant == 2) x[3 * layers[0].inputSize() + 17] = Float.NaN;  // NaNs through the poolings and ReLUs
                float[][] w = new float[4][], b = new float[4][];
                for (int i = 0; i < 4; i++) {
                    w[i] = GemmTest.randomArray(r, out[i] * g[i].colRows());
                    for (int k = 0; k < w[i].length; k++) w[i][k] *= 0.3f;  // activations of order one through four layers
                    b[i] = i == 2 ? null : GemmTest.randomArray(r, out[i]);
                }
                float[] expected = oneByOne(layers, x, w, b, relu, pool, batch);
                WinogradChain chain = WinogradChain.of(layers, relu, pool, batch);
                assertNotNull(chain, "a chain of F(4x4, 3x3) layers");
                assertEquals(expected.length / batch, chain.outputSize());
                assertTrue(chain.matches(layers, batch));
                float[] y = new float[expected.length];
                Arrays.fill(y, Float.NaN);
                chain.forward(x, w, b, y);
                assertArrayEquals(expected, y, "variant " + variant + " at " + threads + " threads");
                // a second call on other inputs, with one layer's weights changed in place: neither the copies nor
                // the packed weights carried over from the first call may matter
                for (int k = 0; k < x.length; k++) x[k] = -x[k];
                w[1][5] += 0.25f;
                chain.forward(x, w, b, y);
                assertArrayEquals(oneByOne(layers, x, w, b, relu, pool, batch), y,
                        "second call, variant " + variant + " at " + threads + " threads");
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    /** The layers' own forwards one after the other, each pooling by {@link Pooling}'s max pooling. */
    private static float[] oneByOne(Convolution[] layers, float[] x, float[][] w, float[][] b, boolean[] relu, boolean[] pool,
                                    int batch) {
        float[] h = x;
        for (int i = 0; i < layers.length; i++) {
            ConvGeometry g = layers[i].geometry();
            float[] y = new float[batch * layers[i].outputSize()];
            layers[i].forward(h, w[i], b[i], y, batch, relu[i]);
            h = y;
            if (pool[i]) {
                float[] pooled = new float[y.length / 4];
                Pooling.maxPoolForward(ConvGeometry.of(1, g.outH(), g.outW(), 2, 2, 2, 2, 0, 0, 0, 0, 1, 1), y, pooled, null,
                        batch * layers[i].outChannels());
                h = pooled;
            }
        }
        return h;
    }

    /**
     * A chain that starts with a layer of few input channels ({@link InterleavedHead}): 1 → 16 (3×3, padding 1) or
     * 3 → 16 (5×5, padding 2) on 12×12, with or without its ReLU, then 16 → 16 + ReLU + pool and 16 → 24 + ReLU:
     * equal to the layers one by one, float for float, at one and two threads, with a partial last group.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void startsWithAHeadWhereTheFirstLayerHasFewChannels(int variant) {
        assumeTrue(VectorSupport.CONV != null && PanamaWinograd4x4.AVAILABLE, "F(4x4, 3x3) runs on the 8-lane Vector API driver");
        ConvGeometry first = variant == 0 ? ConvGeometry.of(1, 12, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1)
                : ConvGeometry.of(3, 12, 12, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1);
        ConvGeometry[] g = {first, ConvGeometry.of(16, 12, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1),
                ConvGeometry.of(16, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1)};
        int[] out = {16, 16, 24};
        boolean[] relu = {variant == 0, true, true}, pool = {false, true, false};
        int before = Parallel.threads();
        try {
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                int batch = 29;
                Convolution[] layers = new Convolution[3];
                for (int i = 0; i < 3; i++) layers[i] = new Convolution(g[i], 1, out[i]);
                SplittableRandom r = new SplittableRandom(7 + variant);
                float[] x = GemmTest.randomArray(r, batch * layers[0].inputSize());
                float[][] w = new float[3][], b = new float[3][];
                for (int i = 0; i < 3; i++) {
                    w[i] = GemmTest.randomArray(r, out[i] * g[i].colRows());
                    for (int k = 0; k < w[i].length; k++) w[i][k] *= 0.3f;
                    b[i] = GemmTest.randomArray(r, out[i]);
                }
                InterleavedHead head = InterleavedHead.of(layers[0], layers[1].winograd4Plan(batch));
                assertNotNull(head);
                assumeTrue(VectorSupport.CONV.headRuns(head), "the head's tiles fit its rows and channels");
                WinogradChain chain = WinogradChain.of(layers, relu, pool, batch);
                assertTrue(chain != null && chain.startsWithHead(), "a chain with a head");
                float[] y = new float[batch * chain.outputSize()];
                chain.forward(x, w, b, y);
                assertArrayEquals(oneByOne(layers, x, w, b, relu, pool, batch), y, "variant " + variant + " at " + threads + " threads");
                w[0][3] += 0.5f;  // the head's weights changed in place: packed again
                chain.forward(x, w, b, y);
                assertArrayEquals(oneByOne(layers, x, w, b, relu, pool, batch), y, "changed weights, at " + threads + " threads");
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    /** No chain where a layer takes another path, the shapes do not follow, a pooling has no ReLU, or batches are small. */
    @Test
    void buildsOnlyWhereEveryLayerRunsByF4x4AndTheShapesFollow() {
        assumeTrue(VectorSupport.CONV != null && PanamaWinograd4x4.AVAILABLE, "F(4x4, 3x3) runs on the 8-lane Vector API driver");
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            Convolution a = new Convolution(ConvGeometry.of(16, 12, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 1, 16);
            Convolution b = new Convolution(ConvGeometry.of(16, 12, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 1, 16);
            Convolution pooledInput = new Convolution(ConvGeometry.of(16, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 1, 16);
            Convolution fewChannels = new Convolution(ConvGeometry.of(8, 12, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 1, 16);
            boolean[] yes = {true, true}, no = {false, false};
            assertNotNull(WinogradChain.of(new Convolution[] {a, b}, yes, no, 32));
            assertNotNull(WinogradChain.of(new Convolution[] {a, pooledInput}, yes, new boolean[] {true, false}, 32));
            assertNull(WinogradChain.of(new Convolution[] {a, pooledInput}, yes, no, 32), "12×12 outputs into a 6×6 layer");
            assertNull(WinogradChain.of(new Convolution[] {a, b}, new boolean[] {false, true}, new boolean[] {true, false}, 32),
                    "pooling without a ReLU");
            assertNull(WinogradChain.of(new Convolution[] {a, fewChannels}, yes, no, 32), "16 outputs into 8 channels");
            assertNull(WinogradChain.of(new Convolution[] {a, b}, yes, no, 8), "a single group of images");
            assertNull(WinogradChain.of(new Convolution[] {a, b}, yes, no, 6), "a batch that fills too little of its group");
            assertThrows(IllegalArgumentException.class, () -> WinogradChain.of(new Convolution[] {a, b}, yes, new boolean[1], 32));
            WinogradChain chain = WinogradChain.of(new Convolution[] {a, b}, yes, no, 32);
            assertTrue(!chain.matches(new Convolution[] {a, b}, 40) && !chain.matches(new Convolution[] {b, a}, 32));
        } finally {
            Parallel.setThreads(before);
        }
    }
}
