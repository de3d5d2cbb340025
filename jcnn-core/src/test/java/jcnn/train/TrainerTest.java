package jcnn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import jcnn.data.Augmentation;
import jcnn.data.Dataset;
import jcnn.io.ModelFile;
import jcnn.nn.Architecture;
import jcnn.nn.Init;
import jcnn.nn.Sequential;
import jcnn.optim.Adam;
import jcnn.optim.Optimizer;
import jcnn.optim.SGD;
import jcnn.optim.Schedules;
import jcnn.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    @TempDir
    Path dir;

    /**
     * A synthetic 3-class problem on 8×8 images: class c has a bright 3×3 square at one of three places, plus
     * noise. Easy for a CNN, impossible for a model that ignores the input.
     */
    static Dataset squares(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor images = Tensor.zeros(n, 1, 8, 8);
        int[] labels = new int[n];
        int[][] corners = {{0, 0}, {0, 5}, {5, 2}};
        for (int i = 0; i < n; i++) {
            int c = rng.nextInt(3);
            labels[i] = c;
            for (int p = 0; p < 64; p++) images.data()[i * 64 + p] = (float) (rng.nextDouble() * 0.3);
            for (int r = 0; r < 3; r++)
                for (int q = 0; q < 3; q++) images.data()[i * 64 + (corners[c][0] + r) * 8 + corners[c][1] + q] += 1f;
        }
        return new Dataset("squares", images, labels, 3, null);
    }

    static Sequential net() {
        return Architecture.parseModel("Conv2d(1, 4, 3, padding=1), ReLU(), MaxPool2d(2), Flatten(), Linear(64, 16), ReLU(), Dropout(p=0.2), Linear(16, 3)")
                .initialize(Init.heNormal(), 5);
    }

    @Test
    void learnsAndRecordsHistory() {
        Sequential m = net();
        List<String> events = new ArrayList<>();
        Trainer t = new Trainer(m, new Adam(m.parameters(), 0.01)).epochs(4).batchSize(16).seed(1)
                .validation(squares(60, 9)).listener(new TrainingListener() {
                    @Override
                    public void onStart(int first, int last, int batches) {
                        events.add("start " + first + "-" + last + " x" + batches);
                    }

                    @Override
                    public void onEpochEnd(EpochStats s) {
                        events.add("epoch " + s.epoch());
                    }
                });
        List<EpochStats> h = t.fit(squares(200, 1));
        assertEquals(4, h.size());
        assertEquals(List.of("start 1-4 x13", "epoch 1", "epoch 2", "epoch 3", "epoch 4"), events);
        assertTrue(h.get(3).trainLoss() < h.get(0).trainLoss(), "loss falls: " + h);
        assertTrue(h.get(3).valAccuracy() > 0.95, "validation accuracy " + h.get(3).valAccuracy());
        Evaluation e = t.evaluate(squares(90, 10));
        assertTrue(e.accuracy() > 0.95, "accuracy " + e.accuracy());
        assertEquals(90, e.count());
    }

    /**
     * Stopping after epoch 2 and resuming from the checkpoint file (model, optimizer state, history) ends
     * bit for bit where the uninterrupted run ends — with shuffling, augmentation, dropout and Adam's state.
     */
    @Test
    void resumedRunEqualsUninterruptedRun() throws IOException {
        Dataset data = squares(120, 2);
        Path full = dir.resolve("full.jcnn"), part = dir.resolve("part.jcnn");
        Sequential a = net();
        trainer(a, 4).checkpoint(full, Map.of("seed", "3")).fit(data);

        Sequential b = net();
        trainer(b, 2).checkpoint(part, Map.of("seed", "3")).fit(data);
        ModelFile.Contents saved = ModelFile.load(part);
        assertEquals("2", saved.info("epochs-done"));
        Sequential restored = saved.model();
        Trainer resumed = new Trainer(restored, new Adam(restored.parameters(), 0.01)).epochs(4).batchSize(16).seed(3)
                .schedule(Schedules.cosine(4)).augmentation(Augmentation.shift(1)).resume(saved);
        List<EpochStats> h = resumed.fit(data);
        assertEquals(4, h.size());
        a.stateDict().forEach((k, v) -> assertArrayEquals(v.data(), restored.stateDict().get(k).data(), k));
        assertEquals(ModelFile.load(full).history().get(3).split(" seconds")[0], h.get(3).toLine().split(" seconds")[0]);
    }

    private static Trainer trainer(Sequential m, int epochs) {
        return new Trainer(m, new Adam(m.parameters(), 0.01)).epochs(epochs).batchSize(16).seed(3)
                .schedule(Schedules.cosine(4)).augmentation(Augmentation.shift(1));
    }

    @Test
    void earlyStoppingKeepsTheBestEpoch() {
        Sequential m = net();
        // few samples and a brisk learning rate: the validation loss bottoms out and then rises (overfitting)
        Optimizer opt = new Adam(m.parameters(), 0.05);
        Trainer t = new Trainer(m, opt).epochs(40).batchSize(8).seed(1).validation(squares(60, 9)).earlyStopping(3);
        List<EpochStats> h = t.fit(squares(40, 1));
        int bestAt = 0;
        for (int i = 1; i < h.size(); i++) if (h.get(i).valLoss() < h.get(bestAt).valLoss()) bestAt = i;
        assertTrue(h.size() == 40 || bestAt == h.size() - 1 - 3, "stopped 3 epochs after the best: best " + bestAt + " of " + h.size());
        assertTrue(h.size() < 40, "this run overfits and stops early: " + h.size() + " epochs");
        assertEquals(h.get(bestAt).valLoss(), t.evaluate(squares(60, 9)).loss(), 1e-5, "the best epoch's weights are put back");
    }

    @Test
    void divergenceIsReportedNotIgnored() {
        Sequential m = net();
        Trainer t = new Trainer(m, new SGD(m.parameters(), 1e12)).epochs(3).batchSize(16);
        var e = assertThrows(Trainer.TrainingDivergedException.class, () -> t.fit(squares(64, 1)));
        assertTrue(e.getMessage().contains("lower the learning rate"), e.getMessage());
    }

    @Test
    void incompatibleDataIsRejectedBeforeTraining() {
        Sequential m = net();
        Trainer t = new Trainer(m, new Adam(m.parameters(), 0.01));
        Dataset wrong = new Dataset("big", Tensor.zeros(4, 1, 12, 12), new int[4], 3, null);
        var e = assertThrows(IllegalArgumentException.class, () -> t.fit(wrong));
        assertTrue(e.getMessage().startsWith("the model cannot take the training images of big (1, 12, 12)"), e.getMessage());
    }
}
