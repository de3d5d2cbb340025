package jcnn.nn.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import jcnn.nn.Architecture;
import jcnn.nn.Layer;
import jcnn.nn.ReLU;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ActivationCatalogueTest {

    @Test
    void namesAreTheCatalogueInOrder() {
        assertEquals(List.of("Step", "Identity", "BentIdentity", "HardShrink", "SoftShrink", "Threshold", "Sigmoid",
                "HardSigmoid", "LogSigmoid", "Tanh", "TanhShrink", "HardTanh", "ReLU", "ReLU6", "LeakyReLU", "ELU",
                "SELU", "CELU", "Softmax", "Softmin", "LogSoftmax", "Softplus", "Softsign", "Swish", "Mish", "TanhExp",
                "GELU", "AconC"), Activations.names());
    }

    @Test
    void everyNameBuildsAFreshLayerOfItsClassWithDefaults() {
        for (String name : Activations.names()) {
            if (name.equals("AconC")) continue;
            Layer a = Activations.byName(name), b = Activations.byName(name);
            assertNotSame(a, b, name);
            assertEquals(name, a.getClass().getSimpleName());
            String defaults = switch (name) {
                case "Threshold" -> "Threshold(threshold=0.0, value=0.0)";
                case "Softmax", "Softmin", "LogSoftmax" -> name + "(dim=1)";
                default -> name + "()";
            };
            assertEquals(defaults, a.toString());
        }
        assertTrue(Activations.byName("relu") instanceof ReLU, "the ReLU is jcnn.nn.ReLU");
    }

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource(delimiter = '|', value = {
            "Leaky ReLU | LeakyReLU()", "leaky_relu | LeakyReLU()", "LeakyReLU | LeakyReLU()", "leaky-relu | LeakyReLU()",
            "LRELU | LeakyReLU()", "swish | Swish()", "SiLU | Swish()", "silu | Swish()", "identity | Identity()",
            "linear | Identity()", "Linear | Identity()", "relu6 | ReLU6()", "ReLU 6 | ReLU6()", "hard_sigmoid | HardSigmoid()",
            "Hardsigmoid | HardSigmoid()", "hard-tanh | HardTanh()", "log_softmax | LogSoftmax(dim=1)",
            "log sigmoid | LogSigmoid()", "tanh_exp | TanhExp()", "tanhshrink | TanhShrink()", "gelu | GELU()",
            "Bent Identity | BentIdentity()", "heaviside | Step()", "binary_step | Step()", "logistic | Sigmoid()",
            "  SELU  | SELU()", "c.e.l.u. | CELU()", "SoftPlus | Softplus()"})
    void lookupIgnoresCaseAndPunctuation(String name, String repr) {
        assertEquals(repr, Activations.byName(name).toString());
    }

    @Test
    void unknownNamesListTheKnownOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Activations.byName("sigmoidal"));
        assertTrue(e.getMessage().startsWith("unknown activation 'sigmoidal'; known: Step, Identity, BentIdentity, "),
                e.getMessage());
        assertTrue(e.getMessage().contains("GELU, AconC (aliases: heaviside = Step, binary step = Step, linear = Identity, "),
                e.getMessage());
        assertTrue(e.getMessage().contains("silu = Swish"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Activations.byName(""));
        assertThrows(IllegalArgumentException.class, () -> Activations.byName(null));
    }

    @Test
    void aconCNeedsItsChannelCount() {
        var e = assertThrows(IllegalArgumentException.class, () -> Activations.byName("ACON-C"));
        assertEquals("activation 'ACON-C' has no default: AconC needs numChannels (argument 1); construct it directly, "
                + "e.g. new AconC(16)", e.getMessage());
        Activations.registerLayerTypes();
        assertEquals("AconC(16)", Architecture.parse("AconC(16)").toString());
        assertEquals("AconC(4)", Architecture.parse("AconC(numChannels=4)").toString());
    }

    @Test
    void registrationMakesModelsWithActivationsParse() {
        Activations.registerLayerTypes();
        Activations.registerLayerTypes(); // twice is harmless
        assertTrue(Architecture.types().containsAll(Activations.names()));
        var model = Architecture.parseModel("Linear(4, 8), GELU(approximate='tanh'), Linear(8, 3), LogSoftmax(dim=1)");
        assertEquals("Linear(inFeatures=4, outFeatures=8)\nGELU(approximate='tanh')\n"
                + "Linear(inFeatures=8, outFeatures=3)\nLogSoftmax(dim=1)\n", Architecture.describe(model));
        var e = assertThrows(IllegalArgumentException.class, () -> Architecture.parse("ELU(alpah=2)"));
        assertTrue(e.getMessage().contains("unknown option 'alpah'"), e.getMessage());
    }
}
