package jcnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import jcnn.tensor.Tensor;
import jcnn.testing.Tensors;
import org.junit.jupiter.api.Test;

class DataLoaderTest {
    /** The data set indices of one epoch, batch by batch, checking each batch's images and labels on the way. */
    private static List<int[]> run(DataLoader loader, int epoch) {
        Dataset d = loader.dataset();
        List<int[]> batches = new ArrayList<>();
        for (Batch b : loader.epoch(epoch)) {
            assertEquals(batches.size(), b.index());
            assertArrayEquals(new int[] {b.size(), d.channels(), d.height(), d.width()}, b.x().shape());
            assertEquals(b.size(), b.labels().length);
            int[] src = new int[b.size()];
            for (int k = 0; k < b.size(); k++) {
                src[k] = (int) b.x().data()[k * d.imageSize()];
                assertEquals(b.indices()[k], src[k], "image " + k + " is data set image indices()[k]");
                assertEquals(d.label(src[k]), b.labels()[k], "label of image " + k);
                assertEquals(src[k], (int) b.x().data()[(k + 1) * d.imageSize() - 1], "whole image copied");
            }
            batches.add(src);
        }
        return batches;
    }

    private static int[] flat(List<int[]> batches) {
        return batches.stream().flatMapToInt(Arrays::stream).toArray();
    }

