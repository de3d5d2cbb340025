package jcnn.nn.activation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import jcnn.nn.Init;
import jcnn.nn.Layer;
import jcnn.nn.Parameter;
import jcnn.tensor.Tensor;
import jcnn.testing.GradCheck;
import jcnn.testing.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Finite-difference checks of every activation's backward pass, and of ACON-C's parameter gradients. */
class ActivationGradientTest {

    /**
     * 48 inputs 0.5 apart, at odd multiples of 0.25 in [−11.75, 11.75]: every kink of the cases (0, ±0.5, ±1, ±1.5,
     * ±2, ±3, 6, 0.1, and x = 2.5 for Softplus(beta=2, threshold=5)) is at least 0.15 from an input, far beyond the
     * step h = 0.01, while the range still reaches every branch (saturation, linear tails, shrink zones).
     */
    static Tensor input(long seed, int... shape) {
        Tensor x = Tensors.distinct(seed, shape);
        for (int i = 0; i < x.numel(); i++) x.data()[i] *= 10;
        return x;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jcnn.nn.activation.ActivationCases#all")
    void inputGradientMatchesFiniteDifferences(ActivationCases.Case c) {
        GradCheck.check(c.make().get(), input(7, 2, 3, 8), 1e-2, 1e-3);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jcnn.nn.activation.ActivationCases#all")
    void gradientNearZeroMatchesFiniteDifferences(ActivationCases.Case c) {
        // The smooth activations are most curved near 0; inputs 0.05 apart in [−0.575, 0.575] and a smaller step.
        Layer layer = c.make().get();
        GradCheck.check(layer, Tensors.distinct(3, 2, 3, 4, 2), 1e-3, 2e-3);
    }

    @Test
    void aconCParameterGradientsMatchFiniteDifferences() {
        AconC acon = new AconC(3);
        float[] p1 = {1.5f, -0.4f, 0.8f}, p2 = {0.25f, 0.9f, -1.1f}, beta = {0.7f, 2.0f, -0.5f};
        System.arraycopy(p1, 0, acon.p1().value().data(), 0, 3);
        System.arraycopy(p2, 0, acon.p2().value().data(), 0, 3);
        System.arraycopy(beta, 0, acon.beta().value().data(), 0, 3);
        GradCheck.check(acon, Tensors.random(5, 4, 3, 2, 3), 1e-2, 1e-3);
        GradCheck.check(acon, Tensors.random(6, 5, 3), 1e-2, 1e-3);
        // at the initial values (Swish) too
        GradCheck.check(new AconC(2), Tensors.random(8, 3, 2, 5), 1e-2, 1e-3);
    }

    @Test
    void aconCTrainingStepsLowerTheLoss() {
        // Fit ACON-C to a leaky ReLU with slopes 1.2 and 0.1: L = ½·Σ(y − t)², plain gradient descent.
        AconC acon = new AconC(2);
        Tensor x = Tensors.random(21, 8, 2, 5);
        Tensor target = x.copy();
        for (int i = 0; i < target.numel(); i++) target.data()[i] *= target.data()[i] > 0 ? 1.2f : 0.1f;
        double first = 0, last = 0;
        for (int step = 0; step < 200; step++) {
            Tensor y = acon.forward(x, true);
            Tensor g = Tensor.zeros(y.shape());
            double loss = 0;
            for (int i = 0; i < y.numel(); i++) {
                g.data()[i] = y.data()[i] - target.data()[i];
                loss += 0.5 * g.data()[i] * g.data()[i];
            }
            if (step == 0) first = loss;
            last = loss;
            acon.backward(g);
            for (Parameter p : acon.parameters()) {
                for (int i = 0; i < p.numel(); i++) p.value().data()[i] -= 0.02f * p.grad().data()[i];
            }
        }
        assertTrue(last < 0.1 * first, "loss " + first + " -> " + last);
        for (int c = 0; c < 2; c++) {
            // a smooth switch needs p1 − p2 beyond 1.2 − 0.1 to fit a kink on [−1, 1]; the slopes stay ordered
            assertTrue(acon.p1().value().data()[c] > 1f && acon.p2().value().data()[c] < 0.25f,
                    "p1 " + acon.p1().value() + ", p2 " + acon.p2().value() + ", beta " + acon.beta().value());
        }
    }

    @Test
    void aconCParametersAreLeftAloneByWeightInitialisation() {
        AconC acon = new AconC(3);
        for (Parameter p : acon.parameters()) assertEquals(Parameter.Kind.OTHER, p.kind(), p.name());
        acon.p2().value().data()[1] = 0.5f;
        for (Init init : new Init[] {Init.heNormal(), Init.xavierUniform(), Init.pytorchDefault(), Init.normal(1)}) {
            acon.initialize(init, new SplittableRandom(1));
            assertArrayEquals(new float[] {1, 1, 1}, acon.p1().value().data(), init.toString());
            assertArrayEquals(new float[] {0, 0.5f, 0}, acon.p2().value().data(), init.toString());
            assertArrayEquals(new float[] {1, 1, 1}, acon.beta().value().data(), init.toString());
        }
        assertEquals(9, acon.parameterCount());
        assertEquals("[p1(3,), p2(3,), beta(3,)]", acon.parameters().toString());
    }
}
