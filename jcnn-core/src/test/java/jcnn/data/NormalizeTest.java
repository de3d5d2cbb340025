package jcnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.SplittableRandom;
import jcnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

class NormalizeTest {
    /** Three channels with very different offsets and spreads. */
    private static Dataset threeChannels() {
        SplittableRandom rng = new SplittableRandom(3);
        Tensor x = Tensor.zeros(40, 3, 5, 6);
        float[] d = x.data();
        float[] offset = {0.2f, 100f, -3f}, scale = {0.1f, 20f, 1f};
        for (int i = 0; i < d.length; i++) {
            int c = i / 30 % 3;
            d[i] = offset[c] + scale[c] * (float) rng.nextGaussian();
        }
        return new Dataset("three", x, new int[40], 1, null);
    }

    /** Per-channel mean and population std of a data set, in double. */
    private static double[][] moments(Dataset data) {
        int ch = data.channels(), plane = data.height() * data.width();
        double[] sum = new double[ch], sq = new double[ch];
        float[] x = data.images().data();
        for (int i = 0; i < x.length; i++) sum[i / plane % ch] += x[i];
        double n = (double) data.size() * plane;
        for (int c = 0; c < ch; c++) sum[c] /= n;
        for (int i = 0; i < x.length; i++) {
            double dev = x[i] - sum[i / plane % ch];
            sq[i / plane % ch] += dev * dev;
        }
        for (int c = 0; c < ch; c++) sq[c] = Math.sqrt(sq[c] / n);
        return new double[][] {sum, sq};
    }

    @Test
    void fittedNormalisationGivesZeroMeanUnitStdPerChannel() {
        Dataset data = threeChannels();
        float[] original = data.images().data().clone();
        Normalize norm = Normalize.fit(data);
        double[][] before = moments(data);
        for (int c = 0; c < 3; c++) {
            assertEquals(before[0][c], norm.mean()[c], 1e-4 * Math.max(1, Math.abs(before[0][c])));
            assertEquals(before[1][c], norm.std()[c], 1e-4 * before[1][c]);
        }
        Dataset out = norm.apply(data);
        double[][] after = moments(out);
        for (int c = 0; c < 3; c++) {
            assertEquals(0, after[0][c], 1e-4, "mean of channel " + c);
            assertEquals(1, after[1][c], 1e-4, "std of channel " + c);
        }
        assertArrayEquals(original, data.images().data(), "apply(Dataset) leaves the original alone");
        assertEquals(data.images().get(7, 1, 2, 3), out.images().get(7, 1, 2, 3) * norm.std()[1] + norm.mean()[1], 1e-3);
    }

    @Test
    void singleImageAtPredictionTimeMatchesTheDataSet() {
        Dataset data = threeChannels();
        Normalize norm = Normalize.fit(data);
        Dataset out = norm.apply(data);
        Tensor one = norm.apply(data.image(5));
        assertArrayEquals(out.image(5).data(), one.data());
        Tensor chw = data.image(5).reshape(3, 5, 6);
        assertArrayEquals(out.image(5).data(), norm.applyInPlace(chw).data(), "(C, H, W) in place");
    }

    @Test
    void mnist10kStatisticsMatchPython() throws IOException {
        // numpy on the same gz files: x = pixels / 255; x.mean() = 0.130861, x.std() = 0.308400
        Normalize norm = Normalize.fit(Datasets.mnist10k(true));
        assertEquals(0.1308610494, norm.mean()[0], 1e-6);
        assertEquals(0.3084004028, norm.std()[0], 1e-6);
        assertEquals("Normalize(mean=[0.1309], std=[0.3084])", norm.toString());
    }

    @Test
    void givenValuesAndChecks() {
        Normalize norm = Normalize.of(new float[] {0.5f, 0.25f}, new float[] {0.5f, 2f});
        assertEquals("Normalize(mean=[0.5000, 0.2500], std=[0.5000, 2.0000])", norm.toString());
        Tensor x = Tensor.of(new float[] {1, 0, 0.25f, 4.25f}, 1, 2, 1, 2);
        assertArrayEquals(new float[] {1, -1, 0, 2}, norm.apply(x).data());
        assertEquals(Normalize.of(new float[] {0.5f, 0.25f}, new float[] {0.5f, 2f}), norm);

        IllegalArgumentException rank = assertThrows(IllegalArgumentException.class, () -> norm.apply(Tensor.zeros(3, 1, 2, 2)));
        assertEquals("Normalize(mean=[0.5000, 0.2500], std=[0.5000, 2.0000]): expected (C, H, W) or (N, C, H, W) with C = 2,"
                + " got shape (3, 1, 2, 2)", rank.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Normalize.of(new float[] {0}, new float[] {0}));
        assertThrows(IllegalArgumentException.class, () -> Normalize.of(new float[] {0, 1}, new float[] {1}));
    }

    @Test
    void constantChannelIsOnlyShifted() {
        Dataset flat = new Dataset("flat", Tensor.full(0.5f, 2, 1, 2, 2), new int[2], 1, null);
        Normalize norm = Normalize.fit(flat);
        assertEquals(1f, norm.std()[0]);
        assertArrayEquals(new float[8], norm.apply(flat).images().data());
    }
}
