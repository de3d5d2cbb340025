package jcnn.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.SplittableRandom;
import jcnn.nn.BatchNorm2d;
import jcnn.nn.Conv2d;
import jcnn.nn.Dropout;
import jcnn.nn.Flatten;
import jcnn.nn.Layer;
import jcnn.nn.Linear;
import jcnn.nn.MaxPool2d;
import jcnn.nn.ReLU;
import jcnn.nn.Sequential;
import jcnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

class DeconvnetTest {

    /** A 3x3 "plus" filter: centre 2, arms 1, corners -1. */
    static Conv2d plusFilter() {
        Conv2d c = new Conv2d(1, 1, 3);
        c.weight().value().copyFrom(Tensor.of(new float[] {-1, 1, -1, 1, 2, 1, -1, 1, -1}, 1, 1, 3, 3));
        c.bias().value().fill(0f);
        return c;
    }

    /** A 16x16 image: faint noise and a plus centred at (cy, cx) of strength s. */
    static Tensor imageWithPlus(int cy, int cx, float s, long seed) {
        Tensor x = Tensor.uniform(new SplittableRandom(seed), 0f, 0.1f, 1, 1, 16, 16);
        x.set(s, 0, 0, cy, cx);
        x.set(s, 0, 0, cy - 1, cx);
        x.set(s, 0, 0, cy + 1, cx);
        x.set(s, 0, 0, cy, cx - 1);
        x.set(s, 0, 0, cy, cx + 1);
        return x;
    }

    static int[] argmax(Tensor t) {
        float[] d = t.data();
        int best = 0;
        for (int i = 1; i < d.length; i++) if (d[i] > d[best]) best = i;
        int[] s = t.shape();
        int w = s[s.length - 1], h = s[s.length - 2];
        return new int[] {(best / w) % h, best % w};
    }

    @Test
    void reconstructionOfAKnownFilterPeaksWhereThePatternIs() {
        Sequential m = new Sequential(plusFilter(), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(49, 2));
        for (int[] at : new int[][] {{10, 5}, {3, 12}, {7, 7}}) {
            Tensor x = imageWithPlus(at[0], at[1], 1f, at[0] * 31 + at[1]);
            for (int layer : new int[] {0, 1, 2}) {
                Deconvnet d = new Deconvnet(m, layer, 0, 1, 1, 16, 16);
                Deconvnet.Projection p = d.project(x, Deconvnet.Keep.STRONGEST);
                assertEquals(1, p.reconstruction().size(0));
                assertTrue(p.activation() > 5f, "the plus excites its own filter: " + p.activation());
                // The strongest activation is the window on the plus; projecting it places the filter there, whose
                // largest weight (the centre) lands on the plus's centre.
                int[] peak = argmax(p.reconstruction());
                assertEquals(at[0], peak[0], "row of the peak, layer " + layer);
                assertEquals(at[1], peak[1], "column of the peak, layer " + layer);
                // Far from the pattern the reconstruction is zero: only the chosen activation was projected.
                float far = p.reconstruction().get(0, (at[0] + 8) % 16, (at[1] + 8) % 16);
                assertEquals(0f, far);
            }
        }
    }

    @Test
    void strongestActivationIsReportedAtItsPosition() {
        Sequential m = new Sequential(plusFilter(), new ReLU());
        Tensor x = imageWithPlus(9, 4, 1f, 1);
        Deconvnet.Projection p = new Deconvnet(m, 1, 0, 1, 1, 16, 16).project(x, Deconvnet.Keep.STRONGEST);
        // conv output (14x14): the window centred on (9, 4) starts at (8, 3)
        assertEquals(8, p.y());
        assertEquals(3, p.x());
        Tensor out = m.predict(x);
        assertEquals(out.get(0, 0, 8, 3), p.activation(), 1e-6);
    }

