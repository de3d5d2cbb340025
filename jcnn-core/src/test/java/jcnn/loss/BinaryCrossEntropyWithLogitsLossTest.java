package jcnn.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import jcnn.tensor.Tensor;
import jcnn.testing.Fixtures;
import jcnn.testing.GradCheck;
import jcnn.testing.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BinaryCrossEntropyWithLogitsLossTest {

    @Test
    void handComputed() {
        BinaryCrossEntropyWithLogits bce = new BinaryCrossEntropyWithLogits();
        // z = 0: loss log 2 whatever t; z = ln 3 (σ = 3/4) with t = 1: -log(3/4)
        float z = (float) Math.log(3);
        float loss = bce.forward(Tensor.of(new float[] {0, z}, 2), Tensor.of(new float[] {1, 1}, 2));
        assertEquals((Math.log(2) - Math.log(0.75)) / 2, loss, 1e-7);
        assertArrayEquals(new float[] {(0.5f - 1) / 2, (0.75f - 1) / 2}, bce.backward().data(), 1e-7f);
        // the positive-class weight multiplies the positive term: w·(-log σ(z)) for t = 1
        BinaryCrossEntropyWithLogits weighted = new BinaryCrossEntropyWithLogits(Tensor.of(new float[] {3}, 1));
        assertEquals(3 * Math.log(2), weighted.forward(Tensor.zeros(1), Tensor.full(1f, 1)), 1e-6);
        assertEquals(Math.log(2), weighted.forward(Tensor.zeros(1), Tensor.zeros(1)), 1e-6, "negatives are not weighted");
    }

    @Test
    void largeLogitsStayFinite() {
        BinaryCrossEntropyWithLogits bce = new BinaryCrossEntropyWithLogits();
        Tensor z = Tensor.of(new float[] {1e4f, -1e4f, 1e4f, -1e4f, Float.MAX_VALUE}, 5);
        Tensor t = Tensor.of(new float[] {1, 0, 0, 1, 1}, 5);
        float loss = bce.forward(z, t);
        assertEquals((1e4 + 1e4) / 5, loss, 1e-2, "confident and right costs 0, confident and wrong costs |z|");
        assertArrayEquals(new float[] {0, 0, 0.2f, -0.2f, 0}, bce.backward().data(), 1e-7f);
    }

    static Stream<Fixtures.Case> cases() {
        return Fixtures.load("norm").stream().filter(c -> c.name().startsWith("bce_"));
    }

    private static BinaryCrossEntropyWithLogits loss(Fixtures.Case fx) {
        return fx.has("pos_weight") ? new BinaryCrossEntropyWithLogits(fx.tensor("pos_weight")) : new BinaryCrossEntropyWithLogits();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPyTorch(Fixtures.Case fx) {
        BinaryCrossEntropyWithLogits bce = loss(fx);
        float value = bce.forward(fx.tensor("prediction"), fx.tensor("target"));
        float expected = fx.tensor("loss").data()[0];
        assertEquals(expected, value, 1e-4 * Math.abs(expected), fx + " loss");
        Tensor grad = fx.tensor("grad");
        Tensors.assertClose(grad, bce.backward(), 1e-4, 1e-6 * Tensors.maxAbs(grad.data()), fx + " gradient");
    }

    @Test
    void fixturesCoverLargeLogitsAndPosWeight() {
        assertTrue(cases().anyMatch(c -> c.name().contains("large")));
        assertTrue(cases().filter(c -> c.has("pos_weight")).count() >= 3);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gradientByFiniteDifferences(Fixtures.Case fx) {
        BinaryCrossEntropyWithLogits bce = loss(fx);
        Tensor z = fx.tensor("prediction").copy();
        // keep the logits where a float difference quotient is meaningful (|z| ≤ 10)
        for (int i = 0; i < z.numel(); i++) z.data()[i] = Math.max(-10f, Math.min(10f, z.data()[i]));
        Tensor t = fx.tensor("target");
        bce.forward(z, t);
        Tensor analytic = bce.backward().copy();
        GradCheck.compare(fx.name(), z, analytic, v -> (double) bce.forward(z, t), 1e-2, 2e-3);
    }

    @Test
    void posWeightBroadcastsAlongTheLastDimension() {
        Tensor z = Tensors.random(1, 2, 3, 4), t = Tensor.uniform(new java.util.SplittableRandom(2), 0, 1, 2, 3, 4);
        Tensor w = Tensor.of(new float[] {0.5f, 1, 2, 4}, 4);
        BinaryCrossEntropyWithLogits bce = new BinaryCrossEntropyWithLogits(w);
        float loss = bce.forward(z, t);
        double expected = 0;
        for (int i = 0; i < 24; i++) {
            double zi = z.data()[i], ti = t.data()[i], wi = w.data()[i % 4];
            double s = 1 / (1 + Math.exp(-zi));
            expected += -(wi * ti * Math.log(s) + (1 - ti) * Math.log(1 - s));
        }
        assertEquals(expected / 24, loss, 1e-6);
        assertEquals("BinaryCrossEntropyWithLogits(posWeight=[0.5, 1.0, 2.0, 4.0])", bce.toString());
    }

    @Test
    void errors() {
        BinaryCrossEntropyWithLogits bce = new BinaryCrossEntropyWithLogits();
        var s = assertThrows(IllegalStateException.class, bce::backward);
        assertEquals("BinaryCrossEntropyWithLogits: backward called before forward", s.getMessage());
        var e = assertThrows(IllegalArgumentException.class, () -> bce.forward(Tensor.zeros(8, 1), Tensor.zeros(8)));
        assertEquals("BinaryCrossEntropyWithLogits: logits shape (8, 1) and target shape (8,) differ", e.getMessage());
        BinaryCrossEntropyWithLogits w = new BinaryCrossEntropyWithLogits(Tensor.full(2f, 3));
        e = assertThrows(IllegalArgumentException.class, () -> w.forward(Tensor.zeros(2, 4), Tensor.zeros(2, 4)));
        assertEquals("BinaryCrossEntropyWithLogits: posWeight shape (3,) does not match the last dimension of logits shape (2, 4)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BinaryCrossEntropyWithLogits(Tensor.zeros(2, 2)));
        assertEquals("BinaryCrossEntropyWithLogits: posWeight must have shape (C,), got (2, 2)", e.getMessage());
        assertEquals("BinaryCrossEntropyWithLogits()", bce.toString());
    }
}
