package jcnn.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import jcnn.tensor.Tensor;
import jcnn.testing.Fixtures;
import jcnn.testing.GradCheck;
import jcnn.testing.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MeanSquaredErrorLossTest {

    @Test
    void handComputed() {
        MeanSquaredError mse = new MeanSquaredError();
        // differences 1, -2, 0, 3: squares 1, 4, 0, 9, mean 3.5
        float loss = mse.forward(Tensor.of(new float[] {2, 0, 5, 4}, 2, 2), Tensor.of(new float[] {1, 2, 5, 1}, 2, 2));
        assertEquals(3.5f, loss);
        assertArrayEquals(new float[] {0.5f, -1f, 0f, 1.5f}, mse.backward().data()); // 2·d/4
        assertArrayEquals(new int[] {2, 2}, mse.backward().shape());
    }

    @Test
    void gradientByFiniteDifferences() {
        MeanSquaredError mse = new MeanSquaredError();
        Tensor p = Tensors.random(1, 3, 4, 5), t = Tensors.random(2, 3, 4, 5);
        mse.forward(p, t);
        Tensor analytic = mse.backward().copy();
        GradCheck.compare("MSE", p, analytic, v -> (double) mse.forward(p, t), 1e-2, 1e-3);
    }

    static Stream<Fixtures.Case> cases() {
        return Fixtures.load("norm").stream().filter(c -> c.name().startsWith("mse_"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPyTorch(Fixtures.Case fx) {
        MeanSquaredError mse = new MeanSquaredError();
        float loss = mse.forward(fx.tensor("prediction"), fx.tensor("target"));
        assertEquals(fx.tensor("loss").data()[0], loss, 1e-4 * Math.abs(fx.tensor("loss").data()[0]), fx + " loss");
        Tensors.assertClose(fx.tensor("grad"), mse.backward(), 1e-4, 1e-6, fx + " gradient");
    }

    @Test
    void fixturesExist() {
        assertTrue(cases().count() >= 2);
    }

    @Test
    void reusesItsGradientBuffer() {
        MeanSquaredError mse = new MeanSquaredError();
        mse.forward(Tensors.random(1, 4), Tensors.random(2, 4));
        Tensor g = mse.backward();
        mse.forward(Tensors.random(3, 4), Tensors.random(4, 4));
        assertSame(g, mse.backward());
    }

    @Test
    void errors() {
        MeanSquaredError mse = new MeanSquaredError();
        var s = assertThrows(IllegalStateException.class, mse::backward);
        assertEquals("MeanSquaredError: backward called before forward", s.getMessage());
        var e = assertThrows(IllegalArgumentException.class, () -> mse.forward(Tensor.zeros(4, 3), Tensor.zeros(4, 1)));
        assertEquals("MeanSquaredError: prediction shape (4, 3) and target shape (4, 1) differ", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> mse.forward(Tensor.zeros(12), Tensor.zeros(4, 3)));
        assertEquals("MeanSquaredError: prediction shape (12,) and target shape (4, 3) differ", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> mse.forward(Tensor.zeros(0, 3), Tensor.zeros(0, 3)));
        assertEquals("MeanSquaredError: empty prediction (0, 3)", e.getMessage());
        assertEquals("MeanSquaredError()", mse.toString());
    }
}