    /**
     * Without ReLU or pooling the deconvnet is the transposed linear map, which is exactly the gradient of the chosen
     * activation with respect to the input: checks the transposed filters under stride, padding ("same", asymmetric
     * for an even kernel), dilation and groups.
     */
    @Test
    void linearPathEqualsTheGradientOfTheActivation() {
        Conv2d a = new Conv2d(2, 4, 3).stride(2).padding(1);
        Conv2d b = new Conv2d(4, 6, 4).padding("same").groups(2);
        Conv2d c = new Conv2d(6, 3, 3).dilation(2).padding(1, 2, 0, 1);
        Sequential m = new Sequential(a, b, c);
        m.initialize(jcnn.nn.Init.pytorchDefault(), 5);
        Tensor x = Tensor.randn(new SplittableRandom(9), 1f, 1, 2, 13, 11);
        for (int layer = 0; layer < 3; layer++) {
            int ch = layer + 1 > 2 ? 2 : layer + 1;
            Deconvnet.Projection p = new Deconvnet(m, layer, ch, 1, 2, 13, 11).project(x, Deconvnet.Keep.STRONGEST);
            Tensor grad = gradientOf(m, layer, x, ch, p.y(), p.x(), p.activation());
            assertClose(grad, p.reconstruction(), 1e-4f);
        }
    }

    /** d (activation · h[layer][ch, y, x]) / d x by backward through the first layer+1 layers. */
    static Tensor gradientOf(Sequential m, int layer, Tensor x, int ch, int y, int xx, float activation) {
        Sequential prefix = new Sequential();
        for (int i = 0; i <= layer; i++) prefix.add(ModelCopies.copy(m).get(i));
        prefix.setInputGradRequired(true);
        Tensor h = prefix.forward(x, true);
        Tensor dy = Tensor.zeros(h.shape());
        dy.set(activation, 0, ch, y, xx);
        return prefix.backward(dy);
    }

    static void assertClose(Tensor expected, Tensor actual, float tol) {
        assertEquals(expected.numel(), actual.numel());
        float scale = 0;
        for (float v : expected.data()) scale = Math.max(scale, Math.abs(v));
        assertTrue(scale > 0, "a non-trivial gradient");
        for (int i = 0; i < expected.numel(); i++) {
            assertEquals(expected.data()[i], actual.data()[i], tol * scale, "element " + i);
        }
    }

    @Test
    void unpoolingUsesTheRecordedSwitches() {
        Sequential m = new Sequential(new MaxPool2d(2));
        Tensor x = Tensor.of(new float[] {
                1, 5, 0, 2,
                3, 4, 9, 1,
                7, 0, 0, 0,
                0, 2, 0, 6}, 1, 1, 4, 4);
        Deconvnet.Projection p = new Deconvnet(m, 0, 0, 1, 1, 4, 4).project(x, Deconvnet.Keep.MAP);
        // each window's value goes back to where its maximum was; everything else is zero
        float[] expected = {
                0, 5, 0, 0,
                0, 0, 9, 0,
                7, 0, 0, 0,
                0, 0, 0, 6};
        for (int i = 0; i < 16; i++) assertEquals(expected[i], p.reconstruction().data()[i], "pixel " + i);
        Deconvnet.Projection one = new Deconvnet(m, 0, 0, 1, 1, 4, 4).project(x, Deconvnet.Keep.STRONGEST);
        for (int i = 0; i < 16; i++) assertEquals(i == 6 ? 9f : 0f, one.reconstruction().data()[i], "pixel " + i);
    }

    @Test
    void reluRectifiesTheReconstruction() {
        Conv2d c = plusFilter(); // negative corners: projecting through the transposed filter gives negative values
        Sequential m = new Sequential(new ReLU(), c, new ReLU());
        Tensor x = imageWithPlus(6, 6, 1f, 2);
        Deconvnet.Projection p = new Deconvnet(m, 2, 0, 1, 1, 16, 16).project(x, Deconvnet.Keep.STRONGEST);
        for (float v : p.reconstruction().data()) assertTrue(v >= 0f, "the input-side ReLU rectifies: " + v);
        Sequential noRelu = new Sequential(c, new ReLU());
        Deconvnet.Projection q = new Deconvnet(noRelu, 1, 0, 1, 1, 16, 16).project(x, Deconvnet.Keep.STRONGEST);
        float min = 0;
        for (float v : q.reconstruction().data()) min = Math.min(min, v);
        assertTrue(min < 0f, "the corners of the transposed filter are negative");
    }

