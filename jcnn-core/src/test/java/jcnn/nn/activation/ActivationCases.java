package jcnn.nn.activation;

import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import jcnn.nn.Layer;
import jcnn.nn.ReLU;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The activations the parameterized tests run over: every activation with its default options and the non-default
 * options worth checking, each named by the {@code toString()} it must have.
 */
final class ActivationCases {
    private ActivationCases() {}

    record Case(String repr, Supplier<Layer> make) {
        @Override
        public String toString() {
            return repr;
        }
    }

    static final List<Case> ALL = List.of(
            new Case("Step()", Step::new),
            new Case("Identity()", Identity::new),
            new Case("BentIdentity()", BentIdentity::new),
            new Case("HardShrink()", HardShrink::new),
            new Case("HardShrink(lambd=1.5)", () -> new HardShrink(1.5)),
            new Case("SoftShrink()", SoftShrink::new),
            new Case("SoftShrink(lambd=2.0)", () -> new SoftShrink(2)),
            new Case("Threshold(threshold=0.0, value=0.0)", Threshold::new),
            new Case("Threshold(threshold=0.1, value=20.0)", () -> new Threshold(0.1, 20)),
            new Case("Sigmoid()", Sigmoid::new),
            new Case("HardSigmoid()", HardSigmoid::new),
            new Case("LogSigmoid()", LogSigmoid::new),
            new Case("Tanh()", Tanh::new),
            new Case("TanhShrink()", TanhShrink::new),
            new Case("HardTanh()", HardTanh::new),
            new Case("HardTanh(minVal=-2.0, maxVal=0.5)", () -> new HardTanh(-2, 0.5)),
            new Case("ReLU()", ReLU::new),
            new Case("ReLU6()", ReLU6::new),
            new Case("LeakyReLU()", LeakyReLU::new),
            new Case("LeakyReLU(negativeSlope=0.2)", () -> new LeakyReLU(0.2)),
            new Case("ELU()", ELU::new),
            new Case("ELU(alpha=0.5)", () -> new ELU(0.5)),
            new Case("SELU()", SELU::new),
            new Case("CELU()", CELU::new),
            new Case("CELU(alpha=2.5)", () -> new CELU(2.5)),
            new Case("Softmax(dim=1)", Softmax::new),
            new Case("Softmin(dim=1)", Softmin::new),
            new Case("LogSoftmax(dim=1)", LogSoftmax::new),
            new Case("Softplus()", Softplus::new),
            new Case("Softplus(beta=2.0, threshold=5.0)", () -> new Softplus(2, 5)),
            new Case("Softsign()", Softsign::new),
            new Case("Swish()", Swish::new),
            new Case("Swish(beta=1.5)", () -> new Swish(1.5)),
            new Case("Mish()", Mish::new),
            new Case("TanhExp()", TanhExp::new),
            new Case("GELU()", GELU::new),
            new Case("GELU(approximate='tanh')", () -> new GELU("tanh")),
            new Case("AconC(3)", () -> new AconC(3)));

    /** One argument per case, for {@code @MethodSource}. */
    static Stream<Arguments> all() {
        return ALL.stream().map(Arguments::of);
    }

    /** Whether the activation normalises along dim 1 (its outputs depend on a whole row). */
    static boolean alongDim1(Layer layer) {
        return layer instanceof SoftmaxAlongChannels;
    }
}
