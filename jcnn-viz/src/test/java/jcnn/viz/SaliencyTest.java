package jcnn.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.SplittableRandom;
import jcnn.nn.BatchNorm1d;
import jcnn.nn.Conv2d;
import jcnn.nn.Dropout;
import jcnn.nn.Flatten;
import jcnn.nn.Linear;
import jcnn.nn.MaxPool2d;
import jcnn.nn.ReLU;
import jcnn.nn.Sequential;
import jcnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

class SaliencyTest {

    static Sequential linear(int c, int h, int w, int k, long seed) {
        Sequential m = new Sequential(new Flatten(), new Linear(c * h * w, k));
        m.initialize(jcnn.nn.Init.pytorchDefault(), seed);
        return m;
    }

    @Test
    void saliencyOfALinearModelIsTheAbsoluteWeightsOfTheClass() {
        Sequential m = linear(1, 4, 5, 3, 1);
        Linear fc = (Linear) m.get(1);
        Saliency s = new Saliency(m);
        for (long seed = 0; seed < 3; seed++) {
            Tensor x = Tensor.randn(new SplittableRandom(seed), 1f, 1, 1, 4, 5);
            for (int cls = 0; cls < 3; cls++) {
                Tensor map = s.map(x, cls);
                assertEquals(4, map.size(0));
                assertEquals(5, map.size(1));
                for (int p = 0; p < 20; p++) {
                    assertEquals(Math.abs(fc.weight().value().get(cls, p)), map.data()[p], 1e-7, "class " + cls + " pixel " + p);
                }
            }
        }
    }

    @Test
    void colourSaliencyIsTheLargestOverChannels() {
        Sequential m = linear(3, 2, 2, 2, 2);
        Linear fc = (Linear) m.get(1);
        Tensor map = new Saliency(m).map(Tensor.zeros(1, 3, 2, 2), 1);
        for (int p = 0; p < 4; p++) {
            float expected = 0;
            for (int c = 0; c < 3; c++) expected = Math.max(expected, Math.abs(fc.weight().value().get(1, c * 4 + p)));
            assertEquals(expected, map.data()[p], 1e-7);
        }
    }

    @Test
    void dropoutAndBatchNormBehaveAsInEvaluation() {
        Sequential m = new Sequential(new Flatten(), new Linear(6, 2), new Dropout(0.5), new BatchNorm1d(2));
        m.initialize(jcnn.nn.Init.pytorchDefault(), 3);
        BatchNorm1d bn = (BatchNorm1d) m.get(3);
        bn.runningVar().copyFrom(Tensor.of(new float[] {4f, 0.25f}, 2));
        bn.runningMean().copyFrom(Tensor.of(new float[] {1f, -1f}, 2));
        bn.weight().value().copyFrom(Tensor.of(new float[] {2f, -3f}, 2));
        Linear fc = (Linear) m.get(1);
        Saliency s = new Saliency(m);
        Tensor x = Tensor.randn(new SplittableRandom(1), 1f, 1, 1, 2, 3);
        float[] before = m.stateDict().get("3.running_mean").data().clone();
        for (int rep = 0; rep < 3; rep++) { // deterministic: dropout is off
            for (int cls = 0; cls < 2; cls++) {
                double gain = bn.weight().value().data()[cls] / Math.sqrt(bn.runningVar().data()[cls] + bn.eps());
                Tensor map = s.map(x, cls);
                for (int p = 0; p < 6; p++) assertEquals(Math.abs(fc.weight().value().get(cls, p) * gain), map.data()[p], 1e-5);
            }
        }
        // the model itself is untouched (no running-statistics update, still the same mode)
        float[] after = m.stateDict().get("3.running_mean").data();
        for (int i = 0; i < 2; i++) assertEquals(before[i], after[i]);
    }

    @Test
    void gradientOfAConvNetMatchesFiniteDifferences() {
        Sequential m = new Sequential(new Conv2d(1, 3, 3), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(3 * 3 * 3, 4));
        m.initialize(jcnn.nn.Init.pytorchDefault(), 7);
        Tensor x = Tensor.randn(new SplittableRandom(4), 1f, 1, 1, 8, 8);
        Saliency s = new Saliency(m);
        int cls = 2;
        Tensor g = s.gradient(x, cls);
        double eps = 1e-3;
        int checked = 0;
        for (int p = 0; p < 64; p += 5) {
            float old = x.data()[p];
            x.data()[p] = (float) (old + eps);
            double up = m.predict(x).get(0, cls);
            x.data()[p] = (float) (old - eps);
            double down = m.predict(x).get(0, cls);
            x.data()[p] = old;
            assertEquals((up - down) / (2 * eps), g.data()[p], 2e-2, "pixel " + p);
            checked++;
        }
        assertTrue(checked > 10);
        assertEquals(argmax(m.predict(x).copy()), s.predictedClass(x));
    }

    static int argmax(Tensor t) {
        int best = 0;
        for (int i = 1; i < t.numel(); i++) if (t.data()[i] > t.data()[best]) best = i;
        return best;
    }

    @Test
    void rejectsBadClassesAndRenders() {
        Sequential m = linear(1, 3, 3, 2, 4);
        Saliency s = new Saliency(m);
        Tensor x = Tensor.zeros(1, 1, 3, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.map(x, 2));
        assertTrue(e.getMessage().contains("class 2 outside [0, 2)"), e.getMessage());
        BufferedImage img = Saliency.render(x, s.map(x, 0), 30);
        assertTrue(img.getWidth() >= 30 && img.getHeight() >= 60);
        assertEquals(0x000000, Colormap.HOT.rgb(0f));
        assertEquals(0xffffff, Colormap.HOT.rgb(1f));
        assertEquals(0xff0000, Colormap.HOT.rgb(1f / 3f));
    }
}
