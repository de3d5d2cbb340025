package jcnn.cli;

import java.util.Locale;
import jcnn.train.EpochStats;
import jcnn.train.TrainingListener;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The terminal view of a training run: one progress bar per epoch (batches, ETA, running loss and accuracy,
 * images/s), then a line with the epoch's results.
 */
final class ProgressBarListener implements TrainingListener {
    private ProgressBar bar;
    private int lastEpoch;

    @Override
    public void onStart(int firstEpoch, int lastEpoch, int batchesPerEpoch) {
        this.lastEpoch = lastEpoch;
    }

    @Override
    public void onBatch(int epoch, int batch, int batches, double loss, double accuracy, double imagesPerSecond) {
        if (bar == null) {
            bar = new ProgressBarBuilder().setTaskName(String.format("epoch %d/%d", epoch, lastEpoch))
                    .setInitialMax(batches).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
                    .continuousUpdate().setMaxRenderedLength(110).build();
        }
        bar.stepTo(batch);
        bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f acc %.2f%% %,.0f img/s", loss, 100 * accuracy, imagesPerSecond));
    }

    @Override
    public void onEpochEnd(EpochStats s) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        String val = s.hasValidation() ? String.format(Locale.ROOT, ", monitor loss %.4f acc %.2f%%", s.valLoss(), 100 * s.valAccuracy()) : "";
        System.out.printf(Locale.ROOT, "epoch %d/%d: loss %.4f acc %.2f%%%s, lr %.3g, %.1f s, %,.0f img/s%n",
                s.epoch(), lastEpoch, s.trainLoss(), 100 * s.trainAccuracy(), val, s.learningRate(), s.seconds(), s.imagesPerSecond());
    }
}
