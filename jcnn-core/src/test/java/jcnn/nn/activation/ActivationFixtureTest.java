package jcnn.nn.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import jcnn.nn.Architecture;
import jcnn.nn.Layer;
import jcnn.tensor.Tensor;
import jcnn.testing.Fixtures;
import jcnn.testing.Tensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Values and gradients against PyTorch 1.13 ({@code tools/fixtures/gen_activation_fixtures.py}): torch.nn modules in
 * float32 for the activations PyTorch has, and the written-out formula under autograd in float64 for those it
 * lacks (BentIdentity, TanhExp, Swish with β ≠ 1, ACON-C). Each case names its layer by its text, which
 * {@link Architecture} parses.
 */
class ActivationFixtureTest {

    @BeforeAll
    static void register() {
        Activations.registerLayerTypes();
    }

    static List<Fixtures.Case> cases() {
        return Fixtures.load("activations");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPyTorch(Fixtures.Case c) {
        Layer layer = Architecture.parse(c.get("layer"));
        assertEquals(c.get("layer"), layer.toString(), "the fixture's layer text is the layer's repr");
        if (layer instanceof AconC acon) {
            acon.p1().value().copyFrom(c.tensor("p1"));
            acon.p2().value().copyFrom(c.tensor("p2"));
            acon.beta().value().copyFrom(c.tensor("beta"));
        }
        double rtol = c.getDouble("rtol"), atol = c.getDouble("atol");
        Tensor x = c.tensor("x");
        Tensor y = layer.forward(x, true);
        Tensors.assertClose(c.tensor("y"), y, rtol, atol, c + " y");
        Tensor dx = layer.backward(c.tensor("g"));
        Tensors.assertClose(c.tensor("dx"), dx, rtol, atol, c + " dx");
        if (layer instanceof AconC acon) {
            // parameter gradients are sums over the batch and positions: compare relative to their scale
            for (String p : new String[] {"p1", "p2", "beta"}) {
                Tensor expected = c.tensor("d" + p);
                Tensor actual = acon.parameters().stream().filter(q -> q.name().equals(p)).findFirst().orElseThrow().grad();
                Tensors.assertClose(expected, actual, 1e-5, 1e-5 * Tensors.maxAbs(expected.data()), c + " d" + p);
            }
        }
    }

    /** Every activation appears in the fixtures except the three whose values the hand-computed tests pin down. */
    @Test
    void everyActivationHasFixtures() {
        Set<String> covered = cases().stream().map(c -> c.get("layer").replaceAll("\\(.*", ""))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> expected = new TreeSet<>(Activations.names());
        expected.removeAll(Set.of("Step", "Identity"));
        assertEquals(expected, covered);
        assertTrue(cases().stream().anyMatch(c -> c.get("input").equals("extreme")), "extreme inputs present");
    }
}
