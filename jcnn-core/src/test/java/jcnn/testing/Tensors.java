package jcnn.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import jcnn.tensor.Tensor;

/** Random tensors and closeness assertions for tests. */
public final class Tensors {
    private Tensors() {}

    /** Uniform in [-1, 1), from a seed. */
    public static Tensor random(long seed, int... shape) {
        return Tensor.uniform(new SplittableRandom(seed), -1f, 1f, shape);
    }

    /**
     * Distinct values 0.05 apart in a random order: no two inputs of a max or a ReLU are within a finite
     * difference step of each other (or of zero), so the chosen maxima do not change while differencing.
     */
    public static Tensor distinct(long seed, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < d.length; i++) d[i] = (i - d.length / 2 + 0.5f) * 0.05f;
        for (int i = d.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            float tmp = d[i];
            d[i] = d[j];
            d[j] = tmp;
        }
        return t;
    }

    /** Asserts |a - b| <= atol + rtol·|b| elementwise, naming the first offending index. */
    public static void assertClose(Tensor expected, Tensor actual, double rtol, double atol, String what) {
        if (!expected.hasShape(actual.shape())) {
            fail(what + ": shape " + Tensor.shapeString(actual.shape()) + " != expected " + Tensor.shapeString(expected.shape()));
        }
        assertClose(expected.data(), actual.data(), rtol, atol, what);
    }

    public static void assertClose(float[] expected, float[] actual, double rtol, double atol, String what) {
        if (expected.length != actual.length) fail(what + ": length " + actual.length + " != expected " + expected.length);
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
                fail(what + ": element " + i + " is " + a + ", expected " + e + " (rtol " + rtol + ", atol " + atol + ")");
            }
        }
    }

    /** The largest |x| in the array (at least 1e-12). */
    public static double maxAbs(float[] x) {
        double m = 1e-12;
        for (float v : x) m = Math.max(m, Math.abs(v));
        return m;
    }
}