    @Test
    void everySampleExactlyOncePerEpochWithAPartialLastBatch() {
        DataLoader loader = new DataLoader(DatasetTest.indexed(10, 3), 3).shuffle(true).seed(5);
        assertEquals(4, loader.batchesPerEpoch());
        for (int epoch = 0; epoch < 3; epoch++) {
            List<int[]> batches = run(loader, epoch);
            assertEquals(4, batches.size());
            assertEquals(List.of(3, 3, 3, 1), batches.stream().map(b -> b.length).toList());
            int[] all = flat(batches);
            Arrays.sort(all);
            assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, all);
            assertArrayEquals(flat(batches), loader.order(epoch));
        }
    }

    @Test
    void dropLast() {
        DataLoader loader = new DataLoader(DatasetTest.indexed(10, 3), 3).shuffle(true).dropLast(true);
        assertEquals(3, loader.batchesPerEpoch());
        assertEquals(9, loader.samplesPerEpoch());
        List<int[]> batches = run(loader, 0);
        assertEquals(3, batches.size());
        for (int[] b : batches) assertEquals(3, b.length);
        assertEquals(0, new DataLoader(DatasetTest.indexed(2, 3), 3).dropLast(true).batchesPerEpoch());
        assertFalse(new DataLoader(DatasetTest.indexed(2, 3), 3).dropLast(true).epoch(0).iterator().hasNext());
    }

    @Test
    void orderIsAPureFunctionOfSeedAndEpoch() {
        Dataset data = DatasetTest.indexed(100, 10);
        DataLoader a = new DataLoader(data, 16).shuffle(true).seed(42);
        DataLoader b = new DataLoader(data, 7).shuffle(true).seed(42);
        assertArrayEquals(flat(run(a, 3)), flat(run(b, 3)), "same (seed, epoch): same order, whatever the batch size");
        assertArrayEquals(a.order(3), a.order(3));
        assertFalse(Arrays.equals(a.order(0), a.order(1)), "epochs differ");
        assertFalse(Arrays.equals(a.order(0), new DataLoader(data, 16).shuffle(true).seed(43).order(0)), "seeds differ");
        int[] identity = new int[100];
        Arrays.setAll(identity, i -> i);
        assertArrayEquals(identity, flat(run(new DataLoader(data, 16).seed(42), 2)), "no shuffle: data set order");
        assertFalse(Arrays.equals(identity, a.order(0)));
    }

    @Test
    void resumedRunSeesTheSameBatches() {
        Dataset data = DatasetTest.indexed(50, 5);
        Augmentation aug = Augmentation.shift(1).withHorizontalFlip(0.5);
        DataLoader continuous = new DataLoader(data, 8).shuffle(true).seed(9).augmentation(aug);
        List<float[]> expected = new ArrayList<>();
        for (int e = 0; e < 4; e++) {
            for (Batch b : continuous.epoch(e)) if (e == 3) expected.add(b.x().data().clone());
        }
        DataLoader resumed = new DataLoader(data, 8).shuffle(true).seed(9).augmentation(aug);
        int k = 0;
        for (Batch b : resumed.epoch(3)) assertArrayEquals(expected.get(k++), b.x().data(), "batch " + (k - 1));
        assertEquals(expected.size(), k);
    }

    @Test
    void batchBuffersAreReusedAcrossEpochs() {
        DataLoader loader = new DataLoader(DatasetTest.indexed(10, 3), 4).shuffle(true);
        List<Tensor> first = new ArrayList<>();
        for (Batch b : loader.epoch(0)) first.add(b.x());
        assertSame(first.get(0), first.get(1), "full batches share one tensor");
        assertEquals(2, first.get(2).size(0), "the last batch has its own, correctly shaped tensor");
        for (int e = 1; e < 4; e++) {
            int i = 0;
            for (Batch b : loader.epoch(e)) assertSame(first.get(i++), b.x(), "epoch " + e + " batch " + (i - 1));
        }
    }

    @Test
    void oneIterationAtATime() {
        DataLoader loader = new DataLoader(DatasetTest.indexed(10, 3), 4);
        Iterator<Batch> old = loader.epoch(0).iterator();
        old.next();
        Iterator<Batch> fresh = loader.epoch(1).iterator();
        assertThrows(ConcurrentModificationException.class, old::next);
        fresh.next();
        fresh.next();
        fresh.next();
        assertThrows(NoSuchElementException.class, fresh::next);
    }

    @Test
    void augmentationIsAppliedWithTheDrawOfEachSample() {
        Dataset data = new Dataset("r", Tensors.random(4, 12, 2, 5, 6), new int[12], 1, null);
        Augmentation aug = Augmentation.shift(2).withHorizontalFlip(0.5);
        DataLoader loader = new DataLoader(data, 5).shuffle(true).seed(77).augmentation(aug);
        int seen = 0;
        for (Batch b : loader.epoch(6)) {
            for (int k = 0; k < b.size(); k++) {
                int i = b.indices()[k];
                Tensor expected = Augmentation.apply(aug.draw(77, 6, i), data.image(i));
                float[] got = Arrays.copyOfRange(b.x().data(), k * 60, (k + 1) * 60);
                assertArrayEquals(expected.data(), got, "sample " + i);
                seen++;
            }
        }
        assertEquals(12, seen);
    }

    @Test
    void normalisationAfterAugmentation() {
        Dataset data = new Dataset("r", Tensors.random(5, 9, 2, 4, 4), new int[9], 1, null);
        Normalize norm = Normalize.fit(data);
        Augmentation aug = Augmentation.shift(1);
        DataLoader loader = new DataLoader(data, 4).seed(3).augmentation(aug).normalize(norm);
        for (Batch b : loader.epoch(0)) {
            for (int k = 0; k < b.size(); k++) {
                int i = b.indices()[k];
                Tensor expected = norm.apply(Augmentation.apply(aug.draw(3, 0, i), data.image(i)));
                assertArrayEquals(expected.data(), Arrays.copyOfRange(b.x().data(), k * 32, (k + 1) * 32));
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loader.normalize(Normalize.of(new float[] {0}, new float[] {1})));
        assertEquals("DataLoader: Normalize(mean=[0.0000], std=[1.0000]) has 1 channels but data set 'r' has 2", e.getMessage());
    }

    @Test
    void describesItself() {
        DataLoader loader = new DataLoader(DatasetTest.indexed(4, 2), 64).shuffle(true).seed(1).augmentation(Augmentation.shift(2));
        assertEquals("DataLoader(indexed, batchSize=64, shuffle=true, seed=1, Augmentation(shift=2))", loader.toString());
        assertEquals("DataLoader(indexed, batchSize=2, dropLast=true)", new DataLoader(DatasetTest.indexed(4, 2), 2).dropLast(true).toString());
        assertEquals("DataLoader: batchSize must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new DataLoader(DatasetTest.indexed(4, 2), 0)).getMessage());
    }

    @Test
    void aFashionMnistSizedEpochIsFast() {
        // 60,000 images of 28x28: one shuffled epoch of plain copies must take well under a second.
        Dataset big = new Dataset("big", Tensor.zeros(60_000, 1, 28, 28), new int[60_000], 10, null);
        DataLoader loader = new DataLoader(big, 64).shuffle(true);
        long best = Long.MAX_VALUE;
        for (int e = 0; e < 3; e++) {
            long t0 = System.nanoTime();
            int n = 0;
            for (Batch b : loader.epoch(e)) n += b.size();
            best = Math.min(best, System.nanoTime() - t0);
            assertEquals(60_000, n);
        }
        // generous bound: the machine is shared; a copy per image takes ~0.1 s on a quiet core
        assertTrue(best < 1_000_000_000L, "epoch took " + best / 1e6 + " ms");
    }
}
