package jcnn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ArchitectureTest {

    static Stream<Layer> layers() {
        return Stream.of(
                new Conv2d(1, 30, 5),
                new Conv2d(4, 8, 3, 1).stride(2, 1).padding(1, 0).dilation(2, 1).groups(2).bias(false),
                new Conv2d(3, 6, 4).padding("same"),
                new Conv2d(3, 6, 3).padding(0, 1, 2, 1),
                new Conv1d(3, 2, 4).stride(2).padding(2),
                new Conv1d(3, 2, 4).padding(1, 2).dilation(2).groups(1),
                new Conv1d(3, 3, 5).padding("same").groups(3),
                new ConvTranspose2d(64, 32, 4).stride(2).padding(1),
                new ConvTranspose2d(4, 6, 3).stride(2).outputPadding(1).dilation(2).groups(2).bias(false),
                new ConvTranspose1d(4, 2, 3).stride(3).outputPadding(2),
                new Linear(4320, 100), new Linear(10, 2, false),
                new ReLU(), new Flatten(),
                new MaxPool2d(2), new MaxPool2d(3).stride(2).padding(1).dilation(2).ceilMode(true),
                new MaxPool2d(2, 3).stride(1, 2),
                new MaxPool1d(3).stride(2).padding(1),
                new AvgPool2d(3).stride(2).padding(1).ceilMode(true).countIncludePad(false).divisorOverride(4),
                new AvgPool1d(2),
                new AdaptiveAvgPool2d(1), new AdaptiveAvgPool2d(3, 4),
                new BatchNorm2d(16), new BatchNorm2d(8).eps(1e-3).momentum(0.01).affine(false),
                new BatchNorm1d(100).cumulativeAverage(true).trackRunningStats(false),
                new Dropout(), new Dropout(0.25));
    }

    /** Every layer's text parses back into a layer with the same text and parameter shapes. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void toStringRoundTrips(Layer layer) {
        Layer back = Architecture.parse(layer.toString());
        assertEquals(layer.toString(), back.toString());
        assertEquals(layer.getClass(), back.getClass());
        List<Parameter> a = layer.parameters(), b = back.parameters();
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) assertArrayEquals(a.get(i).shape(), b.get(i).shape());
    }

    @Test
    void parsesAWholeModelWithNames() {
        Sequential m = Architecture.parseModel("""
                conv1: Conv2d(1, 16, 3, padding=1), ReLU(),
                MaxPool2d(kernelSize=2)
                Flatten(), fc: Linear(inFeatures=3136, outFeatures=10)""");
        assertEquals(5, m.size());
        assertEquals("conv1", m.nameOf(0));
        assertEquals("fc", m.nameOf(4));
        assertArrayEquals(new int[] {8, 10}, m.outputShape(8, 1, 28, 28));
        assertEquals(Architecture.describe(m), Architecture.describe(Architecture.parseModel(Architecture.describe(m))));
    }

    @Test
    void errorsNameTheProblem() {
        var e = assertThrows(IllegalArgumentException.class, () -> Architecture.parse("Conv3d(1, 2, 3)"));
        assertTrue(e.getMessage().startsWith("unknown layer type 'Conv3d' in \"Conv3d(1, 2, 3)\"; known: "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Architecture.parse("Conv2d(1, 2, 3, strid=2)"));
        assertEquals("unknown option 'strid' in \"Conv2d(1, 2, 3, strid=2)\"", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Architecture.parse("Conv2d(1, 2)"));
        assertEquals("cannot build \"Conv2d(1, 2)\": Conv2d needs kernelSize (argument 3)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Architecture.parse("Linear(3, 4, 5)"));
        assertTrue(e.getMessage().startsWith("too many arguments"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Architecture.parse("Conv2d(1, 2, 3, stride=0)"));
        assertTrue(e.getMessage().contains("stride must be >= 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Architecture.parse("ReLU("));
        assertEquals("expected a value at position 5 of \"ReLU(\"", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Architecture.parse("Conv2d(1, 2, kernelSize=2.5)"));
        assertTrue(e.getMessage().contains("kernelSize must be an integer or a tuple of integers, got 2.5"), e.getMessage());
    }
}