    @Test
    void topKPicksTheImagesWithTheStrongestActivationsInOrder() {
        Sequential m = new Sequential(plusFilter(), new ReLU(), new MaxPool2d(2));
        float[] strength = {0.2f, 1.0f, 0.5f, 0.05f, 0.8f};
        Tensor images = Tensor.zeros(5, 1, 16, 16);
        for (int i = 0; i < 5; i++) {
            Tensor one = imageWithPlus(4 + i, 3 + 2 * i, strength[i], i);
            System.arraycopy(one.data(), 0, images.data(), i * 256, 256);
        }
        List<Deconvnet.Projection> top = new Deconvnet(m, 2, 0, 1, 1, 16, 16).topK(images, 3, Deconvnet.Keep.STRONGEST);
        assertEquals(List.of(1, 4, 2), top.stream().map(Deconvnet.Projection::image).toList());
        assertTrue(top.get(0).activation() > top.get(1).activation() && top.get(1).activation() > top.get(2).activation());
        for (Deconvnet.Projection p : top) {
            int[] peak = argmax(p.reconstruction());
            assertEquals(4 + p.image(), peak[0]);
            assertEquals(3 + 2 * p.image(), peak[1]);
        }
        BufferedImage pic = Deconvnet.render(top, images, Style.RECONSTRUCTIONS);
        assertTrue(pic.getWidth() >= 3 * 16 && pic.getHeight() >= 2 * 16);
        assertEquals(5, new Deconvnet(m, 2, 0, 1, 1, 16, 16).topK(images, 9, Deconvnet.Keep.MAP).size());
    }

    @Test
    void batchNormAndDropoutArePassedThroughAsAtEvaluation() {
        Conv2d c = plusFilter();
        BatchNorm2d bn = new BatchNorm2d(1);
        bn.weight().value().fill(3f);
        bn.runningVar().fill(4f);
        bn.runningMean().fill(0.5f);
        Sequential m = new Sequential(c, bn, new Dropout(0.5), new ReLU());
        Sequential plain = new Sequential(plusFilter());
        Tensor x = imageWithPlus(8, 8, 1f, 3);
        Deconvnet.Projection p = new Deconvnet(m, 3, 0, 1, 1, 16, 16).project(x, Deconvnet.Keep.STRONGEST);
        Deconvnet.Projection q = new Deconvnet(plain, 0, 0, 1, 1, 16, 16).project(x, Deconvnet.Keep.STRONGEST);
        double s = 3 / Math.sqrt(4 + bn.eps());
        // same position; the activation went through BN (x - 0.5)·s and the projection is scaled by s once more
        assertEquals(q.y(), p.y());
        assertEquals(q.x(), p.x());
        assertEquals((q.activation() - 0.5) * s, p.activation(), 1e-4);
        for (int i = 0; i < 256; i++) {
            double expected = q.reconstruction().data()[i] / q.activation() * p.activation() * s;
            assertEquals(expected, p.reconstruction().data()[i], 1e-4);
        }
    }

    @Test
    void refusesLayersItCannotInvertAndBadChannels() {
        Sequential m = new Sequential(plusFilter(), new ReLU(), new Flatten(), new Linear(196, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Deconvnet(m, 3, 0, 1, 1, 16, 16));
        assertTrue(e.getMessage().contains("layer 2") && e.getMessage().contains("Flatten"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Deconvnet(m, 1, 1, 1, 1, 16, 16));
        assertTrue(e.getMessage().contains("channel 1 outside [0, 1)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Deconvnet(m, 4, 0, 1, 1, 16, 16));
        assertEquals(List.of(0, 1), Deconvnet.projectableLayers(m, 1, 1, 16, 16));
        Layer[] none = {};
        assertEquals(List.of(), Deconvnet.projectableLayers(new Sequential(none), 1, 1, 4, 4));
    }
}
