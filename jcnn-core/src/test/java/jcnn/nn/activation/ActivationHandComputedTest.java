package jcnn.nn.activation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.DoubleUnaryOperator;
import jcnn.nn.Layer;
import jcnn.tensor.Tensor;
import jcnn.testing.Tensors;
import org.junit.jupiter.api.Test;

/**
 * Values fixed by hand or by the formula evaluated here, independently of the layers' loops: the activations
 * PyTorch lacks (Step, Identity, BentIdentity, TanhExp, ACON-C) and a few textbook values of the others.
 */
class ActivationHandComputedTest {
    private static final float[] XS = {-25f, -4f, -1.5f, -1f, -0.3f, -1e-4f, 0f, 1e-4f, 0.3f, 1f, 1.5f, 4f, 25f};

    @Test
    void stepIsOneForPositiveInputsAndHasZeroGradient() {
        Step step = new Step();
        Tensor x = Tensor.of(new float[] {-2f, -0f, 0f, 1e-7f, 3f, Float.MIN_VALUE, -Float.MIN_VALUE}, 7);
        assertArrayEquals(new float[] {0, 0, 0, 1, 1, 1, 0}, step.forward(x, true).data());
        Tensor dx = step.backward(Tensor.full(5f, 7));
        assertArrayEquals(new float[7], dx.data(), "zero almost everywhere, and 0 at the jump too");
    }

    @Test
    void identityPassesValuesAndGradientsThroughUnchanged() {
        Identity id = new Identity();
        Tensor x = Tensors.random(1, 3, 4);
        Tensor y = id.forward(x, true);
        assertArrayEquals(x.data(), y.data());
        Tensor g = Tensors.random(2, 3, 4);
        assertArrayEquals(g.data(), id.backward(g).data());
        assertEquals(false, y == x, "the output is the layer's own buffer");
    }

    @Test
    void bentIdentity() {
        // hand values: f(0) = 0, f(1) = (√2 − 1)/2 + 1, f(−1) = (√2 − 1)/2 − 1, f'(0) = 1, f'(1) = 1 + 1/(2√2)
        Tensor x = Tensor.of(new float[] {0f, 1f, -1f}, 3);
        BentIdentity f = new BentIdentity();
        assertArrayEquals(new float[] {0f, 1.2071068f, -0.79289323f}, f.forward(x, true).data(), 1e-7f);
        assertArrayEquals(new float[] {1f, 1.3535534f, 0.6464466f}, f.backward(Tensor.full(1f, 3)).data(), 1e-7f);
        checkAgainstFormula(f, v -> (Math.sqrt(v * v + 1) - 1) / 2 + v, v -> v / (2 * Math.sqrt(v * v + 1)) + 1);
    }

    @Test
    void tanhExp() {
        // f(0) = 0, f'(0) = tanh(1); f(1) = tanh(e); large x: f(x) = x, f'(x) = 1
        Tensor x = Tensor.of(new float[] {0f, 1f, 30f, 800f}, 4);
        TanhExp f = new TanhExp();
        assertArrayEquals(new float[] {0f, (float) Math.tanh(Math.E), 30f, 800f}, f.forward(x, true).data(), 1e-7f);
        float[] dx = f.backward(Tensor.full(1f, 4)).data();
        assertEquals((float) Math.tanh(1), dx[0], 1e-7f);
        assertEquals(1f, dx[2]);
        assertEquals(1f, dx[3], "no ∞·0 for huge inputs");
        checkAgainstFormula(f, v -> v * Math.tanh(Math.exp(v)),
                v -> Math.tanh(Math.exp(v)) + v * Math.exp(v) / Math.pow(Math.cosh(Math.exp(v)), 2));
    }

