package jcnn.train;

import java.util.List;

/**
 * Follows a training run: a terminal progress bar, a live chart in the browser demo, a log. All methods are
 * called on the training thread; keep them quick. Every method has an empty default.
 */
public interface TrainingListener {

    /** Before the first batch: the epochs that will run (from {@code firstEpoch}, 1-based) and batches per epoch. */
    default void onStart(int firstEpoch, int lastEpoch, int batchesPerEpoch) {}

    /**
     * After each batch: the epoch (1-based), the batch (1-based), the mean loss and accuracy over the epoch so
     * far, and the training speed over the epoch so far.
     */
    default void onBatch(int epoch, int batch, int batchesPerEpoch, double runningLoss, double runningAccuracy,
                         double imagesPerSecond) {}

    /** After each epoch, with its statistics (validation included when there is a validation set). */
    default void onEpochEnd(EpochStats stats) {}

    /** After the last epoch (or early stopping), with the whole history. */
    default void onEnd(List<EpochStats> history) {}
}