    @Test
    void aconCAgainstItsFormula() {
        AconC acon = new AconC(2);
        float[] p1 = {2f, -0.5f}, p2 = {0.1f, 0.75f}, beta = {1.5f, -2f};
        acon.p1().value().copyFrom(Tensor.of(p1, 2));
        acon.p2().value().copyFrom(Tensor.of(p2, 2));
        acon.beta().value().copyFrom(Tensor.of(beta, 2));
        int n = 2, c = 2, s = 3;
        Tensor x = Tensors.random(3, n, c, s);
        Tensor g = Tensors.random(4, n, c, s);
        Tensor y = acon.forward(x, true).copy();
        Tensor dx = acon.backward(g).copy();
        double[] gp1 = new double[c], gp2 = new double[c], gb = new double[c];
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
                for (int i = 0; i < s; i++) {
                    double v = x.get(b, ch, i), d = p1[ch] - p2[ch];
                    double sig = 1 / (1 + Math.exp(-beta[ch] * d * v));
                    assertEquals(d * v * sig + p2[ch] * v, y.get(b, ch, i), 1e-6, "y");
                    // derivatives by the product and chain rules, written out term by term
                    double dsig = sig * (1 - sig);
                    double dydx = d * sig + d * v * dsig * beta[ch] * d + p2[ch];
                    double dydp1 = v * sig + d * v * dsig * beta[ch] * v;
                    double dydp2 = -v * sig - d * v * dsig * beta[ch] * v + v;
                    double dydbeta = d * v * dsig * d * v;
                    double gy = g.get(b, ch, i);
                    assertEquals(gy * dydx, dx.get(b, ch, i), 1e-6, "dx");
                    gp1[ch] += gy * dydp1;
                    gp2[ch] += gy * dydp2;
                    gb[ch] += gy * dydbeta;
                }
        for (int ch = 0; ch < c; ch++) {
            assertEquals(gp1[ch], acon.p1().grad().data()[ch], 1e-5, "dp1");
            assertEquals(gp2[ch], acon.p2().grad().data()[ch], 1e-5, "dp2");
            assertEquals(gb[ch], acon.beta().grad().data()[ch], 1e-5, "dbeta");
        }
    }

    @Test
    void aconCStartsAsSwish() {
        Tensor x = Tensors.random(5, 2, 4, 3, 3);
        Tensor acon = new AconC(4).forward(x, false).copy();
        Tensor swish = new Swish().forward(x, false);
        Tensors.assertClose(swish, acon, 1e-6, 1e-7, "ACON-C with p1 = 1, p2 = 0, beta = 1");
    }

    @Test
    void textbookValues() {
        Tensor row = Tensor.of(new float[] {1f, 2f, 3f}, 1, 3);
        assertArrayEquals(new float[] {0.09003057f, 0.24472847f, 0.66524096f}, new Softmax().forward(row, false).data(), 1e-7f);
        assertArrayEquals(new float[] {0.66524096f, 0.24472847f, 0.09003057f}, new Softmin().forward(row, false).data(), 1e-7f);
        assertArrayEquals(new float[] {-2.407606f, -1.4076059f, -0.40760595f}, new LogSoftmax().forward(row, false).data(), 1e-6f);
        Tensor x = Tensor.of(new float[] {-4f, -3f, 0f, 1.5f, 3f}, 5);
        assertArrayEquals(new float[] {0f, 0f, 0.5f, 0.75f, 1f}, new HardSigmoid().forward(x, false).data());
        assertArrayEquals(new float[] {0.5f, 0.7310586f}, new Sigmoid().forward(Tensor.of(new float[] {0f, 1f}, 2), false).data(), 1e-7f);
        assertEquals((float) (SELU.SCALE * SELU.ALPHA * Math.expm1(-1)), new SELU().forward(Tensor.of(new float[] {-1f}, 1), false).data()[0]);
        assertEquals(1.0507009873554805, SELU.SCALE, 0);
        assertEquals(1.6732632423543772, SELU.ALPHA, 0);
        // GELU(1) = Φ(1) = 0.8413447460685429; GELU'(1) = Φ(1) + φ(1)
        Tensor one = Tensor.of(new float[] {1f}, 1);
        GELU gelu = new GELU();
        assertEquals(0.8413447460685429f, gelu.forward(one, true).data()[0], 1e-7f);
        assertEquals(0.8413447460685429f + 0.24197072451914337f, gelu.backward(Tensor.full(1f, 1)).data()[0], 1e-7f);
    }

    /** Compares forward and backward over XS with the formula f and its derivative df, evaluated in double here. */
    private static void checkAgainstFormula(Layer layer, DoubleUnaryOperator f, DoubleUnaryOperator df) {
        Tensor x = Tensor.of(XS, XS.length);
        Tensor y = layer.forward(x, true);
        Tensor g = Tensors.random(9, XS.length);
        Tensor dx = layer.backward(g);
        for (int i = 0; i < XS.length; i++) {
            double v = XS[i];
            assertEquals(f.applyAsDouble(v), y.data()[i], 1e-6 * Math.max(1, Math.abs(v)), layer + " y at " + v);
            assertEquals(g.data()[i] * df.applyAsDouble(v), dx.data()[i], 1e-6, layer + " dx at " + v);
        }
    }
}
